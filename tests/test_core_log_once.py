"""The wait core logs a description once, however many changed resources share it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from jobkit import WaitPolicy, iot, structure
from jobkit._engine._core import WaitCore

if TYPE_CHECKING:
    import pytest


def test_a_changed_resource_with_the_same_description_is_not_logged_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    policy = WaitPolicy(timeout=100, min_delay=2, max_delay=20, random=lambda: 0.5)
    core = WaitCore[iot.JobExecution](policy, 0.0, what="execution e", operation="Op")
    versions = [
        structure({"status": "IN_PROGRESS", "versionNumber": n}, iot.JobExecution)
        for n in (1, 2, 3)
    ]
    assert versions[0] != versions[1]
    assert versions[0].describe() == versions[1].describe() == "IN_PROGRESS"
    with caplog.at_level(logging.INFO, logger="jobkit"):
        for now, version in enumerate(versions):
            assert core.observe(float(now), version).update is version
    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert infos == ["execution e: IN_PROGRESS"]
