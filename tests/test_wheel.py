"""The wheel holds the package, its type marker and canned responses; nothing else ships."""

from __future__ import annotations

import email
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "jobkit"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[zipfile.ZipFile]:
    out = tmp_path_factory.mktemp("wheel")
    # The PEP 517 hook of the build backend pyproject.toml names, in-process: no build isolation,
    # so no network (hatchling is a test dependency).
    code = "import sys, hatchling.build as b; print(b.build_wheel(sys.argv[1]))"
    done = subprocess.run(
        [sys.executable, "-c", code, str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    name = done.stdout.strip().splitlines()[-1]
    with zipfile.ZipFile(out / name) as archive:
        assert archive.testzip() is None
        yield archive


def _names(wheel: zipfile.ZipFile) -> set[str]:
    return set(wheel.namelist())


def test_the_wheel_has_every_module_and_py_typed(wheel: zipfile.ZipFile) -> None:
    names = _names(wheel)
    modules = {f"jobkit/{p.relative_to(PACKAGE).as_posix()}" for p in PACKAGE.rglob("*.py")}
    assert modules, "no sources found"
    assert modules <= names, sorted(modules - names)
    assert "jobkit/py.typed" in names
    assert "jobkit/_cli/__init__.py" in names


def test_the_wheel_has_the_canned_responses(wheel: zipfile.ZipFile) -> None:
    names = _names(wheel)
    canned = {
        f"jobkit/_stubs/{p.relative_to(ROOT / 'stubs').as_posix()}"
        for p in (ROOT / "stubs").rglob("*.json")
    }
    assert len(canned) > 50
    assert canned <= names, sorted(canned - names)
    assert "jobkit/_stubs/devicefarm/get_job/passed.json" in names


def test_the_wheel_ships_no_tests_benchmarks_or_docs(wheel: zipfile.ZipFile) -> None:
    tops = {name.split("/", 1)[0] for name in _names(wheel)}
    assert tops == {"jobkit", "jobkit-0.1.0.dist-info"}, tops
    for name in _names(wheel):
        parts = name.split("/")
        assert not {"tests", "benchmarks", "examples", "docs", "__pycache__"} & set(parts), name
        assert not name.endswith((".pyc", "conftest.py")), name
        assert not parts[-1].startswith("test_"), name


def test_the_metadata_names_the_licence_urls_and_the_command(wheel: zipfile.ZipFile) -> None:
    meta = email.message_from_bytes(wheel.read("jobkit-0.1.0.dist-info/METADATA"))
    assert meta["License-Expression"] == "Apache-2.0"
    assert meta["Requires-Python"] == ">=3.11"
    licence = wheel.read("jobkit-0.1.0.dist-info/licenses/LICENSE").decode()
    assert "Apache License" in licence
    assert "Version 2.0, January 2004" in licence
    assert "END OF TERMS AND CONDITIONS" in licence
    urls = {value.split(",", 1)[0] for value in meta.get_all("Project-URL", [])}
    assert urls == {"Homepage", "Documentation", "Changelog", "Issues"}
    classifiers = set(meta.get_all("Classifier", []))
    assert {"Typing :: Typed", "Operating System :: OS Independent"} <= classifiers
    assert not any(c.startswith("License ::") for c in classifiers)  # PEP 639: the expression
    entry_points = wheel.read("jobkit-0.1.0.dist-info/entry_points.txt").decode()
    assert "jobkit = jobkit._cli:main" in entry_points
