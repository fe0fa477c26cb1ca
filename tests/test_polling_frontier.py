"""jobkit's default schedules stay on or beyond the calls/lag frontier of the baselines.

This is virtual time (benchmarks/polling.py drives the real engine with a fake clock),
so it asserts schedule quality, never a duration.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import polling


@pytest.fixture(scope="module")
def rows() -> list[dict[str, object]]:
    return polling.run(n=80, seed=11)


def test_no_default_is_dominated(rows: list[dict[str, object]]) -> None:
    verdicts = {
        r["resource"]: r["verdict"] for r in rows if str(r["strategy"]).startswith("jobkit")
    }
    assert set(verdicts) == {"Device Farm job", "IoT job execution", "IoT job", "Amplify job"}
    assert "DOMINATED" not in verdicts.values()


def test_progress_aware_resources_beat_both_baselines(rows: list[dict[str, object]]) -> None:
    verdicts = {
        r["resource"]: r["verdict"] for r in rows if str(r["strategy"]).startswith("jobkit")
    }
    assert verdicts["Device Farm job"] == "beyond both"
    assert verdicts["IoT job"] == "beyond both"
