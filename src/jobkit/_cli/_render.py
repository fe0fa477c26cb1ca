"""The result on stdout: ``text`` (dotted lines), ``json`` (boto3's shape) or ``summary``.

Every format hides secrets unless ``show_secrets``; see ``_secrets``. Every line goes
through ``_sinks.line`` as it is written: AWS text cannot move the cursor, recolour the
terminal or start a GitHub workflow command, and JSON stays valid JSON with the same data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, cast

import attrs

from jobkit._cli._secrets import public_json, scrub, scrub_text
from jobkit._cli._sinks import line
from jobkit._cli._summary import Context, summary_lines
from jobkit._convert._lazy import unstructure
from jobkit._convert._model import extras
from jobkit._engine._progress import describe

if TYPE_CHECKING:
    from collections.abc import Mapping as MappingType

__all__ = ["Writer", "render", "write_lines"]


class Writer(Protocol):
    """Where the result goes: stdout, or a wrapper that survives a closed pipe."""

    def write(self, s: str, /) -> object:
        """Write text."""
        ...

    def flush(self) -> object:
        """Flush what was written."""
        ...


def render(
    resource: Any,
    output: str,
    stdout: Writer,
    *,
    show_secrets: bool,
    what: str,
    outcome: str,
    context: Context,
) -> None:
    """Write ``resource`` to ``stdout`` in ``output`` format."""
    if output == "summary":
        lines = summary_lines(resource, what=what, outcome=outcome, context=context)
        write_lines(stdout, lines if show_secrets else map(scrub_text, lines))
        return
    if resource is None:
        return
    if output == "json":
        data = unstructure(resource, mode="json")
        shown = data if show_secrets else public_json(resource, data)
        # json.dumps escapes controls and non-ASCII; line() keeps it valid (its escapes are JSON's).
        write_lines(stdout, json.dumps(shown, indent=2).split("\n"))
        return
    cls: type[Any] = type(cast("object", resource))
    head = f"{cls.__module__.rsplit('.', 1)[-1]}.{cls.__name__}: {describe(resource)}"
    lines = [head if show_secrets else scrub_text(head)]
    lines.append(f"  outcome: {resource.outcome or '(not finished)'}")
    lines += [
        f"  {key}: {value}" for key, value in _flatten(resource, "", show_secrets=show_secrets)
    ]
    write_lines(stdout, lines)  # _flatten scrubbed each value it had to


def write_lines(stdout: Writer, lines: Iterable[str]) -> None:
    """Write each of ``lines`` through ``_sinks.line``, one per line: the only line breaks are these."""
    for text in lines:
        stdout.write(line(text) + "\n")


def _flatten(obj: object, prefix: str, *, show_secrets: bool) -> list[tuple[str, str]]:
    """Dotted ``key: value`` lines of a model; secrets as ``repr`` hides them, unless shown."""
    lines: list[tuple[str, str]] = []
    for field in attrs.fields(cast("type[Any]", type(obj))):
        if field.name == "_extras":
            continue
        value: object = getattr(obj, field.name)
        key = f"{prefix}{field.name}"
        if value is None:
            continue
        items = _items(value)
        if attrs.has(type(value)):
            lines += _flatten(value, key + ".", show_secrets=show_secrets)
        elif items and attrs.has(type(items[0])):
            for i, item in enumerate(items):
                lines += _flatten(item, f"{key}[{i}].", show_secrets=show_secrets)
        elif callable(field.repr) and not show_secrets:
            lines.append((key, scrub_text(str(field.repr(value)).strip("'"))))
        else:
            text = _scalar(value)
            lines.append((key, text if show_secrets else scrub_text(text)))
    unknown: MappingType[str, Any]
    try:
        unknown = extras(obj)
    except Exception:  # noqa: BLE001 -- not a jobkit model: it has no unknown members
        unknown = {}
    for name, value in unknown.items():
        shown = value if show_secrets else scrub({name: value})[name]
        lines.append((f"{prefix}{name}", json.dumps(shown, default=str)))
    return lines


def _items(value: object) -> tuple[object, ...]:
    return cast("tuple[object, ...]", value) if isinstance(value, tuple) else ()


def _scalar(value: object) -> str:
    items = _items(value)
    if isinstance(value, tuple):
        return ", ".join(map(str, items)) or "(none)"
    if isinstance(value, Mapping):
        pairs = cast("Mapping[object, object]", value)
        return ", ".join(f"{k}={v}" for k, v in pairs.items())
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
