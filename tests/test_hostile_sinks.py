r"""The output sinks for untrusted AWS text (issue 17), for any text: ``jobkit._cli._sinks``.

Each sink's promise is checked with hypothesis over all of Unicode (lone surrogates,
controls, bidi and format characters included) and read back the way GitHub's runner
reads it (``tests/github_runner.py``). tests/test_hostile_output.py runs the command.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from github_runner import BIDI, command, commands, outputs, runner_lines, table_rows, unescaped
from jobkit._cli._sinks import (
    command_data,
    command_property,
    line,
    markdown,
    output_entry,
    terminal,
)

# The sinks, for any text

_ANY_CHAR = st.characters(exclude_categories=())  # surrogates and unassigned included
_TRICKY = st.sampled_from([*":#[]%|<>&`\\ \n\r\t\x1b\x07\x9b\u00ad\u200b\u0301", *BIDI])
texts = st.text(st.one_of(_ANY_CHAR, _TRICKY), max_size=60)


def _clean_for_terminal(text: str) -> None:
    for char in text:
        assert unicodedata.category(char) not in {"Cc", "Cs", "Zl", "Zp"}, repr(char)
        assert char not in BIDI, repr(char)


@given(texts)
def test_terminal_leaves_no_control_escape_or_bidi_character(text: str) -> None:
    shown = terminal(text)
    _clean_for_terminal(shown)
    assert shown.encode("utf-8").decode("utf-8") == shown  # lone surrogates escaped: encodable
    assert terminal(shown) == shown  # once is enough: applying it again changes nothing


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")  # a surrogate pair equals its character


@given(texts)
def test_terminal_shows_what_it_replaces(text: str) -> None:
    # Nothing is dropped silently: each replaced character is there as a JSON escape.
    plain = text.replace("\\", "").replace('"', "")  # kept as they are, so JSON would misread
    assert _utf16(json.loads(f'"{terminal(plain)}"')) == _utf16(plain)


def test_terminal_examples() -> None:
    assert terminal("a\x1b[2Jb") == "a\\u001b[2Jb"
    assert terminal("x\ny\rz\tw") == "x\\ny\\rz\\tw"
    assert terminal("\x1b]0;t\x07") == "\\u001b]0;t\\u0007"
    assert terminal("\u202egnp.exe") == "\\u202egnp.exe"
    assert terminal("\x9b") == "\\u009b"
    assert terminal("plain text, é 日本 🚀") == "plain text, é 日本 🚀"


@given(st.text(st.sampled_from(" \t\u00a0\u3000"), max_size=3), texts, texts)
def test_no_line_is_a_workflow_command(indent: str, head: str, tail: str) -> None:
    # Whatever jobkit puts before or after AWS text, the line is no command.
    for text in (head, indent + head, f"{indent}{head}: {tail}", f"[0:00:01] {head}"):
        shown = line(text)
        _clean_for_terminal(shown)
        assert runner_lines(shown) == [shown]
        assert command(shown) is None, shown


@given(st.dictionaries(texts, st.one_of(texts, st.lists(texts, max_size=3)), max_size=4))
def test_line_keeps_a_json_document_valid_with_the_same_data(data: dict[str, Any]) -> None:
    document = "\n".join(line(raw) for raw in json.dumps(data, indent=2).split("\n"))
    assert json.loads(document) == data
    assert commands(document) == []


def test_line_examples() -> None:
    assert line("      ::error::pwned: FAILED") == "      \\u003a:error::pwned: FAILED"
    assert line("a ##[error]b") == "a ##\\u005berror]b"
    assert line("\u00ad::x::y") == "\u00ad\\u003a:x::y"
    assert line("status: a::b ##x [y]") == "status: a::b ##x [y]"  # nothing to defuse


@given(texts)
def test_command_values_stay_in_their_command(text: str) -> None:
    error = f"::error title={command_property(text)}::{command_data(text)}"
    assert runner_lines(error) == [error]
    assert commands(error) == ["error"]
    # The property ends where jobkit ends it: no ':' or ',' of the text survives raw.
    props = error.removeprefix("::error ").split("::", 1)[0]
    assert props.count("=") >= 1
    assert ":" not in props
    assert props.count(",") == 0
    _clean_for_terminal(command_data(text))


def test_command_escaping_is_githubs() -> None:
    assert command_data("100%") == "100%25"
    assert command_property("a:b,c%") == "a%3Ab%2Cc%25"
    # A newline is shown (\n) before GitHub's escaping, so %0A in the text stays literal.
    assert command_data("x\ny%0A") == "x\\ny%250A"


@given(texts)
def test_an_output_entry_is_one_entry_holding_the_value(value: str) -> None:
    text = output_entry("status", value) + output_entry("outcome", "FAILED")
    assert outputs(text) == [("status", value), ("outcome", "FAILED")]


def test_output_entries_use_a_random_delimiter_for_lines() -> None:
    assert output_entry("id", "42") == "id=42\n"
    first, second = output_entry("id", "a\nb"), output_entry("id", "a\nb")
    assert first.startswith("id<<ghadelimiter_")
    assert first != second  # random each time: a value cannot guess it
    with pytest.raises(ValueError, match="not an output name"):
        output_entry("a=b", "x")


@given(st.lists(texts, min_size=1, max_size=4))
def test_markdown_cells_keep_the_table_shape(cells: list[str]) -> None:
    row = "| " + " | ".join(markdown(c) for c in cells) + " |"
    assert "\n" not in row
    assert "\r" not in row
    assert [len(r) for r in table_rows(row)] == [len(cells)]
    for cell in cells:
        shown = markdown(cell)
        for char in "<&`[]$":
            assert unescaped(shown, char) == 0, (char, shown)


def test_markdown_examples() -> None:
    assert markdown("a|b") == "a\\|b"
    assert markdown("<img src=x>&#8238;") == "\\<img src=x>\\&#8238;"
    assert markdown("# heading") == "\\# heading"
    assert markdown("1. item") == "1\\. item"
    assert markdown("`x` [l](u) $m$") == "\\`x\\` \\[l\\](u) \\$m\\$"
    assert markdown("line\nbreak") == "line\\\\nbreak"  # shows as line\nbreak
    assert markdown("COMPLETED/PASSED -> SUCCEEDED") == "COMPLETED/PASSED -> SUCCEEDED"
