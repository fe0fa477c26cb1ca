"""The one entry point for humans and CI.

nox -s tests | lowest | lint | typecheck | demo | bench   checks, installed from constraints.txt
nox -s docs                                               the user guide and API reference, into site/
nox -s drift                                              newest botocore vs the models (not in CI)
nox -s mutants                                            mutation testing (not in CI: slow)
nox -s aio                                                jobkit.aio with aiobotocore (constraints-aio.txt)
nox -s lock | aio_lock                                    refresh constraints.txt | constraints-aio.txt
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nox
from packaging.requirements import Requirement

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests", "lowest", "lint", "typecheck"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
CONSTRAINTS = "constraints.txt"
# Every group the sessions install, so one constraints file pins them all consistently.
LOCKED_GROUPS = ("test", "typecheck", "lint", "bench", "docs", "mutants")
# The oldest Python pyproject.toml allows; the lock and the floors are resolved on it.
OLDEST_PYTHON = str(PYPROJECT["project"]["requires-python"]).removeprefix(">=")


def _groups(*groups: str) -> list[str]:
    args: list[str] = []
    for group in groups:
        args += nox.project.dependency_groups(PYPROJECT, group)
    return args


def _install(session: nox.Session, *groups: str) -> None:
    """Install jobkit and ``groups`` at the versions constraints.txt pins (reproducible runs)."""
    session.install("--upgrade", "pip")
    session.install("-c", CONSTRAINTS, ".", *_groups(*groups))


def floors() -> list[str]:
    """Return ``name==floor`` for every runtime dependency, read from pyproject.toml's ``>=``."""
    pins: list[str] = []
    for line in PYPROJECT["project"]["dependencies"]:
        requirement = Requirement(line)
        lower = [s.version for s in requirement.specifier if s.operator == ">="]
        if len(lower) != 1:
            msg = f"{line!r}: every runtime dependency needs exactly one '>=' floor"
            raise ValueError(msg)
        extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
        pins.append(f"{requirement.name}{extras}=={lower[0]}")
        if requirement.name == "boto3":
            # boto3 and botocore release in lockstep under one version number; without this
            # the resolver would take the newest botocore boto3's floor allows (a year newer).
            pins.append(f"botocore=={lower[0]}")
    return pins


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (unit, property and moto-server integration tests)."""
    _install(session, "test")
    session.run("pytest", *session.posargs, env={"HYPOTHESIS_PROFILE": "ci"})


@nox.session(python=OLDEST_PYTHON)
def lowest(session: nox.Session) -> None:
    """Run the test suite on the oldest Python and the runtime dependency floors pyproject.toml declares."""
    pins = floors()
    session.install("--upgrade", "pip")
    # The floors are exact; the test tools resolve to whatever works with them.
    session.install(".", *pins, *_groups("test"))
    session.run("python", "-m", "pip", "check")
    installed = session.run("python", "-m", "pip", "freeze", silent=True)
    _require_installed(pins, str(installed))
    session.run("pytest", *session.posargs, env={"HYPOTHESIS_PROFILE": "ci"})


def _require_installed(pins: list[str], freeze: str) -> None:
    """Fail when the resolver quietly moved a floor (a test tool demanding a newer one)."""
    have = {
        re.sub(r"[-_.]+", "-", name).lower(): version
        for name, version in re.findall(r"^([A-Za-z0-9._-]+)==(\S+)$", freeze, re.MULTILINE)
    }
    for pin in pins:
        requirement = Requirement(pin)
        name = re.sub(r"[-_.]+", "-", requirement.name).lower()
        if not requirement.specifier.contains(have.get(name, "0"), prereleases=True):
            msg = f"{pin} was not installed (got {have.get(name)}): something needs a newer floor"
            raise nox.command.CommandFailed(msg)


@nox.session
def lint(session: nox.Session) -> None:
    """Ruff lint and format check."""
    _install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict and pyright strict over src/ and tests/."""
    _install(session, "typecheck")
    session.run("mypy")
    session.run("pyright")


@nox.session
def demo(session: nox.Session) -> None:
    """Run the main job end to end, offline: wait on IoT (moto) and replayed Device Farm/Amplify."""
    _install(session, "test")
    session.run("python", "examples/demo.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Side-by-side benchmarks; prints one table per area with ratios."""
    _install(session, "bench")
    session.run("python", "benchmarks/run.py", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the user guide and API reference into site/; --strict fails on a broken reference."""
    _install(session, "docs", "lint")  # lint: ruff, which mkdocstrings formats signatures with
    session.run(
        "mkdocs",
        "build",
        "--strict",
        "--site-dir",
        "site",
        *session.posargs,
        env={"NO_MKDOCS_2_WARNING": "1"},
    )


@nox.session(default=False)
def drift(session: nox.Session) -> None:
    """Newest boto3/botocore vs the models: every member and enum value they lack; exit 1 if any."""
    session.install("--upgrade", "pip")
    # Deliberately unconstrained: the point is what botocore declares today, not what we pinned.
    session.install("--upgrade", ".", "boto3", "botocore")
    session.run("python", "tests/drift.py")


# What `nox -s mutants` mutates (mutmut 3 names: module.x_function, module.xǁClassǁmethod):
# the wait core, the outcome rules, redaction, the retry bound and the command's exit codes.
MUTANTS = (
    "jobkit._engine._core.*",
    "jobkit._convert._redact.*",
    "jobkit._engine._retry.x_http_attempt_bound__*",
    "jobkit.devicefarm.x__outcome__*",
    "jobkit.amplify.x__outcome__*",
    "jobkit.iot.x__job_outcome__*",
    "jobkit.iot.x__execution_outcome__*",
    "jobkit._cli._main.x_main__*",
    "jobkit._cli._main.xǁ_Commandǁ_policy__*",
    "jobkit._cli._main.xǁ_Commandǁ_wait__*",
)


@nox.session(default=False)
def mutants(session: nox.Session) -> None:
    """Mutation testing with mutmut over a copy of the tree; prints every surviving mutant.

    Mutant names given after ``--`` replace ``MUTANTS`` (``nox -s mutants -- 'jobkit._convert._redact.*'``);
    options (``--max-children=2``) are passed on to ``mutmut run``.
    """
    _install(session, "mutants")
    work = Path(session.create_tmp()) / "mutants-tree"
    if work.exists():
        shutil.rmtree(work)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "mutants")
    for name in ("src", "tests", "stubs", "benchmarks", "examples"):
        shutil.copytree(name, work / name, ignore=ignore)
    shutil.copy2("pyproject.toml", work / "pyproject.toml")
    with session.chdir(work):
        names = [arg for arg in session.posargs if not arg.startswith("-")]
        options = [arg for arg in session.posargs if arg.startswith("-")]
        session.run("mutmut", "run", *options, *(names or MUTANTS))
        session.run("mutmut", "results")


AIO_CONSTRAINTS = "constraints-aio.txt"
AIO_TESTS = ("tests/test_aio_native.py", "tests/test_aio.py")


@nox.session
def aio(session: nox.Session) -> None:
    """jobkit.aio with an aiobotocore client, on the botocore aiobotocore pins (its own set)."""
    session.install("--upgrade", "pip")
    session.install("-c", AIO_CONSTRAINTS, ".[aio]", *_groups("test"))
    session.run("pytest", *(session.posargs or AIO_TESTS), env={"HYPOTHESIS_PROFILE": "ci"})


@nox.session(python=OLDEST_PYTHON, reuse_venv=False, default=False)
def aio_lock(session: nox.Session) -> None:
    """Refresh constraints-aio.txt: the newest aiobotocore and the boto3 its botocore allows."""
    session.install("--upgrade", "pip")
    session.install(".[aio]", *_groups("test"))
    session.run("python", "-m", "pip", "check")
    frozen = str(session.run("python", "-m", "pip", "freeze", "--exclude", "jobkit", silent=True))
    header = (
        "# Pins for nox -s aio: aiobotocore pins botocore tightly (older than constraints.txt's),\n"
        "# so the aiobotocore path is tested on its own set. Refresh with: nox -s aio_lock\n"
    )
    Path(AIO_CONSTRAINTS).write_text(header + frozen, encoding="utf-8")
    session.log(f"wrote {AIO_CONSTRAINTS}: {len(frozen.splitlines())} pins")


# A fresh venv every time, so nothing an earlier lock installed survives into the new one.
@nox.session(python=OLDEST_PYTHON, reuse_venv=False, default=False)
def lock(session: nox.Session) -> None:
    """Refresh constraints.txt: the newest versions of jobkit's dependencies and every group."""
    session.install("--upgrade", "pip")
    session.install(".", *_groups(*LOCKED_GROUPS))
    session.run("python", "-m", "pip", "check")
    frozen = str(session.run("python", "-m", "pip", "freeze", "--exclude", "jobkit", silent=True))
    header = (
        "# Pinned versions for every nox session except drift and lowest (noxfile.py installs\n"
        f"# with -c {CONSTRAINTS}). Resolved on Python {OLDEST_PYTHON}, Linux, for jobkit and the\n"
        f"# dependency groups {', '.join(LOCKED_GROUPS)}. Refresh with: nox -s lock\n"
    )
    Path(CONSTRAINTS).write_text(header + frozen, encoding="utf-8")
    session.log(f"wrote {CONSTRAINTS}: {len(frozen.splitlines())} pins")
