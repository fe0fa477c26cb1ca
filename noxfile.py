"""The one entry point for humans and CI: nox -s tests | lint | typecheck | demo | bench."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests", "lint", "typecheck"]


def _install(session: nox.Session, *groups: str) -> None:
    session.install("--upgrade", "pip")
    args: list[str] = []
    for group in groups:
        args += nox.project.dependency_groups(nox.project.load_toml("pyproject.toml"), group)
    session.install(".", *args)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (unit, property and moto-server integration tests)."""
    _install(session, "test")
    session.run("pytest", *session.posargs, env={"HYPOTHESIS_PROFILE": "ci"})


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
