"""The house's layout holds: layers import downward, the engine names no service, imports are cheap."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from jobkit._services import NAMES, services

SRC = Path(__file__).resolve().parent.parent / "src" / "jobkit"


def _imports(path: Path) -> set[str]:
    """Every ``jobkit...`` module a file imports (at any level, TYPE_CHECKING included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("jobkit"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("jobkit"))
    return found


def _modules(folder: str) -> list[Path]:
    return sorted((SRC / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("_engine") + _modules("_convert"), ids=lambda p: p.name)
def test_the_engine_and_conversion_name_no_service(path: Path) -> None:
    for module in _imports(path):
        parts = module.split(".")
        assert len(parts) < 2 or parts[1] not in NAMES, f"{path.name} imports {module}"
        assert not module.startswith(("jobkit._cli", "jobkit.aio", "jobkit.testing")), module
        assert module != "jobkit._services", f"{path.name} reads the registry"


@pytest.mark.parametrize("path", _modules("_convert"), ids=lambda p: p.name)
def test_conversion_imports_no_engine(path: Path) -> None:
    assert not {m for m in _imports(path) if m.startswith("jobkit._engine")}


@pytest.mark.parametrize("name", NAMES)
def test_a_service_imports_no_other_service(name: str) -> None:
    others = set(NAMES) - {name}
    for path in _modules(name):
        for module in _imports(path):
            parts = module.split(".")
            assert len(parts) < 2 or parts[1] not in others, f"{name}/{path.name} imports {module}"


def test_every_service_is_one_folder_with_its_rows_ids_and_facades() -> None:
    for known in services():
        folder = SRC / known.name
        for part in (
            "__init__.py",
            "_models.py",
            "_operations.py",
            "_ids.py",
            "_facade.py",
            "_aio.py",
        ):
            assert (folder / part).is_file(), f"{known.name} lacks {part}"
        assert all(op.service == known.name for op in known.operations)
        assert all(call.service == known.name for call in known.calls)


def _loaded(code: str, prefixes: tuple[str, ...] = ("jobkit",)) -> list[str]:
    probe = (
        f"{code}\nimport sys\nprint(sorted(m for m in sys.modules if m.startswith({prefixes!r})))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return list(ast.literal_eval(out.stdout.strip().splitlines()[-1]))


def _models(loaded: list[str]) -> list[str]:
    return [m for m in loaded if m.endswith("._models")]


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["wait", "--help"],
        ["wait", "devicefarm-run", "--help"],
        ["start", "--help"],
        ["start", "codebuild-build", "--help"],
        ["events", "setup", "iot", "--help"],
    ],
    ids=" ".join,
)
def test_the_command_help_loads_no_model(argv: list[str]) -> None:
    code = (
        "import contextlib, io\nfrom jobkit._cli import main\n"
        f"with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        f"    main({argv!r})"
    )
    loaded = _loaded(code, prefixes=("jobkit", "boto3", "botocore"))
    assert _models(loaded) == []
    # The help is text: it needs neither boto3 nor botocore (their import is most of a start).
    assert [m for m in loaded if m.split(".")[0] in {"boto3", "botocore"}] == []


@pytest.mark.parametrize("name", ["DeviceFarm", "Amplify", "IoT", "CodeBuild", "Batch"])
def test_a_facade_import_loads_no_other_service(name: str) -> None:
    loaded = _loaded(f"from jobkit import {name}")
    facade = next(k for k in services() if k.facade.endswith(f":{name}"))
    others = [
        m for m in loaded if m.split(".")[1:2] and m.split(".")[1] in set(NAMES) - {facade.name}
    ]
    assert others == []


# What a facade's import may load: its package, its class module, and the few light modules
# defining the class needs. Everything else (the engine's attrs-built tables and policies, the
# errors, the rows, flows and id checks, the models) loads on the facade's first use.
_CLASS_ONLY = {
    "jobkit",
    "jobkit._convert",
    "jobkit._convert._enums",
    "jobkit._convert._lazy",
    "jobkit._convert._outcome",
    "jobkit._engine",
    "jobkit._engine._facade",
    "jobkit._engine._timeouts",
    "jobkit._loading",
}


@pytest.mark.parametrize("name", ["DeviceFarm", "Amplify", "IoT", "CodeBuild", "Batch"])
def test_a_facade_import_loads_only_what_defining_its_class_needs(name: str) -> None:
    facade = next(k for k in services() if k.facade.endswith(f":{name}"))
    loaded = _loaded(
        f"import boto3\nfrom jobkit import {name}",
        prefixes=("jobkit", "attr", "attrs", "cattrs", "typing_extensions"),
    )
    own = {f"jobkit.{facade.name}", f"jobkit.{facade.name}._facade", "jobkit.devicefarm._limits"}
    assert sorted(set(loaded) - _CLASS_ONLY - own) == []


def test_a_facade_loads_its_rows_on_first_use() -> None:
    first_use = "import boto3\nfrom jobkit import DeviceFarm\npolicy = DeviceFarm.JOB_POLICY"
    loaded = _loaded(first_use)
    assert "jobkit.devicefarm._operations" in loaded
    assert [m for m in loaded if m.split(".")[1:2] == ["amplify"]] == []
    shown = f"{first_use}\nprint(type(policy).__name__, type(vars(DeviceFarm.__mro__[1])['JOB_POLICY']).__name__)"
    out = subprocess.run([sys.executable, "-c", shown], capture_output=True, text=True, check=True)
    # The first read builds the row's policy and stores it on the class as a plain value.
    assert out.stdout.split() == ["WaitPolicy", "WaitPolicy"]
