"""Many at once: 10,000 IoT executions of one job on a simulated, throttling AWS.

The simulated AWS (``simulated_iot.py``) answers a real botocore client below jobkit, on a
virtual clock that the group's ``WaitPolicy`` and the ``RetryPolicy`` advance. It throttles
each operation above 10 calls a second. Three ways to watch the same fleet, the same
lifetimes, the same budget where there is one:

(a) ``jobkit.as_completed`` with ``RateLimit(per_second=5)``: batched through
    ListJobExecutionsForJob (250 a page), one DescribeJobExecution per execution that ends.
    Run for real: botocore, jobkit's rate hook, retry policy, group and driver threads.
(b) The same targets polled one by one under the same budget. jobkit has no switch that
    turns batching off for a handle, so this is a round-robin over the live executions:
    ``IoT.describe_job_execution`` (through the retry policy and botocore) after taking a
    token from the same kind of ``RateLimit(per_second=5)``. Run for real.
    (jobkit's group driver with 10,000 unbatched handles is not used: its scheduler scans
    every unit per step, see the closing note.)
(c) 10,000 ``wait_for_job_execution`` calls, one thread each, no shared budget (what users
    write today). Too many OS threads for a virtual clock, so *modelled*: a discrete-event
    simulation of every thread's schedule, driven by jobkit's own ``WaitCore`` (the
    execution policy's backoff with jitter, the outage rule) and the ``RetryPolicy``'s
    defaults (4 attempts, full jitter 0.5..20 s), against the same per-operation throttle
    and the same lifetimes. Calls take no time; botocore's retries are off as in (a), (b).

Every run watches the rollout for the same *horizon* of virtual time (``timeout`` of the
policy); executions still running then are counted, not given a lag. Detection lag is the
virtual time from an execution's end to the moment the watcher knows it (the result is
yielded, or the poll that saw it answered).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import heapq
import math
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import attrs
from simulated_iot import Execution, SimulatedIoT, VirtualClock, _Bucket, fleet

from jobkit import IoT, RateLimit, RetryPolicy, WaitPolicy, aio, as_completed, iot
from jobkit._engine._backoff import full_jitter_delay
from jobkit._engine._core import Done, Fail, Sleep, WaitCore
from jobkit.errors import ThrottledError

if TYPE_CHECKING:
    from collections.abc import Iterator

JOB = "ota-firmware-2-4-1"
SEED = 20261120
RATE = 5.0
THINGS = 10_000
HORIZON = 1800.0
"""Virtual seconds watched: the first 30 minutes, which hold the peak of endings."""


@dataclass
class Row:
    name: str
    calls: int = 0
    throttled: int = 0
    list_calls: int = 0
    describes: int = 0
    sweeps: float = 0.0
    per_sweep: float = 0.0
    per_sweep_max: int = 0
    pages_per_sweep: float = 0.0
    lags: list[float] = field(default_factory=list)
    unfinished: int = 0
    memory_mb: float | None = None
    cpu_per_sweep: float | None = None
    cpu_total: float = 0.0
    note: str = ""

    def lag(self, q: str) -> float:
        if not self.lags:
            return math.nan
        values = sorted(self.lags)
        if q == "mean":
            return statistics.fmean(values)
        if q == "max":
            return values[-1]
        return values[min(len(values) - 1, math.ceil(0.95 * len(values)) - 1)]


def _policy(clock: VirtualClock, rng: random.Random, horizon: float) -> WaitPolicy:
    """The IoT execution policy (2..120 s, jitter), on the virtual clock, ending at the horizon."""
    return attrs.evolve(
        IoT.EXECUTION_POLICY,
        timeout=horizon,
        clock=clock.clock,
        sleep=clock.sleep,
        random=rng.random,
    )


def batched(
    n: int = THINGS, horizon: float = HORIZON, seed: int = SEED, *, full_models: bool = False
) -> Row:
    """(a) ``as_completed`` with ``RateLimit(per_second=5)``, for real on the simulator.

    The default yields each ended execution with the list page that shows it (its summary);
    ``full_models=True`` is (a'): each one's DescribeJobExecution first.
    """
    clock = VirtualClock()
    executions = fleet(n, seed)
    ends = {e.thing: e.ended_at for e in executions}
    sim = SimulatedIoT(JOB, executions, clock.clock, keep_log=True)
    rng = random.Random(seed + 1)
    facade = IoT(sim.client(), retry=RetryPolicy(sleep=clock.sleep, random=rng.random))
    targets = [facade.job_execution(JOB, e.thing) for e in executions]
    row = Row(
        "(a') the same, full_models=True (a describe per end before its result)"
        if full_models
        else "(a) jobkit.as_completed, RateLimit(5/s) (default: results at list time)"
    )
    cpu = time.process_time()
    for result in as_completed(
        targets,
        policy=_policy(clock, rng, horizon),
        rate=RateLimit(per_second=RATE),
        full_models=full_models,
    ):
        if result.outcome is None:
            row.unfinished += 1
        else:
            row.lags.append(clock.now - ends[result.target.ids[1]])
    row.cpu_total = time.process_time() - cpu
    _count(row, sim)
    row.cpu_per_sweep = row.cpu_total / row.sweeps if row.sweeps else None
    row.note = "real: botocore + jobkit group, driver threads, rate hook; CPU = all threads"
    return row


def batched_memory(n: int = THINGS, horizon: float = 120.0, seed: int = SEED) -> float:
    """Peak traced memory (MB over the baseline) of (a)'s first ``horizon`` virtual seconds.

    The baseline is taken after the simulator and the client exist; the handles, the group
    and every page and model are counted. All targets are live in this window.
    """
    clock = VirtualClock()
    executions = fleet(n, seed)
    sim = SimulatedIoT(JOB, executions, clock.clock)
    rng = random.Random(seed + 1)
    client = sim.client()
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    facade = IoT(client, retry=RetryPolicy(sleep=clock.sleep, random=rng.random))
    targets = [facade.job_execution(JOB, e.thing) for e in executions]
    kept = list(
        as_completed(targets, policy=_policy(clock, rng, horizon), rate=RateLimit(per_second=RATE))
    )
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del kept
    return (peak - base) / 1e6


def _count(row: Row, sim: SimulatedIoT) -> None:
    row.list_calls = sim.calls["ListJobExecutionsForJob"]
    row.describes = sim.calls["DescribeJobExecution"]
    row.calls = row.list_calls + row.describes
    row.throttled = sum(sim.throttled.values())
    # A sweep starts with a first page (no nextToken) and runs to the next one.
    sweeps: list[int] = []
    for _, _, _, first in sim.log or ():
        if first:
            sweeps.append(0)
        if sweeps:
            sweeps[-1] += 1
    row.sweeps = len(sweeps)
    if sweeps:
        row.per_sweep = statistics.fmean(sweeps)
        row.per_sweep_max = max(sweeps)
        row.pages_per_sweep = row.list_calls / len(sweeps)


def round_robin(n: int = THINGS, horizon: float = HORIZON, seed: int = SEED) -> Row:
    """(b) one DescribeJobExecution per live target in turn, under ``RateLimit(per_second=5)``."""
    clock = VirtualClock()
    executions = fleet(n, seed)
    sim = SimulatedIoT(JOB, executions, clock.clock)
    rng = random.Random(seed + 1)
    facade = IoT(sim.client(), retry=RetryPolicy(sleep=clock.sleep, random=rng.random))
    rate = RateLimit(per_second=RATE)
    live: list[Execution] = list(executions)
    row = Row("(b) one by one, same RateLimit(5/s)")
    passes = 0.0
    cpu = time.process_time()
    while live and clock.now < horizon:
        still: list[Execution] = []
        for index, execution in enumerate(live):
            clock.sleep(rate.reserve(clock.now) - clock.now)
            if clock.now >= horizon:
                still.extend(live[index:])
                passes += index / len(live)
                break
            model = facade.describe_job_execution(JOB, execution.thing)
            if model.is_terminal:
                row.lags.append(clock.now - execution.ended_at)
            else:
                still.append(execution)
        else:
            passes += 1
        live = still
    row.cpu_total = time.process_time() - cpu
    row.unfinished = len(live)
    row.describes = sim.calls["DescribeJobExecution"]
    row.calls = row.describes
    row.throttled = sum(sim.throttled.values())
    row.sweeps = passes
    row.per_sweep = row.calls / passes if passes else math.nan
    row.per_sweep_max = n
    row.note = "real: IoT.describe_job_execution per target, round-robin, botocore + simulator"
    return row


def threads_model(n: int = THINGS, horizon: float = HORIZON, seed: int = SEED) -> Row:
    """(c) ``n`` independent ``wait_for_job_execution`` threads, no shared budget (modelled)."""
    executions = fleet(n, seed)
    rng = random.Random(seed + 1)
    policy = attrs.evolve(IoT.EXECUTION_POLICY, timeout=horizon, random=rng.random)
    retry = RetryPolicy()
    bucket = _Bucket(10.0)
    cores = [
        WaitCore[iot.JobExecution](
            policy,
            0.0,
            what=f"IoT job execution of {JOB} on {e.thing}",
            operation="DescribeJobExecution",
        )
        for e in executions
    ]
    models: dict[tuple[int, str], iot.JobExecution] = {}
    row = Row(f"(c) {n:,} single waits, one thread each")
    # Events: (time, sequence, target index, attempt number within the current poll).
    queue: list[tuple[float, int, int, int]] = [(0.0, i, i, 1) for i in range(n)]
    heapq.heapify(queue)
    sequence = n
    cpu = time.process_time()
    throttle = ThrottledError(
        "Rate exceeded", code="ThrottlingException", operation="DescribeJobExecution"
    )
    while queue:
        now, _, index, attempt = heapq.heappop(queue)
        row.calls += 1
        if not bucket.take(now):
            row.throttled += 1
            if attempt < retry.max_attempts:
                delay = full_jitter_delay(attempt, retry.min_delay, retry.max_delay, rng.random())
                if now + delay <= cores[index].deadline:  # tenacity never sleeps past it
                    sequence += 1
                    heapq.heappush(queue, (now + delay, sequence, index, attempt + 1))
                    continue
            step: Any = cores[index].failed(now, throttle)
        else:
            execution = executions[index]
            status = execution.status(now)
            model = models.get((index, status))
            if model is None:
                model = models[index, status] = iot.JobExecution(
                    job_id=JOB,
                    thing_arn=f"thing/{execution.thing}",
                    status=iot.JobExecutionStatus(status),
                )
            step = cores[index].observe(now, model)
        if isinstance(step, Sleep):
            sequence += 1
            heapq.heappush(queue, (now + step.seconds, sequence, index, 1))
        elif isinstance(step, Done):
            row.lags.append(now - executions[index].ended_at)
        else:
            assert isinstance(step, Fail)
            row.unfinished += 1
    row.cpu_total = time.process_time() - cpu
    row.describes = row.calls
    polls = statistics.fmean(core.polls for core in cores)
    row.sweeps = polls
    row.per_sweep = row.calls / polls
    row.note = "modelled: discrete events, jobkit WaitCore + RetryPolicy defaults, same throttle"
    return row


# --- async vs sync per poll, against moto's server on 127.0.0.1 -----------------------------


def _rows(client: Any, batch: int) -> tuple[dict[str, Any], asyncio.AbstractEventLoop]:
    bare, sync, async_facade = client(), IoT(client()), aio.IoT(client())
    loop = asyncio.new_event_loop()

    async def awaited() -> None:
        for _ in range(batch):
            await async_facade.describe_job("bench-job")

    def bare_calls() -> None:
        for _ in range(batch):
            bare.describe_job(jobId="bench-job")

    def sync_calls() -> None:
        for _ in range(batch):
            sync.describe_job("bench-job")

    rows = {
        "bare boto3 client.describe_job": bare_calls,
        "IoT(client).describe_job": sync_calls,
        "await aio.IoT(client).describe_job": lambda: loop.run_until_complete(awaited()),
    }
    return rows, loop


def aio_overhead(rounds: int = 30, batch: int = 10) -> dict[str, dict[str, float]]:
    """Median seconds per ``describe_job`` poll: bare boto3, jobkit sync, jobkit async.

    Twice: against ``jobkit.testing.MotoIoT`` (moto's server in this process, so the server's
    threads share the GIL with the caller's), and against ``moto_server`` in a child process.
    """
    from _timing import interleaved  # noqa: PLC0415

    from jobkit.testing import MotoIoT  # noqa: PLC0415 -- needs moto[server]

    out: dict[str, dict[str, float]] = {}
    with MotoIoT() as moto:
        moto.create_job("bench-job", ["bench-thing"])
        rows, loop = _rows(moto.client, batch)
        try:
            per_batch = interleaved(rows, rounds=rounds, batch=1)
        finally:
            loop.close()
        out["MotoIoT (in process)"] = {k: v / batch for k, v in per_batch.items()}
    with _moto_process() as endpoint:
        import boto3  # noqa: PLC0415

        def client() -> Any:
            return boto3.session.Session().client(
                "iot",
                region_name="us-east-1",
                endpoint_url=endpoint,
                aws_access_key_id="bench",
                aws_secret_access_key="bench",
            )

        setup = client()
        arn = setup.create_thing(thingName="bench-thing")["thingArn"]
        setup.create_job(jobId="bench-job", targets=[arn], document="{}")
        rows, loop = _rows(client, batch)
        try:
            per_batch = interleaved(rows, rounds=rounds, batch=1)
        finally:
            loop.close()
        out["moto_server (child process)"] = {k: v / batch for k, v in per_batch.items()}
    return out


@contextlib.contextmanager
def _moto_process() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.1):
                break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


# --- the report -----------------------------------------------------------------------------


def run(n: int = THINGS, horizon: float = HORIZON, seed: int = SEED) -> dict[str, Any]:
    """Every measurement; what ``benchmarks/run.py`` prints."""
    ends = sorted(e.ended_at for e in fleet(n, seed))
    ended = sum(1 for t in ends if t <= horizon)
    a = batched(n, horizon, seed)
    a.memory_mb = batched_memory(n, seed=seed)
    a2 = batched(n, horizon, seed, full_models=True)
    b = round_robin(n, horizon, seed)
    c = threads_model(n, horizon, seed)
    return {
        "n": n,
        "horizon": horizon,
        "ended": ended,
        "last_end": ends[-1],
        "rows": [a, a2, b, c],
        "aio": aio_overhead(),
        "threads_left": [t.name for t in threading.enumerate() if t.name.startswith("jobkit")],
    }


def tables(result: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The result as (title, header, rows) tables."""
    a, a2, b, c = result["rows"]
    rows = [
        [
            r.name,
            r.calls,
            r.throttled,
            f"{r.per_sweep:.1f} (max {r.per_sweep_max})" if r in (a, a2) else f"{r.per_sweep:.0f}",
            f"{r.lag('mean'):.1f}",
            f"{r.lag('p95'):.1f}",
            f"{r.lag('max'):.1f}",
            len(r.lags),
            r.unfinished,
            "n/a (modelled)"
            if r is c
            else f"{r.memory_mb:.1f}"
            if r.memory_mb is not None
            else "-",
        ]
        for r in (a, a2, b, c)
    ]
    title = (
        f"Many at once: {result['n']:,} IoT executions, first {result['horizon'] / 60:.0f} "
        "virtual minutes (calls, throttles, detection lag in virtual seconds)"
    )
    main = (
        title,
        [
            "strategy",
            "calls",
            "throttled",
            "calls per sweep",
            "lag mean",
            "lag p95",
            "lag max",
            "ended seen",
            "still running",
            "peak MB",
        ],
        rows,
    )
    ratio_b = b.lag("p95") / a.lag("p95")
    ratio_c = c.lag("p95") / a.lag("p95")
    cpu_ms = (a.cpu_per_sweep or math.nan) * 1000
    network_ms = a.per_sweep * 50
    targets = (
        "Many at once: targets for (a)",
        ["measure", "value", "target", "verdict"],
        [
            [
                "list pages per sweep",
                f"{a.pages_per_sweep:.1f}",
                "<= 41",
                _verdict(a.pages_per_sweep <= 41),
            ],
            [
                "all calls per sweep (pages + final describes), mean",
                f"{a.per_sweep:.1f}",
                "<= 41",
                _verdict(a.per_sweep <= 41),
            ],
            ["all calls per sweep, max", a.per_sweep_max, "<= 41", _verdict(a.per_sweep_max <= 41)],
            ["lag p95 (s)", f"{a.lag('p95'):.1f}", "<= 10", _verdict(a.lag("p95") <= 10)],
            ["throttled calls", a.throttled, "0", _verdict(a.throttled == 0)],
            [
                "peak memory over baseline (MB), 10,000 targets",
                f"{a.memory_mb:.1f}",
                "<= 100",
                _verdict((a.memory_mb or 0) <= 100),
            ],
            ["(b) lag p95 / (a) lag p95", f"{ratio_b:.1f}x", ">= 20x", _verdict(ratio_b >= 20)],
            ["(c) lag p95 / (a) lag p95", f"{ratio_c:.1f}x", ">= 20x", _verdict(ratio_c >= 20)],
            [
                "(a') full_models=True: calls per sweep, lag p95 (s), (b)/(a') p95",
                f"{a2.per_sweep:.1f}, {a2.lag('p95'):.1f}, {b.lag('p95') / a2.lag('p95'):.1f}x",
                "<= 41, <= 15, >= 20x",
                _verdict(
                    a2.per_sweep <= 41
                    and a2.lag("p95") <= 15
                    and b.lag("p95") / a2.lag("p95") >= 20
                ),
            ],
            [
                "CPU per sweep, all threads (ms)",
                f"{cpu_ms:.0f}",
                f"well under the calls' network time (~{network_ms:.0f} ms at 50 ms a call)",
                _verdict(cpu_ms < network_ms / 2),
            ],
        ],
    )
    overhead_rows: list[list[Any]] = []
    for where, poll in result["aio"].items():
        bare = poll["bare boto3 client.describe_job"]
        sync = poll["IoT(client).describe_job"]
        awaited = poll["await aio.IoT(client).describe_job"]
        overhead_rows += [
            [where, "bare boto3 client.describe_job", f"{bare * 1000:.2f}", "1.00", "", "", ""],
            [
                where,
                "IoT(client).describe_job",
                f"{sync * 1000:.2f}",
                f"{sync / bare:.2f}",
                "1.00",
                "",
                "",
            ],
            [
                where,
                "await aio.IoT(client).describe_job",
                f"{awaited * 1000:.2f}",
                f"{awaited / bare:.2f}",
                f"{awaited / sync:.2f}",
                "<= 1.2x sync",
                _verdict(awaited / sync <= 1.2),
            ],
        ]
    overhead = (
        "Async vs sync per poll (moto on 127.0.0.1, DescribeJob, boto3 client; median per call)",
        ["endpoint", "row", "ms per call", "x bare", "x sync", "target", "verdict"],
        overhead_rows,
    )
    return [main, targets, overhead]


def notes(result: dict[str, Any]) -> list[str]:
    """What is simulated, and how (printed under the tables)."""
    a, a2, b, c = result["rows"]
    return [
        (
            f"fleet: {result['n']:,} executions of one job, seed {SEED}: start ~ exponential (mean 2 min), "
            "run ~ log-normal (median 15 min, sigma 0.9), TIMED_OUT at 180 min; 1% REJECTED, 3% FAILED. "
            f"{result['ended']:,} end within the {result['horizon'] / 60:.0f}-minute horizon; the last at "
            f"{result['last_end'] / 3600:.2f} h."
        ),
        (
            "simulated AWS: per-operation token bucket, 10 calls/s (10 tokens); above it 429 "
            "ThrottlingException. Answers come from a before-send hook on a real botocore client "
            "(botocore serialises, signs, parses; jobkit's rate hook runs first). Calls take no virtual time."
        ),
        (
            f"(a) {a.note}; {a.sweeps:.0f} sweeps, {a.list_calls:,} list pages, {a.describes:,} final "
            f"describes; CPU {a.cpu_total:.1f} s in all. Memory: tracemalloc peak over the first 2 virtual "
            "minutes (all 10,000 targets live), over a baseline taken after the client exists."
        ),
        (
            f"(a) yields each ended execution with the list page that shows it (its summary model, "
            f"result.complete false). (a') full_models=True: {a2.sweeps:.0f} sweeps, {a2.list_calls:,} "
            f"list pages, {a2.describes:,} describes, each before its execution's result."
        ),
        (
            f"(b) {b.note}; {b.sweeps:.2f} passes over the live targets in the horizon. No jobkit switch "
            "turns batching off, so (b) polls with describe_job_execution round-robin under the same budget."
        ),
        (
            f"(c) {c.note}; {c.sweeps:.1f} polls per target on average (answered or not); memory not "
            "measured: 10,000 OS threads (8 MB stacks reserved each) are not simulated."
        ),
        (
            f"why (a')'s sweeps stretch: {a2.describes:,} executions ended and each cost one "
            f"DescribeJobExecution ({a2.describes / result['horizon']:.1f}/s on average over the "
            f"horizon, against a budget of {RATE:g}/s). They run as units of their own, but share "
            "the budget with the list pages, so the pages left for sweeps thin out: the budget, not "
            "the batching, bounds (a') here; (a) reads no describe, result.target.get() reads one on demand."
        ),
        (
            "calls per sweep: (a) calls between two first pages (list pages + the describes of the "
            "executions that ended); (b) calls per pass over the live targets; (c) calls per poll round "
            "(calls / mean polls per target)."
        ),
    ]


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _print(result: dict[str, Any]) -> None:
    for title, header, rows in tables(result):
        print(f"\n## {title}\n")
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" for _ in header) + "|")
        for row in rows:
            print("| " + " | ".join(str(c) for c in row) + " |")
    print()
    for line in notes(result):
        print(f"- {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--things", type=int, default=THINGS)
    parser.add_argument("--horizon", type=float, default=HORIZON, help="virtual seconds watched")
    args = parser.parse_args(argv)
    _print(run(args.things, args.horizon))
    return 0


if __name__ == "__main__":
    sys.exit(main())
