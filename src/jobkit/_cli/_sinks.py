r"""Untrusted text made safe for each place the command writes it: one function per sink.

What AWS returns is partly written by whoever controls the app, the tests or the device
(test names and messages, step names, thing names, status details). Each sink has one
function, applied once, where the text leaves jobkit:

- :func:`line` -- every line on stdout or stderr (text, summary, JSON, progress,
  messages). No control character, escape sequence, bidi override or line break of the
  text survives raw: each is shown as a JSON-style escape (``\x1b`` -> ``\u001b``,
  ``\n`` -> ``\n``), so one value stays on one line, and a JSON document stays valid JSON
  with the same data. The line cannot be read by GitHub's runner as a workflow command:
  a ``::`` at its start (after spaces) and a ``##[`` anywhere are escaped
  (``\u003a``, ``\u005b``). jobkit's own bytes (the live line's ``\r\x1b[K``, the
  newline between lines) are added after it.
- :func:`terminal` -- one value on a terminal, before the live line is cut to the
  width; what :func:`line` does first.
- :func:`command_data`, :func:`command_property` -- a value inside a workflow command
  jobkit means (``::group::``, ``::error::``): one line, escaped as GitHub documents.
- :func:`output_entry` -- one ``$GITHUB_OUTPUT`` entry: ``name=value`` when the value is
  one line, else ``name<<DELIMITER`` with a random delimiter the value does not hold.
- :func:`markdown` -- text in the step summary: one line, the Markdown that would change
  its shape or meaning backslash-escaped, so a ``|`` cannot split a cell and ``<``
  cannot open HTML.
"""

from __future__ import annotations

import re
import unicodedata
import uuid

__all__ = ["command_data", "command_property", "line", "markdown", "output_entry", "terminal"]

# C0 and C1 controls (with DEL), the line and paragraph separators, bidi marks, embeddings,
# overrides and isolates (U+061C, U+200E/F, U+202A-E, U+2066-9), and lone surrogates (which
# cannot be encoded to UTF-8 at all).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Characters a culture-sensitive .NET comparison (the runner's ``StartsWith("::")`` and
# ``IndexOf("##[")``) may skip over: controls, format characters, marks, unassigned.
_IGNORABLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me"})
# Inline markup that changes shape or meaning anywhere in a line: escapes, cell breaks, HTML
# and autolinks, entities (``&#8238;`` would bring a bidi override back), code spans, links
# and images, math. Emphasis is left alone: it changes looks, not meaning.
_MARKDOWN_INLINE = re.compile(r"[\\|<&`\[\]$]")
# Block markup a list item's text could start with: heading, quote, list, rule, fence.
_MARKDOWN_BLOCK = re.compile(r"^(\s*)(?:([#>+\-=*_~])|(\d{1,9})([.)]))")
_OUTPUT_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT.get(char) or f"\\u{ord(char):04x}"


def terminal(text: str) -> str:
    r"""``text`` on one line with no control, escape or bidi character left raw.

    Each is replaced by a visible escape valid in JSON too: ``\x1b[2J`` becomes
    ``\u001b[2J``, a newline ``\n``, U+202E ``\u202e``. Nothing is dropped; text without
    such characters is returned unchanged.
    """
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def _ignorable(char: str) -> bool:
    return unicodedata.category(char) in _IGNORABLE


def line(text: str) -> str:
    r"""One line of stdout or stderr: :func:`terminal`, and never a GitHub workflow command.

    GitHub's runner reads a line as a command when it starts with ``::`` after leading
    spaces, or holds ``##[`` anywhere; the first ``:`` of such a start becomes
    ``\u003a`` and the ``[`` of each ``##[`` ``\u005b`` (both valid JSON escapes).
    """
    shown = terminal(text)
    if ":" not in shown and "[" not in shown:
        return shown
    visible = [i for i, c in enumerate(shown) if not _ignorable(c)]
    escaped: dict[int, str] = {}
    lead = next((n for n, i in enumerate(visible) if not shown[i].isspace()), len(visible))
    if _chars(shown, visible[lead : lead + 2]) == "::":
        escaped[visible[lead]] = "\\u003a"
    for a, b, c in zip(visible, visible[1:], visible[2:], strict=False):
        if shown[a] + shown[b] + shown[c] == "##[":
            escaped[c] = "\\u005b"
    return "".join(escaped.get(i, c) for i, c in enumerate(shown)) if escaped else shown


def _chars(text: str, indices: list[int]) -> str:
    return "".join(text[i] for i in indices)


def command_data(text: str) -> str:
    """The data of a workflow command jobkit writes (after ``::``): one line, GitHub-escaped."""
    return terminal(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def command_property(text: str) -> str:
    """A property value of a workflow command jobkit writes (``title=...``), GitHub-escaped."""
    return command_data(text).replace(":", "%3A").replace(",", "%2C")


def output_entry(name: str, value: str) -> str:
    """One ``$GITHUB_OUTPUT`` entry for ``name``, holding ``value`` exactly, newline included.

    A value with a line break is written as ``name<<DELIMITER``, the value, then the
    delimiter alone on a line: a random one the value does not hold, so no line of the
    value can end the entry or start another.
    """
    if not _OUTPUT_NAME.fullmatch(name):  # names are jobkit's own; a bad one is a bug
        msg = f"{name!r} is not an output name"
        raise ValueError(msg)
    if "\n" not in value and "\r" not in value:
        return f"{name}={value}\n"
    delimiter = f"ghadelimiter_{uuid.uuid4()}"
    while delimiter in value:  # pragma: no cover -- 122 random bits
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def markdown(text: str) -> str:
    r"""``text`` as literal Markdown on one line, safe in a table cell or a list item.

    :func:`terminal` first (a newline is shown as ``\n``), then a backslash before each
    ``\``, ``|``, ``<``, ``&``, backtick, ``[``, ``]`` and ``$``, and before a leading
    ``#``, ``>``, ``-``, ``+``, ``=``, ``*``, ``_``, ``~`` or ``1.``'s dot: CommonMark
    shows each as the character itself, so no cell splits and no HTML, entity, link,
    image, code span, math or heading comes from the text.
    """
    shown = _MARKDOWN_INLINE.sub(lambda m: "\\" + m.group(), terminal(text))
    return _MARKDOWN_BLOCK.sub(_escape_block, shown, count=1)


def _escape_block(match: re.Match[str]) -> str:
    space, marker, digits, dot = match.groups()
    return f"{space}\\{marker}" if marker else f"{space}{digits}\\{dot}"
