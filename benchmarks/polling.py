"""Polling efficiency: API calls per wait and detection lag, on a virtual clock.

Each lifecycle is a resource whose state is a function of (virtual) time; every
strategy runs through jobkit's real waiting engine with an injected clock, so the
numbers measure schedules, not sleeping. Detection lag = the time the waiter
returns minus the time the resource became terminal.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from jobkit import Amplify, DeviceFarm, IoT, WaitPolicy, amplify, devicefarm, iot
from jobkit._sync import wait_until_terminal
from jobkit.testing import FakeClock

if TYPE_CHECKING:
    from jobkit._deadline import Deadline

Lifecycle = tuple[float, Callable[[float], Any]]  # (terminal time, state at time t)


def _log_uniform(rng: random.Random, low: float, high: float) -> float:
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def devicefarm_job(rng: random.Random) -> Lifecycle:
    """Minutes to hours: setup, then tests finishing at a noisy, roughly steady rate."""
    end = _log_uniform(rng, 120, 3 * 3600)
    setup = rng.uniform(0.05, 0.3) * end
    total = rng.randint(5, 200)
    done_at = sorted(setup + (end - setup) * rng.betavariate(1.2, 1.0) for _ in range(total))
    done_at[-1] = end

    def state(t: float) -> devicefarm.Job:
        if t < setup:
            return devicefarm.Job(status=devicefarm.ExecutionStatus.PREPARING)
        if t < end:
            passed = sum(1 for d in done_at if d <= t)
            counters = devicefarm.Counters(total=total, passed=passed)
            return devicefarm.Job(status=devicefarm.ExecutionStatus.RUNNING, counters=counters)
        counters = devicefarm.Counters(total=total, passed=total)
        return devicefarm.Job(
            status=devicefarm.ExecutionStatus.COMPLETED,
            result=devicefarm.ExecutionResult.PASSED,
            counters=counters,
        )

    return end, state


def iot_execution(rng: random.Random) -> Lifecycle:
    """Seconds to hours, with no progress signal: QUEUED, IN_PROGRESS, SUCCEEDED."""
    end = _log_uniform(rng, 5, 2 * 3600)
    queued = rng.uniform(0, 0.2) * end
    status = iot.JobExecutionStatus

    def state(t: float) -> iot.JobExecution:
        if t < queued:
            return iot.JobExecution(status=status.QUEUED)
        return iot.JobExecution(status=status.IN_PROGRESS if t < end else status.SUCCEEDED)

    return end, state


def iot_job(rng: random.Random) -> Lifecycle:
    """A rollout of minutes to hours: things finish one by one."""
    end = _log_uniform(rng, 60, 6 * 3600)
    things = rng.randint(10, 500)
    done_at = sorted(end * rng.betavariate(1.5, 1.0) for _ in range(things))
    done_at[-1] = end

    def state(t: float) -> iot.Job:
        done = sum(1 for d in done_at if d <= t)
        details = iot.JobProcessDetails(
            number_of_succeeded_things=done, number_of_in_progress_things=things - done
        )
        status = iot.JobStatus.COMPLETED if t >= end else iot.JobStatus.IN_PROGRESS
        return iot.Job(status=status, job_process_details=details)

    return end, state


def amplify_job(rng: random.Random) -> Lifecycle:
    """A build and deploy of one to twenty minutes, no progress fraction."""
    end = _log_uniform(rng, 60, 1200)

    def state(t: float) -> amplify.Job:
        status = amplify.JobStatus.SUCCEED if t >= end else amplify.JobStatus.RUNNING
        return amplify.Job(summary=amplify.JobSummary(status=status), steps=())

    return end, state


RESOURCES: dict[str, tuple[Callable[[random.Random], Lifecycle], WaitPolicy]] = {
    "Device Farm job": (devicefarm_job, DeviceFarm.JOB_POLICY),
    "IoT job execution": (iot_execution, IoT.EXECUTION_POLICY),
    "IoT job": (iot_job, IoT.JOB_POLICY),
    "Amplify job": (amplify_job, Amplify.JOB_POLICY),
}

BASELINES: dict[str, WaitPolicy] = {
    "botocore-style fixed 15 s": WaitPolicy(min_delay=15, max_delay=15, use_progress=False),
    "Smithy/Go v2 (2..120 s, jitter)": WaitPolicy(min_delay=2, max_delay=120, use_progress=False),
}


@attrs.frozen
class Result:
    """Calls and lag over many waits for one strategy."""

    calls: list[int]
    lags: list[float]

    @property
    def calls_mean(self) -> float:
        return statistics.fmean(self.calls)

    @property
    def lag_mean(self) -> float:
        return statistics.fmean(self.lags)

    def p95(self, values: list[float] | list[int]) -> float:
        return statistics.quantiles(values, n=20)[-1]


def simulate(
    make: Callable[[random.Random], Lifecycle], policy: WaitPolicy, seed: int, n: int
) -> Result:
    """Wait on ``n`` lifecycles (the same ones for every policy, given the seed)."""
    rng = random.Random(seed)
    jitter = random.Random(seed + 1)
    calls: list[int] = []
    lags: list[float] = []
    for _ in range(n):
        end, state = make(rng)
        clock = FakeClock()
        count = [0]

        def fetch(
            _: Deadline,
            state: Callable[[float], Any] = state,
            clock: FakeClock = clock,
            count: list[int] = count,
        ) -> Any:
            count[0] += 1
            return state(clock.now)

        run = attrs.evolve(
            policy,
            timeout=10 * 24 * 3600,
            clock=clock.clock,
            sleep=clock.sleep,
            random=jitter.random,
        )
        wait_until_terminal(fetch, what="sim", operation="Sim", policy=run)
        calls.append(count[0])
        lags.append(clock.now - end)
    return Result(calls, lags)


def dominates(a: Result, b: Result) -> bool:
    """Whether ``a`` is at least as good as ``b`` on both means and better on one."""
    return (
        a.calls_mean <= b.calls_mean
        and a.lag_mean <= b.lag_mean
        and (a.calls_mean < b.calls_mean or a.lag_mean < b.lag_mean)
    )


def run(n: int = 300, seed: int = 20261123) -> list[dict[str, Any]]:
    """Simulate every resource under every strategy; return one row per (resource, strategy)."""
    rows: list[dict[str, Any]] = []
    for resource, (make, default) in RESOURCES.items():
        results = {name: simulate(make, policy, seed, n) for name, policy in BASELINES.items()}
        mine = simulate(make, default, seed, n)
        verdict = "on the frontier"
        if any(dominates(b, mine) for b in results.values()):
            verdict = "DOMINATED"
        elif sum(dominates(mine, b) for b in results.values()) == len(results):
            verdict = "beyond both"
        elif any(dominates(mine, b) for b in results.values()):
            verdict = "beyond one, on the frontier"
        results[f"jobkit default ({default.min_delay:g}..{default.max_delay:g} s)"] = mine
        for name, r in results.items():
            rows.append(
                {
                    "resource": resource,
                    "strategy": name,
                    "calls mean": r.calls_mean,
                    "calls p95": r.p95(r.calls),
                    "lag mean s": r.lag_mean,
                    "lag p95 s": r.p95(r.lags),
                    "verdict": verdict if name.startswith("jobkit") else "",
                }
            )
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
