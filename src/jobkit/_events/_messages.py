"""Pure decoding of SQS message bodies into the JSON documents recognisers look at.

A body reaches the queue in one of a few shapes, possibly nested:

- a raw JSON document (an IoT topic rule's ``sqs`` action; SNS with raw delivery);
- an EventBridge event, ``{"version", "id", "detail-type", "source", "time", "detail": {...}}``
  (an EventBridge rule with an SQS target);
- an SNS notification, ``{"Type": "Notification", "Message": "<a JSON document as a string>"}``
  (SNS fan-out), whose ``Message`` may itself be any of these;
- base64 of a JSON document (an IoT ``sqs`` action with ``useBase64: true``).

:func:`documents` returns every layer, outermost first: an EventBridge envelope *and* its
``detail``, an SNS envelope *and* what its ``Message`` decodes to. Recognisers pick the layer they
know (Amplify's matches the envelope's ``source``; IoT's matches a document's ``eventType``), so
the engine needs no knowledge of which service wraps what.

Everything is bounded and total: a body over :data:`MAX_BODY` bytes, JSON nested deeper than
:data:`MAX_DEPTH`, or more than :data:`MAX_LAYERS` string-encoded layers is refused with a reason,
checked before (or without) recursion, and nothing here raises.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any, Final

from attrs import frozen

__all__ = ["MAX_BODY", "MAX_DEPTH", "MAX_LAYERS", "Decoded", "decode_json", "documents"]

MAX_BODY: Final = 1024 * 1024
"""Bytes of UTF-8 a body (or an encoded layer inside it) may have: SQS's own maximum, 1 MiB."""

MAX_DEPTH: Final = 32
"""How deeply JSON may nest; AWS's event documents nest 3 or 4 levels."""

MAX_LAYERS: Final = 4
"""How many string-encoded layers (SNS ``Message``, base64) are unwrapped, the body included."""

# A JSON string literal (unrolled, so linear), then the brackets left outside strings.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")


@frozen
class Decoded:
    """What a body decodes to: the documents of every layer, or why it is malformed.

    ``problem`` is ``None`` when some layer is a JSON object and every layer decodes within the
    bounds (the documents may still name nothing a recogniser knows). Otherwise it is a short
    reason in jobkit's words (never the body's text) and ``documents`` holds the layers decoded
    before the problem.
    """

    documents: tuple[Mapping[str, Any], ...] = ()
    problem: str | None = None


def _too_deep(text: str) -> bool:
    """Whether ``text`` nests brackets deeper than :data:`MAX_DEPTH` outside string literals."""
    depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub("", text)):
        if bracket.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        else:
            depth -= 1
    return False


def _text(data: str | bytes) -> tuple[str, str | None]:
    """``data`` as text within :data:`MAX_BODY` bytes, or why not."""
    if isinstance(data, bytes):
        if len(data) > MAX_BODY:
            return "", f"it is over {MAX_BODY} bytes"
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError:
            return "", "it is not UTF-8"
    # A character is at most 4 bytes of UTF-8: count bytes only when it could matter.
    if len(data) * 4 > MAX_BODY and len(data.encode("utf-8", "surrogatepass")) > MAX_BODY:
        return "", f"it is over {MAX_BODY} bytes"
    return data, None


def decode_json(data: str | bytes) -> tuple[object, str | None]:
    """Decode one JSON text within the bounds: ``(value, None)`` or ``(None, reason)``."""
    text, problem = _text(data)
    if problem is None and _too_deep(text):
        problem = f"its JSON nests deeper than {MAX_DEPTH} levels"
    if problem is not None:
        return None, problem
    try:
        return json.loads(text), None
    except RecursionError:  # unreachable after _too_deep; kept so no input can raise
        return None, f"its JSON nests deeper than {MAX_DEPTH} levels"
    except ValueError:  # JSONDecodeError, and ints longer than Python converts
        return None, "it is not JSON"


def _base64_json(text: str) -> str | bytes | None:
    """The decoded bytes when ``text`` is base64 of something that looks like a JSON object."""
    stripped = text.strip()
    if len(stripped) % 4 or not _BASE64.fullmatch(stripped):
        return None
    try:
        raw = base64.b64decode(stripped, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if raw.lstrip()[:1] == b"{" else None


def _inner(document: Mapping[str, Any]) -> tuple[Mapping[str, Any] | None, str | None]:
    """The next layer inside ``document``: an EventBridge ``detail`` or an SNS ``Message`` text."""
    detail = document.get("detail")
    if (
        isinstance(document.get("detail-type"), str)
        and isinstance(document.get("source"), str)
        and isinstance(detail, Mapping)
    ):
        return detail, None  # pyright: ignore[reportUnknownVariableType]
    message = document.get("Message")
    if document.get("Type") == "Notification" and isinstance(message, str):
        return None, message
    return None, None


def documents(body: object) -> Decoded:
    """Decode an SQS message body into the documents of each of its layers, outermost first.

    Never raises: anything that is not a ``str`` or ``bytes`` body, not UTF-8, not JSON, too big,
    too deep, or wrapped in too many layers is reported in :attr:`Decoded.problem`.
    """
    if not isinstance(body, str | bytes):
        return Decoded(problem="its body is not text")
    found: list[Mapping[str, Any]] = []
    encoded: str | bytes = body
    for _layer in range(MAX_LAYERS):
        value, problem = decode_json(encoded)
        if problem is not None:
            unwrapped = _base64_json(encoded) if isinstance(encoded, str) else None
            if unwrapped is None:
                return Decoded(tuple(found), problem)
            encoded = unwrapped
            continue
        # Follow object layers (EventBridge detail) until one holds an encoded layer (SNS).
        next_text: str | None = None
        while isinstance(value, Mapping):
            document: Mapping[str, Any] = value  # pyright: ignore[reportUnknownVariableType]
            found.append(document)
            value, next_text = _inner(document)
        if next_text is None:
            return Decoded(tuple(found), None if found else "it is not a JSON object")
        encoded = next_text
    return Decoded(tuple(found), f"it is wrapped in more than {MAX_LAYERS} encoded layers")
