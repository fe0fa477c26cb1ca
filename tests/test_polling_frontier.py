"""jobkit's default schedules are never dominated by the anchors, on held-out lifecycles.

This is virtual time (benchmarks/polling.py drives the real engine with a fake clock),
so it asserts schedule quality, never a duration. The lifecycles are the held-out
families (benchmarks/lifecycles.py), not the ones the defaults were tuned on, drawn
with a seed of their own. Each resource is compared with both anchors, and a
deliberately bad default is shown to fail the same check for every family, so the
check has teeth for every resource (IoT executions included, whose default equals
the Smithy anchor: the fixed 15 s anchor can still dominate it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import lifecycles
import polling

from jobkit import WaitPolicy

RESOURCES = {"Device Farm job", "Device Farm run", "IoT job execution", "IoT job", "Amplify job"}
SEED = 11  # neither the tuning seed nor the README's


def _jitter_around_15s(_: WaitPolicy) -> WaitPolicy:
    """Polls about as often as the fixed 15 s anchor, with jitter: same calls, more lag."""
    return WaitPolicy(min_delay=1, max_delay=29, use_progress=False, use_history=False)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, object]]:
    return polling.run(n=80, seed=SEED)


@pytest.fixture(scope="module")
def sabotaged() -> list[dict[str, object]]:
    return polling.run(n=80, seed=SEED, policy=_jitter_around_15s)


def _verdicts(rows: list[dict[str, object]]) -> dict[object, object]:
    return {r["family"]: r["verdict"] for r in rows if r["jobkit"]}


def test_held_out_families_cover_every_resource_and_none_was_tuned_on() -> None:
    assert {f.resource for f in lifecycles.HELD_OUT.values()} == RESOURCES
    assert {f.resource for f in lifecycles.TUNING.values()} == RESOURCES
    tuned = {f.make for f in lifecycles.TUNING.values()}
    assert not tuned & {f.make for f in lifecycles.HELD_OUT.values()}
    assert len({polling.TUNING_SEED, polling.HELD_OUT_SEED, SEED}) == 3


def test_no_default_is_dominated_by_either_anchor(rows: list[dict[str, object]]) -> None:
    verdicts = _verdicts(rows)
    assert set(verdicts) == set(lifecycles.HELD_OUT)
    dominated = [family for family, v in verdicts.items() if v == "DOMINATED"]
    assert not dominated


def test_the_check_fails_a_bad_default_for_every_family(
    sabotaged: list[dict[str, object]],
) -> None:
    assert set(_verdicts(sabotaged).values()) == {"DOMINATED"}


def test_every_resource_is_compared_with_an_anchor_that_differs_from_its_default() -> None:
    for family in lifecycles.HELD_OUT.values():
        assert any(
            (a.min_delay, a.max_delay) != (family.policy.min_delay, family.policy.max_delay)
            for a in polling.ANCHORS.values()
        )


def test_the_estimate_is_reported_against_its_absence(rows: list[dict[str, object]]) -> None:
    with_progress = {f for f, fam in lifecycles.HELD_OUT.items() if fam.progress}
    other = {r["family"] for r in rows if r["strategy"] == "jobkit, estimate on"}
    assert other == with_progress


def test_the_history_schedule_is_reported_against_its_absence_and_the_oracle(
    rows: list[dict[str, object]],
) -> None:
    with_history = {f for f, fam in lifecycles.HELD_OUT.items() if fam.with_history}
    assert {r["family"] for r in rows if r["strategy"] == "jobkit, history off"} == with_history
    oracle = [r for r in rows if str(r["strategy"]).startswith("oracle")]
    assert {r["family"] for r in oracle} == with_history
    assert {(r["calls mean"], r["lag mean s"]) for r in oracle} == {(1.0, 0.0)}


def test_with_history_jobkit_makes_fewer_calls_and_less_lag_than_smithy_on_some_families(
    rows: list[dict[str, object]],
) -> None:
    smithy = "Smithy 2..120 s (Go v2, jitter)"
    by: dict[tuple[object, object], dict[str, object]] = {}
    for r in rows:
        by[r["family"], "jobkit" if r["jobkit"] else r["strategy"]] = r
    strictly = [
        f
        for f, fam in lifecycles.HELD_OUT.items()
        if fam.with_history
        and float(str(by[f, "jobkit"]["calls mean"])) < float(str(by[f, smithy]["calls mean"]))
        and float(str(by[f, "jobkit"]["lag mean s"])) < float(str(by[f, smithy]["lag mean s"]))
    ]
    # Amplify builds gain most from the one sleep to the window (their max_delay is 30 s);
    # the Device Farm run families sit within a few seconds of Smithy's lag, on either side
    # depending on the draw (this seed: the hanging one beyond, the per-pool one not).
    assert "Amplify builds per branch, clustered and drifting" in strictly
    assert len(strictly) >= 2
