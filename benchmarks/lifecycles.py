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

from jobkit import History, WaitPolicy, amplify, devicefarm, iot
from jobkit.amplify._operations import AMPLIFY_JOB
from jobkit.devicefarm._operations import DEVICEFARM_JOB, DEVICEFARM_RUN
from jobkit.iot._operations import IOT_EXECUTION, IOT_JOB

__all__ = ["HELD_OUT", "TUNING", "Family", "Lifecycle", "rng"]

# (terminal time, state at time t) or (terminal time, state, the history a facade would read)
Lifecycle = (
    tuple[float, Callable[[float], Any]] | tuple[float, Callable[[float], Any], History | None]
)

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
    history_calls: int = 0  # the calls a default wait makes to read its history
    with_history: bool = False  # whether its lifecycles come with a history (or a timeout)


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


# --- families with history: jobs like this one ran before ------------------------------


def _series(r: random.Random, base: float, n: int, *, noise: float, drift: float) -> list[float]:
    """``n + 1`` durations of one branch or pool, oldest first: ``base`` drifting, with noise."""
    out: list[float] = []
    level = base
    for _ in range(n + 1):
        level *= math.exp(r.gauss(0.0, drift))
        out.append(level * math.exp(r.gauss(0.0, noise)))
    return out


def _with_past(durations: list[float], limit: float | None = None) -> tuple[float, History]:
    """The last duration is the job's own; the others, newest first, are its history."""
    *past, end = durations
    return end, History(durations=tuple(reversed(past)), limit=limit)


def _amplify(r: random.Random, *, noise: float, drift: float, flaky: float) -> Lifecycle:
    base = _log_uniform(r, 60, 1500)
    durations = _series(r, base, r.randint(3, 30), noise=noise, drift=drift)
    for i, d in enumerate(durations):
        if r.random() < flaky:  # fails fast (a bad commit) or hangs on a slow dependency
            durations[i] = d * (r.uniform(0.05, 0.3) if r.random() < 0.6 else r.uniform(1.8, 3.0))
    end, history = _with_past(durations)
    return end, _build(end), history


def amplify_steady(r: random.Random) -> Lifecycle:
    """(tuning) A branch whose builds take about as long each time."""
    return _amplify(r, noise=0.06, drift=0.0, flaky=0.0)


def amplify_drifting(r: random.Random) -> Lifecycle:
    """Per branch, builds cluster (10 % noise) and drift (the app grows, caches change)."""
    return _amplify(r, noise=0.1, drift=0.05, flaky=0.0)


def amplify_flaky(r: random.Random) -> Lifecycle:
    """Clustered builds, and one in six fails fast or hangs two to three times as long."""
    return _amplify(r, noise=0.1, drift=0.02, flaky=1 / 6)


def amplify_first(r: random.Random) -> Lifecycle:
    """A new branch: the history read finds no earlier build."""
    end = r.uniform(40, 120) if r.random() < 0.5 else _log_uniform(r, 300, 1800)
    return end, _build(end), None


def _run_state(setup: float, end: float) -> Callable[[float], devicefarm.Run]:
    def state(t: float) -> devicefarm.Run:
        if t < setup:
            return devicefarm.Run(status=_DF.PENDING)
        if t < end:
            return devicefarm.Run(status=_DF.RUNNING)
        return devicefarm.Run(status=_DF.COMPLETED, result=devicefarm.ExecutionResult.PASSED)

    return state


def _df_run(r: random.Random, *, noise: float, drift: float, hang: float) -> Lifecycle:
    timeout = 60.0 * r.choice((30, 60, 150))
    base = _log_uniform(r, 300, 0.8 * timeout)
    setup = r.uniform(30, 180)
    durations = _series(r, base, r.randint(2, 20), noise=noise, drift=drift)
    for i in range(len(durations)):
        if r.random() < hang:  # a device never finishes: its job times out, then processing
            durations[i] = setup + timeout + r.uniform(10, 60)
        durations[i] = min(durations[i], setup + timeout + 60)
    end, history = _with_past(durations, limit=setup + timeout)
    return end, _run_state(setup, end), history


def df_runs_steady(r: random.Random) -> Lifecycle:
    """(tuning) A pool's runs of the same tests, about as long each time."""
    return _df_run(r, noise=0.06, drift=0.0, hang=0.0)


def df_runs_per_pool(r: random.Random) -> Lifecycle:
    """A device pool's runs cluster (12 % noise) and drift as the suite grows."""
    return _df_run(r, noise=0.12, drift=0.04, hang=0.0)


def df_runs_hanging(r: random.Random) -> Lifecycle:
    """Clustered runs, and one in five has a device that hangs until ``jobTimeoutMinutes``."""
    return _df_run(r, noise=0.1, drift=0.02, hang=0.2)


def _timed_execution(
    queued: float, end: float, timeout_at: float
) -> Callable[[float], iot.JobExecution]:
    status = iot.JobExecutionStatus
    timed_out = end >= timeout_at

    def state(t: float) -> iot.JobExecution:
        if t < queued:
            return iot.JobExecution(status=status.QUEUED)
        if t < end:
            left = math.ceil(timeout_at - t)
            return iot.JobExecution(
                status=status.IN_PROGRESS, approximate_seconds_before_timed_out=left
            )
        return iot.JobExecution(status=status.TIMED_OUT if timed_out else status.SUCCEEDED)

    return state


def _iot_timed(r: random.Random, timing_out: float) -> Lifecycle:
    queued = r.uniform(0, 60)
    timeout = 60.0 * r.randint(5, 120)
    timeout_at = queued + timeout
    end = timeout_at if r.random() < timing_out else queued + timeout * r.betavariate(2, 2)
    return end, _timed_execution(queued, end, timeout_at), None


def iot_timeout_rare(r: random.Random) -> Lifecycle:
    """(tuning) An execution with an in-progress timeout that it rarely reaches."""
    return _iot_timed(r, 0.15)


def iot_near_timeout(r: random.Random) -> Lifecycle:
    """Devices that stall: half the executions run into their in-progress timeout."""
    return _iot_timed(r, 0.5)


def iot_job_timeout(r: random.Random) -> Lifecycle:
    """A snapshot job, every device online, each execution timing out after N minutes."""
    timeout = 60.0 * r.randint(5, 120)
    things = r.randint(5, 200)
    stalls = r.random() < 0.5  # some device stalls and times out
    done_at = sorted(timeout * r.betavariate(2, 3) for _ in range(things))
    if stalls:
        done_at[-1] = timeout
    end = done_at[-1] + r.uniform(0, 5)

    def state(t: float) -> iot.Job:
        done = bisect.bisect_right(done_at, t)
        details = iot.JobProcessDetails(
            number_of_succeeded_things=done, number_of_in_progress_things=things - done
        )
        status = iot.JobStatus.COMPLETED if t >= end else iot.JobStatus.IN_PROGRESS
        return iot.Job(
            status=status,
            job_process_details=details,
            timeout_config=iot.TimeoutConfig(in_progress_timeout_in_minutes=int(timeout // 60)),
        )

    return end, state, None


TUNING: dict[str, Family] = {
    "Device Farm job": Family("Device Farm job", devicefarm_job, DEVICEFARM_JOB.policy, True),
    "IoT job execution": Family("IoT job execution", iot_execution, IOT_EXECUTION.policy, False),
    "IoT job": Family("IoT job", iot_job, IOT_JOB.policy, True),
    "Amplify job": Family("Amplify job", amplify_job, AMPLIFY_JOB.policy, False, 1),
    **{
        name: Family(resource, make, policy, False, calls, with_history=True)
        for name, (resource, make, policy, calls) in {
            "Amplify builds, steady per branch": (
                "Amplify job",
                amplify_steady,
                AMPLIFY_JOB.policy,
                1,
            ),
            "DF runs, steady per pool": (
                "Device Farm run",
                df_runs_steady,
                DEVICEFARM_RUN.policy,
                1,
            ),
            "IoT executions with a timeout, most succeed": (
                "IoT job execution",
                iot_timeout_rare,
                IOT_EXECUTION.policy,
                0,
            ),
        }.items()
    },
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
        "Amplify job", amplify_cached, AMPLIFY_JOB.policy, False, 1
    ),
    **{
        name: Family(resource, make, policy, False, calls, with_history=True)
        for name, (resource, make, policy, calls) in {
            "Amplify builds per branch, clustered and drifting": (
                "Amplify job",
                amplify_drifting,
                AMPLIFY_JOB.policy,
                1,
            ),
            "Amplify builds with flaky outliers": (
                "Amplify job",
                amplify_flaky,
                AMPLIFY_JOB.policy,
                1,
            ),
            "Amplify first builds (no history yet)": (
                "Amplify job",
                amplify_first,
                AMPLIFY_JOB.policy,
                1,
            ),
            "DF runs per device pool": (
                "Device Farm run",
                df_runs_per_pool,
                DEVICEFARM_RUN.policy,
                1,
            ),
            "DF runs, a device hangs until the job timeout": (
                "Device Farm run",
                df_runs_hanging,
                DEVICEFARM_RUN.policy,
                1,
            ),
            "IoT executions near their in-progress timeout": (
                "IoT job execution",
                iot_near_timeout,
                IOT_EXECUTION.policy,
                0,
            ),
            "IoT jobs, every device online, in-progress timeout": (
                "IoT job",
                iot_job_timeout,
                IOT_JOB.policy,
                0,
            ),
        }.items()
    },
}
