"""Every Python snippet in README.md and docs/ type-checks under mypy --strict; the offline ones run.

Conventions, in HTML comments just before a ```python fence (blank lines may separate them):

* ``<!-- snippet: no-run -->``: type-check only (it needs AWS, or runs forever).
* ``<!-- snippet: setup`` ... ``-->``: hidden code put before the snippet (names it assumes).

A snippet is its own module: setup, then the code as written.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import mypy.api
import pytest

from helpers import on_pinned_botocore

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
DIRECTIVE = re.compile(r"<!--\s*snippet:\s*(?P<kind>[a-z-]+)(?P<body>.*?)-->", re.DOTALL)
FENCE = re.compile(r"^```python[^\n]*\n(?P<code>.*?)^```", re.DOTALL | re.MULTILINE)
# Offline: boto3 finds these fake credentials and never the real ones, nor a metadata service.
OFFLINE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


class Snippet(NamedTuple):
    """One ```python fence and what its directives say."""

    document: Path
    line: int
    code: str
    setup: str
    run: bool

    @property
    def name(self) -> str:
        """``docs/waiting.md:42``: where the fence starts."""
        return f"{self.document.relative_to(ROOT).as_posix()}:{self.line}"

    @property
    def module(self) -> str:
        """A module name unique to this snippet."""
        return "snippet_" + re.sub(r"\W", "_", self.name)

    def source(self) -> str:
        """The module mypy checks and Python runs."""
        return f"{self.setup}\n{self.code}" if self.setup else self.code


def snippets(document: Path) -> list[Snippet]:
    """Every ```python fence of ``document``, with the directives just above it."""
    text = document.read_text(encoding="utf-8")
    found: list[Snippet] = []
    for fence in FENCE.finditer(text):
        before = text[: fence.start()]
        setup, run = "", True
        # Directives bind to the next fence: walk back over comments and blank lines only.
        tail = before
        while True:
            stripped = tail.rstrip()
            if not stripped.endswith("-->"):
                break
            start = stripped.rfind("<!--")
            match = DIRECTIVE.fullmatch(stripped[start:])
            if match is None:
                break
            if match["kind"] == "no-run":
                run = False
            elif match["kind"] == "setup":
                setup = match["body"].strip("\n") + "\n" + setup
            else:
                msg = f"{document}: unknown snippet directive {match['kind']!r}"
                raise ValueError(msg)
            tail = stripped[:start]
        line = before.count("\n") + 2  # the first line of code, 1-based
        found.append(Snippet(document, line, fence["code"], setup, run))
    return found


ALL = [s for document in DOCUMENTS for s in snippets(document)]


def test_the_documents_have_snippets() -> None:
    assert len(ALL) >= 15
    assert {s.document.name for s in ALL} >= {"README.md", "index.md", "waiting.md", "testing.md"}
    assert any(s.run for s in ALL)


@pytest.fixture(scope="module")
def mypy_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Run mypy --strict once over every snippet; its errors, per snippet module."""
    where = tmp_path_factory.mktemp("snippets")
    files: list[str] = []
    for snippet in ALL:
        path = where / f"{snippet.module}.py"
        path.write_text(snippet.source(), encoding="utf-8")
        files.append(str(path))
    out, err, _ = mypy.api.run(
        [
            "--strict",
            "--config-file",
            "",  # not the project's: only these files, with mypy's own strict defaults
            "--python-version",
            "3.11",
            "--cache-dir",
            str(where / ".mypy_cache"),
            "--no-error-summary",
            "--hide-error-context",
            *files,
        ]
    )
    assert not err.strip(), err
    report: dict[str, list[str]] = {s.module: [] for s in ALL}
    for line in out.splitlines():
        module = Path(line.split(":", 1)[0]).stem
        if module in report:
            report[module].append(line.split(":", 1)[1])
        else:
            report.setdefault("<mypy>", []).append(line)
    assert not report.get("<mypy>"), report.get("<mypy>")
    return report


@on_pinned_botocore  # the snippets are checked against the stubs and models of the pinned set
@pytest.mark.parametrize("snippet", ALL, ids=[s.name for s in ALL])
def test_the_snippet_passes_mypy_strict(
    snippet: Snippet, mypy_report: dict[str, list[str]]
) -> None:
    assert mypy_report[snippet.module] == [], f"{snippet.name}\n{snippet.source()}"


RUNNABLE = [s for s in ALL if s.run]


@on_pinned_botocore
@pytest.mark.parametrize("snippet", RUNNABLE, ids=[s.name for s in RUNNABLE])
def test_the_snippet_runs_offline(snippet: Snippet, tmp_path: Path) -> None:
    path = tmp_path / f"{snippet.module}.py"
    path.write_text(snippet.source(), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | OFFLINE_ENV
    done = subprocess.run(
        [sys.executable, str(path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"{snippet.name}\n{done.stdout}\n{done.stderr}"


def test_the_schedule_picture_is_up_to_date() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "schedule.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
