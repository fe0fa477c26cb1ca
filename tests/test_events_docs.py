"""The wiring docs/events.md shows by hand is the wiring ``jobkit events setup`` makes.

A user who manages infrastructure themselves copies these blocks; a pattern that drifted from
the recogniser's would route nothing (or the wrong events) to the queue, silently.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from jobkit.amplify._events import EVENT_PATTERN as AMPLIFY
from jobkit.batch._events import EVENT_PATTERN as BATCH
from jobkit.codebuild._events import EVENT_PATTERN as CODEBUILD

DOCS = Path(__file__).resolve().parents[1] / "docs" / "events.md"
_RULE = re.compile(r"aws events put-rule --name (\S+) \\\n\s+--event-pattern '([^']+)'")


def _cli_patterns() -> dict[str, object]:
    return {name: json.loads(body) for name, body in _RULE.findall(DOCS.read_text())}


@pytest.mark.parametrize(
    ("rule", "pattern"),
    [("jobkit-amplify", AMPLIFY), ("jobkit-codebuild", CODEBUILD), ("jobkit-batch", BATCH)],
)
def test_the_documented_cli_rule_has_the_pattern_setup_makes(rule: str, pattern: object) -> None:
    assert _cli_patterns()[rule] == pattern


def test_every_documented_cli_rule_is_checked() -> None:
    assert sorted(_cli_patterns()) == ["jobkit-amplify", "jobkit-batch", "jobkit-codebuild"]


def test_the_documented_cloudformation_rules_have_the_patterns_setup_makes() -> None:
    text = DOCS.read_text()
    for pattern in (AMPLIFY, CODEBUILD):
        (source,), (detail,) = pattern["source"], pattern["detail-type"]
        assert f"source: [{source}]\n        detail-type: [{detail}]" in text
