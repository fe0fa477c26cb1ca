"""The exact ``repr`` shapes of jobkit._convert._redact, table by table (what a model's repr shows)."""

from __future__ import annotations

from typing import Any

import pytest

from jobkit._convert._redact import (
    REDACTED,
    is_secret_key,
    redact_extras,
    redact_secret,
    redact_url,
    redact_url_map,
)


class _Unprintable:
    def __repr__(self) -> str:
        raise RuntimeError


def test_the_redacted_marker() -> None:
    assert REDACTED == "'<redacted>'"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, "None"), ("s3cr3t", "'<redacted>'"), ("", "'<redacted>'"), (0, "'<redacted>'")],
)
def test_redact_secret(value: object, shown: str) -> None:
    assert redact_secret(value) == shown


@pytest.mark.parametrize(
    "name",
    [
        "sessionToken",
        "secret_access_key",
        "Password",
        "credentials",
        "privateKey",
        "private_key",
        "apiKey",
        "api-key",
        "signature",
        "sessionKey",
        "Authorization",
        "driverEndpoint",
        "interactive_endpoint",
        "detailsUrl",
        "test_details_url",
    ],
)
def test_secret_keys(name: str) -> None:
    assert is_secret_key(name) is True


@pytest.mark.parametrize("name", ["name", "status", "url", "endpoint", "key", "session", ""])
def test_plain_keys(name: str) -> None:
    assert is_secret_key(name) is False


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        # Nothing secret: the string is shown whole, fragment and all.
        ("https://example.com/a?b=1#c", "'https://example.com/a?b=1#c'"),
        ("relative/path", "'relative/path'"),
        ("", "''"),
        # A credential in the query hides the query and the fragment.
        ("https://h/p?X-Amz-Signature=abc&x=1", "'https://h/p?<redacted>'"),
        ("https://h/p?x=1&x-amz-SIGNATURE=abc#frag", "'https://h/p?<redacted>'"),
        ("https://h/p?X-Amz-Credential=AKIA/x", "'https://h/p?<redacted>'"),
        ("https://h/p?X-Amz-Security-Token=t", "'https://h/p?<redacted>'"),
        ("https://h/p?AWSAccessKeyId=AKIA&Signature=s", "'https://h/p?<redacted>'"),
        ("https://h/p?Key-Pair-Id=K&Policy=p", "'https://h/p?<redacted>'"),
        ("https://h/p?token=t", "'https://h/p?<redacted>'"),
        # ... and so does one in the fragment, even without a query.
        ("https://h/p#token=abc", "'https://h/p?<redacted>'"),
        # User info is dropped; a harmless query stays, the fragment goes.
        ("https://user:pw@host/p?q=1", "'https://host/p?q=1'"),
        ("https://user:pw@host/p", "'https://host/p'"),
        ("https://u:p@h/p#frag", "'https://h/p'"),
        ("https://u:p@h/p?#frag", "'https://h/p?'"),
        ("https://a@b:p@h/x", "'https://h/x'"),
        ("//u:p@h/x", "'//h/x'"),
        ("https://u:p@h/p?Signature=s", "'https://h/p?<redacted>'"),
        # Without an authority there is no user info to drop.
        ("mailto:a@b.example", "'mailto:a@b.example'"),
        ("p?signature=s", "'p?<redacted>'"),
        ("s3:key?policy=p", "'s3:key?<redacted>'"),
        # Unparseable by urllib, still split and redacted.
        ("https://[bucket/p?X-Amz-Signature=abc", "'https://[bucket/p?<redacted>'"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, "None"), (5, "5"), (["a"], "['a']"), (_Unprintable(), "<unprintable _Unprintable>")],
)
def test_redact_url_of_a_non_string(value: object, shown: str) -> None:
    assert redact_url(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ({}, "{}"),
        ({"a": "https://h/p"}, "{'a': 'https://h/p'}"),
        (
            {"a": "https://h/p?Signature=x", "b": "plain", "c": None},
            "{'a': 'https://h/p?<redacted>', 'b': 'plain', 'c': None}",
        ),
        ({1: "https://u:p@h/x"}, "{1: 'https://h/x'}"),
        ({_Unprintable(): 2}, "{<unprintable _Unprintable>: 2}"),
        (None, "None"),
        ([1], "[1]"),
        ("https://h/p?token=t", "'https://h/p?token=t'"),  # not a map: shown as it is
        (_Unprintable(), "<unprintable _Unprintable>"),
    ],
)
def test_redact_url_map(value: object, shown: str) -> None:
    assert redact_url_map(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "None"),
        (5, "5"),
        ("https://h/p?X-Amz-Credential=abc", "'https://h/p?<redacted>'"),
        ({}, "{}"),
        ([], "[]"),
        ((), "()"),
        ((1,), "(1,)"),
        ((1, 2), "(1, 2)"),
        ([1, "x"], "[1, 'x']"),
        ([(1,)], "[(1,)]"),
        (
            {"a": [1, "x"], "t": (1,), "u": (1, 2), "e": ()},
            "{'a': [1, 'x'], 't': (1,), 'u': (1, 2), 'e': ()}",
        ),
        # Secret-looking keys hide whatever they hold, unless it is None.
        (
            {"token": "s", "password": 5, "apiKey": None},
            "{'token': '<redacted>', 'password': '<redacted>', 'apiKey': None}",
        ),
        ({"n": {"sessionToken": ["a"]}}, "{'n': {'sessionToken': '<redacted>'}}"),
        ({"link": "https://u:p@h/x"}, "{'link': 'https://h/x'}"),
        # Only string keys are names.
        ({1: "x", None: "y"}, "{1: 'x', None: 'y'}"),
        (
            {_Unprintable(): _Unprintable()},
            "{<unprintable _Unprintable>: <unprintable _Unprintable>}",
        ),
        ([_Unprintable()], "[<unprintable _Unprintable>]"),
    ],
)
def test_redact_extras(value: object, shown: str) -> None:
    assert redact_extras(value) == shown


def _nested_lists(levels: int) -> object:
    value: object = 0
    for _ in range(levels):
        value = [value]
    return value


def _nested_maps(levels: int) -> object:
    value: object = 0
    for _ in range(levels):
        value = {"k": value}
    return value


def test_twelve_levels_are_shown() -> None:
    assert redact_extras(_nested_lists(12)) == "[" * 12 + "0" + "]" * 12
    assert redact_extras(_nested_maps(12)) == "{'k': " * 12 + "0" + "}" * 12


def test_the_thirteenth_level_is_dots() -> None:
    assert redact_extras(_nested_lists(13)) == "[" * 12 + "[...]" + "]" * 12
    assert redact_extras(_nested_maps(13)) == "{'k': " * 12 + "{'k': ...}" + "}" * 12
    assert redact_extras(_nested_lists(14)) == "[" * 12 + "[...]" + "]" * 12


def test_a_cycle_ends_in_dots() -> None:
    cycle: list[Any] = []
    cycle.append(cycle)
    assert redact_extras(cycle) == "[" * 13 + "..." + "]" * 13


def test_two_hundred_values_are_shown() -> None:
    values = list(range(200))
    assert redact_extras(values) == repr(values)
    assert redact_extras(tuple(values)) == repr(tuple(values))
    keys = {f"k{i}": i for i in range(200)}
    assert redact_extras(keys) == repr(keys)


def test_the_two_hundred_and_first_is_dots() -> None:
    assert redact_extras(list(range(201))) == repr(list(range(200)))[:-1] + ", ...]"
    assert redact_extras(list(range(250))) == repr(list(range(200)))[:-1] + ", ...]"
    keys = {f"k{i}": i for i in range(201)}
    assert redact_extras(keys) == repr({f"k{i}": i for i in range(200)})[:-1] + ", ...}"


def test_the_budget_is_shared_by_nested_values() -> None:
    fits = [list(range(50)), list(range(50))]  # 2 + 100 values
    assert redact_extras(fits) == repr(fits)
    # 1 + 150 values, then the second list would go over: it is shown as "..." as a whole.
    over = [list(range(150)), list(range(150))]
    assert redact_extras(over) == f"[{list(range(150))!r}, ...]"


def test_each_call_has_its_own_budget() -> None:
    values = list(range(150))
    assert redact_extras(values) == repr(values)
    assert redact_extras(values) == repr(values)
