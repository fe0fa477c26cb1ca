"""Simulated lifecycles for ``benchmarks/polling.py``: a state for every (virtual) time.

Two sets, kept apart on purpose:

* ``TUNING``: the families ``WaitPolicy.ETA_FRACTION`` and the default delays were
  chosen on (with ``polling.TUNING_SEED``). A job completes exactly when its last test
  finishes and progress is near-uniform, which suits a linear estimate; tune here only.
* ``HELD_OUT``: families that played no part in choosing a default, drawn with
  ``polling.HELD_OUT_SEED``. They model what real services show and what a linear
  estimate gets wrong: work after the last test, uneven progress, totals that grow,
  coarse counters, rollouts in waves, devices that come online late, cached builds.
  Only these are reported.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Callable
from typing import Any

import attrs

from jobkit import WaitPolicy, amplify, devicefarm, iot
from jobkit.amplify._operations import AMPLIFY_JOB
from jobkit.devicefarm._operations import DEVICEFARM_JOB
from jobkit.iot._operations import IOT_EXECUTION, IOT_JOB

__all__ = ["HELD_OUT", "TUNING", "Family", "Lifecycle", "rng"]

Lifecycle = tuple[float, Callable[[float], Any]]  # (terminal time, state at time t)

_DF = devicefarm.ExecutionStatus


def rng(seed: int) -> random.Random:
    """The simulation's random source (not for security)."""
    return random.Random(seed)


@attrs.frozen
class Family:
    """A kind of lifecycle, the resource it is, and jobkit's default policy for it."""

    resource: str
    make: Callable[[random.Random], Lifecycle]
    policy: WaitPolicy
    progress: bool  # whether the resource reports a progress fraction


def _log_uniform(r: random.Random, low: float, high: float) -> float:
    return math.exp(r.uniform(math.log(low), math.log(high)))


def _df_state(
    setup: float,
    end: float,
    counted: Callable[[float], tuple[int, int]],
) -> Callable[[float], devicefarm.Job]:
    """A Device Farm job: PREPARING until ``setup``, RUNNING until ``end``, then COMPLETED.

    ``counted(t)`` gives (finished, total) tests while RUNNING; after the last test every
    test is finished but the job may still be RUNNING (teardown, artifact processing).
    """

    def state(t: float) -> devicefarm.Job:
        if t < setup:
            return devicefarm.Job(status=_DF.PREPARING)
        done, total = counted(t)
        if t < end:
            counters = devicefarm.Counters(total=total, passed=done)
            return devicefarm.Job(status=_DF.RUNNING, counters=counters)
        counters = devicefarm.Counters(total=total, passed=total)
        return devicefarm.Job(
            status=_DF.COMPLETED, result=devicefarm.ExecutionResult.PASSED, counters=counters
        )

    return state


def _finished_by(done_at: list[float], total: int) -> Callable[[float], tuple[int, int]]:
    return lambda t: (bisect.bisect_right(done_at, t), total)


def _df_job(
    r: random.Random,
    *,
    alpha: float,
    beta: float,
    tests: tuple[int, int] = (5, 200),
    tail: tuple[float, float] = (0.0, 0.0),
) -> Lifecycle:
    """Setup, tests finishing at times drawn from Beta(alpha, beta), then an optional tail."""
    last = _log_uniform(r, 120, 3 * 3600)
    setup = r.uniform(0.05, 0.3) * last
    total = r.randint(*tests)
    done_at = sorted(setup + (last - setup) * r.betavariate(alpha, beta) for _ in range(total))
    done_at[-1] = last
    end = last + r.uniform(*tail)
    return end, _df_state(setup, end, _finished_by(done_at, total))


# --- tuning families (the defaults were chosen on these) ------------------------------


def devicefarm_job(r: random.Random) -> Lifecycle:
    """Minutes to hours: setup, then tests finishing at a noisy, roughly steady rate."""
    return _df_job(r, alpha=1.2, beta=1.0)


def iot_execution(r: random.Random) -> Lifecycle:
    """Seconds to hours, with no progress signal: QUEUED, IN_PROGRESS, SUCCEEDED."""
    end = _log_uniform(r, 5, 2 * 3600)
    return end, _execution(r.uniform(0, 0.2) * end, end)


def _execution(queued: float, end: float) -> Callable[[float], iot.JobExecution]:
    status = iot.JobExecutionStatus

    def state(t: float) -> iot.JobExecution:
        if t < queued:
            return iot.JobExecution(status=status.QUEUED)
        return iot.JobExecution(status=status.IN_PROGRESS if t < end else status.SUCCEEDED)

    return state


def _rollout(end: float, done_at: list[float]) -> Callable[[float], iot.Job]:
    things = len(done_at)

    def state(t: float) -> iot.Job:
        done = bisect.bisect_right(done_at, t)
        details = iot.JobProcessDetails(
            number_of_succeeded_things=done, number_of_in_progress_things=things - done
        )
        status = iot.JobStatus.COMPLETED if t >= end else iot.JobStatus.IN_PROGRESS
        return iot.Job(status=status, job_process_details=details)

    return state


def iot_job(r: random.Random) -> Lifecycle:
    """A rollout of minutes to hours: things finish one by one."""
    end = _log_uniform(r, 60, 6 * 3600)
    things = r.randint(10, 500)
    done_at = sorted(end * r.betavariate(1.5, 1.0) for _ in range(things))
    done_at[-1] = end
    return end, _rollout(end, done_at)


def _build(end: float) -> Callable[[float], amplify.Job]:
    def state(t: float) -> amplify.Job:
        status = amplify.JobStatus.SUCCEED if t >= end else amplify.JobStatus.RUNNING
        return amplify.Job(summary=amplify.JobSummary(status=status), steps=())

    return state


def amplify_job(r: random.Random) -> Lifecycle:
    """A build and deploy of one to twenty minutes, no progress fraction."""
    end = _log_uniform(r, 60, 1200)
    return end, _build(end)


# --- held-out families (never used to choose anything) --------------------------------


def devicefarm_tail(r: random.Random) -> Lifecycle:
    """RUNNING for 1-10 minutes after the last test (teardown, video and log processing)."""
    return _df_job(r, alpha=1.2, beta=1.0, tail=(60, 600))


def devicefarm_front_loaded(r: random.Random) -> Lifecycle:
    """Most tests finish early (quick unit tests first), the slow ones last; a short tail."""
    return _df_job(r, alpha=0.5, beta=2.5, tail=(0, 90))


def devicefarm_back_loaded(r: random.Random) -> Lifecycle:
    """Little progress for long (a slow first suite), most tests at the end; a short tail."""
    return _df_job(r, alpha=2.5, beta=0.5, tail=(0, 90))


def devicefarm_discovered(r: random.Random) -> Lifecycle:
    """The total grows as suites are discovered: the fraction rises, drops, rises again."""
    last = _log_uniform(r, 120, 3 * 3600)
    setup = r.uniform(0.05, 0.3) * last
    total = r.randint(10, 200)
    done_at = sorted(setup + (last - setup) * r.betavariate(1.2, 1.0) for _ in range(total))
    done_at[-1] = last
    suites = r.randint(2, 6)
    # suite k's tests are known from the moment the first of them starts running
    bounds = [round(total * (k + 1) / suites) for k in range(suites)]
    known_at = [setup] + [done_at[b - 1] for b in bounds[:-1]]
    end = last + r.uniform(0, 120)

    def counted(t: float) -> tuple[int, int]:
        known = max(b for b, at in zip(bounds, known_at, strict=True) if at <= t)
        return bisect.bisect_right(done_at, t), known

    return end, _df_state(setup, end, counted)


def devicefarm_coarse(r: random.Random) -> Lifecycle:
    """A suite reported as one to four coarse "tests" (a single Appium or XCTest bundle)."""
    return _df_job(r, alpha=1.0, beta=1.0, tests=(1, 4), tail=(0, 120))


def iot_waves(r: random.Random) -> Lifecycle:
    """A rollout in waves (rollout config): each wave's things finish, then a pause."""
    waves = r.randint(2, 8)
    per_wave = r.randint(5, 100)
    wave = _log_uniform(r, 60, 1800)  # how long one wave's things take
    pause = r.uniform(0.2, 2.0) * wave  # the gap before the next wave starts
    done_at: list[float] = []
    start = 0.0
    for _ in range(waves):
        done_at += sorted(start + wave * r.betavariate(2.0, 2.0) for _ in range(per_wave))
        start += wave + pause
    done_at.sort()
    end = done_at[-1] + r.uniform(0, 60)
    return end, _rollout(end, done_at)


def iot_offline(r: random.Random) -> Lifecycle:
    """A device that comes online late: QUEUED for minutes to hours, then a short update."""
    queued = _log_uniform(r, 30, 4 * 3600)
    end = queued + _log_uniform(r, 5, 600)
    return end, _execution(queued, end)


def amplify_cached(r: random.Random) -> Lifecycle:
    """Cached builds of under two minutes, or full builds of ten to thirty."""
    end = r.uniform(40, 120) if r.random() < 0.6 else r.uniform(600, 1800)
    return end, _build(end)


TUNING: dict[str, Family] = {
    "Device Farm job": Family("Device Farm job", devicefarm_job, DEVICEFARM_JOB.policy, True),
    "IoT job execution": Family("IoT job execution", iot_execution, IOT_EXECUTION.policy, False),
    "IoT job": Family("IoT job", iot_job, IOT_JOB.policy, True),
    "Amplify job": Family("Amplify job", amplify_job, AMPLIFY_JOB.policy, False),
}

HELD_OUT: dict[str, Family] = {
    "DF job, RUNNING 1-10 min after the last test": Family(
        "Device Farm job", devicefarm_tail, DEVICEFARM_JOB.policy, True
    ),
    "DF job, front-loaded progress": Family(
        "Device Farm job", devicefarm_front_loaded, DEVICEFARM_JOB.policy, True
    ),
    "DF job, back-loaded progress": Family(
        "Device Farm job", devicefarm_back_loaded, DEVICEFARM_JOB.policy, True
    ),
    "DF job, total grows as tests are discovered": Family(
        "Device Farm job", devicefarm_discovered, DEVICEFARM_JOB.policy, True
    ),
    "DF job, 1-4 coarse tests": Family(
        "Device Farm job", devicefarm_coarse, DEVICEFARM_JOB.policy, True
    ),
    "IoT job, rollout in 2-8 waves": Family("IoT job", iot_waves, IOT_JOB.policy, True),
    "IoT execution, device online late": Family(
        "IoT job execution", iot_offline, IOT_EXECUTION.policy, False
    ),
    "Amplify job, cached or full build": Family(
        "Amplify job", amplify_cached, AMPLIFY_JOB.policy, False
    ),
}
