r"""How GitHub's runner reads a step: workflow commands in its output, ``$GITHUB_OUTPUT``, tables.

A Python model of ``ActionCommand.TryParseV2`` / ``TryParse`` (actions/runner,
src/Runner.Common/ActionCommand.cs), the ``$GITHUB_OUTPUT`` parser of
``FileCommandManager`` on Linux, and GFM's table-cell split; plus the hostile strings
the tests feed the command. Stricter than the runner where it may differ (any case,
ignorable characters dropped), so passing here means passing there.
"""

from __future__ import annotations

import unicodedata

__all__ = [
    "BIDI",
    "ESCAPES",
    "HOSTILE",
    "command",
    "commands",
    "outputs",
    "runner_lines",
    "table_rows",
    "unescaped",
]

# What an attacker who names a test would try.
HOSTILE = (
    "test_checkout\n::error::pwned",
    "test_mask\r::add-mask::hunter2",
    "test_stop\r\n::stop-commands::tok3n",
    "test_group%0A::endgroup::",
    "::set-output name=outcome::SUCCEEDED",
    "   ::warning::indented",
    "\u00ad::error::soft-hyphen first",
    "legacy ##[error]pwned-v1",
    "clear\x1b[2J title\x1b]0;owned\x07 link\x1b]8;;http://x\x1b\\here\x1b]8;;\x1b\\",
    "bidi \u202egnp.exe\u2066x\u2069 \u200e\u200f\u061c c1\x9b31m del\x7f nul\x00",
    "| cell | split |\n<img src=x onerror=alert(1)>&#8238;`code`[link](http://x)",
)
ESCAPES = ("\x1b", "\x07", "\x9b", "\x00", "\x7f")
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Every command GitHub's runner registers (ActionCommandManager), plus stop-commands.
REGISTERED = frozenset(
    {
        "set-env",
        "set-output",
        "save-state",
        "add-mask",
        "add-path",
        "add-matcher",
        "remove-matcher",
        "debug",
        "warning",
        "error",
        "notice",
        "group",
        "endgroup",
        "echo",
        "stop-commands",
    }
)
_IGNORABLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me"})


def runner_lines(text: str) -> list[str]:
    """Lines as .NET's ``StreamReader.ReadLine`` splits them: on ``\\n``, ``\\r`` and ``\\r\\n``."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def command(raw: str) -> str | None:
    """The command the runner would run for this line, or None.

    Stricter than the runner: characters a culture-sensitive comparison might skip
    (controls, format characters, marks) are dropped first, and names match in any case.
    """
    text = "".join(c for c in raw if unicodedata.category(c) not in _IGNORABLE)
    trimmed = text.lstrip()
    if trimmed.startswith("::"):  # TryParseV2
        end = trimmed.find("::", 2)
        if end >= 0:
            name = trimmed[2:end].split(" ", 1)[0].lower()
            if name in REGISTERED:
                return name
    start = text.find("##[")  # TryParse (legacy): anywhere in the line
    if start >= 0:
        end = text.find("]", start)
        if end >= 0:
            name = text[start + 3 : end].split(" ", 1)[0].lower()
            if name in REGISTERED:
                return name
    return None


def commands(text: str) -> list[str]:
    return [name for raw in runner_lines(text) if (name := command(raw)) is not None]


def outputs(text: str) -> list[tuple[str, str]]:
    """``$GITHUB_OUTPUT`` as the runner parses it on Linux (FileCommandManager): every entry."""
    entries: list[tuple[str, str]] = []
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    i = 0
    while i < len(lines):
        raw = lines[i]
        i += 1
        if not raw:
            continue
        equals, heredoc = raw.find("="), raw.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            name, value = raw.split("=", 1)
            entries.append((name, value))
            continue
        assert heredoc >= 0, f"the runner would reject {raw!r}"
        name, delimiter = raw.split("<<", 1)
        held: list[str] = []
        while lines[i] != delimiter:  # an IndexError: the runner finds no matching delimiter
            held.append(lines[i])
            i += 1
        i += 1
        entries.append((name, "\n".join(held)))
    return entries


def table_rows(summary: str) -> list[list[str]]:
    """Cells of each table row, split on the pipes GFM splits on (not ``\\|``)."""
    rows: list[list[str]] = []
    for raw in summary.splitlines():
        if not raw.startswith("|"):
            continue
        cells: list[str] = []
        cell, i = "", 1
        while i < len(raw):
            if raw[i] == "\\" and i + 1 < len(raw):
                cell += raw[i : i + 2]
                i += 2
                continue
            if raw[i] == "|":
                cells.append(cell)
                cell = ""
            else:
                cell += raw[i]
            i += 1
        rows.append(cells)
    return rows


def unescaped(text: str, char: str) -> int:
    """How many times ``char`` appears without a backslash escaping it."""
    count, i = 0, 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        count += text[i] == char
        i += 1
    return count
