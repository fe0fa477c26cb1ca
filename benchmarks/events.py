"""Events against polling alone: 10,000 and 100,000 IoT executions on a simulated AWS.

Each row runs jobkit's real sync driver (``jobkit.as_completed``: botocore, the rate hook,
the retry policy, the group and its worker threads) against ``simulated_iot.py`` on one
virtual clock, with ``RateLimit(per_second=10)`` (IoT's default limit) and 5:

* *polling alone*: the default (``full_models=False``): ListJobExecutionsForJob sweeps,
  each ended execution yielded with the page that shows its end;
* *events*: ``events=`` a simulated event source on the same clock (:class:`SimulatedEvents`,
  SqsEvents' interface): each execution's end is delivered ``uniform(0.5, 5)`` s after it
  happens, 1 % are lost. A woken execution is read (its own DescribeJobExecution, or the
  next sweep when as many wait as a sweep has pages) and ends on what AWS then says;
  polling goes on at the row's fallback schedule (15..600 s) and catches the lost ones.

Two fleets (``FLEETS``): the wave of the simulator's firmware push, and a trickle (a long
rollout whose ends are sparse against the budget). ``--fleets``, ``--things`` and ``--rates``
run their product instead of the four default rows (``ROWS``).

Every row runs in a fresh process, so its peak RSS is its own; CPU is that process's
CPU time (all threads) per virtual second watched. ``python benchmarks/events.py``.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import json
import math
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from simulated_iot import SimulatedIoT, VirtualClock, fleet

from jobkit import IoT, RateLimit, RetryPolicy, WaitPolicy, as_completed
from jobkit._events._protocol import WakeUp

JOB = "ota-firmware-2-4-1"
SEED = 20261120
RATES = (10.0, 5.0)
"""IoT's default account limit for these calls (10/s), and half of it (a budget shared with
other tools): at 5/s the fleet's peak ends (about 7 a second) outrun what reads can answer."""
HORIZON = 1800.0
DELAY = (0.5, 5.0)
LOST = 0.01
SIZES = (10_000, 100_000)
FLEETS = {"wave": 15 * 60.0, "trickle": 6 * 3600.0}
"""Each fleet's median running time: *wave*, the module docstring's firmware push (most of the
fleet ends within the 30 minutes, at the peak faster than the budget can read them one by
one); *trickle*, a long rollout (median 6 h) whose first 30 minutes see a few hundred ends
among 100,000 executions, so that ends are sparse against the budget."""
ROWS = (
    ("wave", 10_000, 10.0),
    ("wave", 10_000, 5.0),
    ("wave", 100_000, 10.0),
    ("trickle", 100_000, 10.0),
)
"""The default rows (each with polling alone and with events); ``--things``, ``--rates`` or
``--fleets`` run their product instead."""


class SimulatedEvents:
    """An event source on a virtual clock, with :class:`jobkit.SqsEvents`' interface.

    ``poll`` hands over, without waiting, the wake-ups whose delivery time has come and
    whose key is watched (a lost event is never delivered). Thread-safe.
    """

    def __init__(
        self, clock: VirtualClock, deliveries: list[tuple[float, tuple[str, ...]]]
    ) -> None:
        self.clock = clock
        self._heap = list(deliveries)
        heapq.heapify(self._heap)
        self._watched: set[tuple[str, ...]] = set()
        self._lock = threading.Lock()
        self.delivered = 0
        self.notes: list[str] = []

    def watch(self, key: tuple[str, ...], recognise: Any) -> None:  # noqa: ARG002
        with self._lock:
            self._watched.add(key)

    def unwatch(self, key: tuple[str, ...]) -> None:
        with self._lock:
            self._watched.discard(key)

    def poll(self, seconds: float, stop: Any = None) -> list[WakeUp]:  # noqa: ARG002
        now = self.clock.now
        out: list[WakeUp] = []
        with self._lock:
            heap = self._heap
            while heap and heap[0][0] <= now:
                _, key = heapq.heappop(heap)
                if key in self._watched:
                    out.append(WakeUp(key))
        self.delivered += len(out)
        return out

    def nap(self, key: tuple[str, ...], seconds: float, stop: Any = None) -> bool:  # noqa: ARG002
        self.clock.sleep(seconds)  # single waits are not simulated here
        return False

    def note(self, text: str) -> None:
        self.notes.append(text)


def deliveries(
    executions: list[Any], seed: int, horizon: float
) -> tuple[list[tuple[float, tuple[str, ...]]], int]:
    """When each end's event arrives (``DELAY`` after it), and how many of them were lost."""
    rng = random.Random(seed + 2)
    out: list[tuple[float, tuple[str, ...]]] = []
    lost = 0
    for e in executions:
        if e.ended_at > horizon:
            continue
        if rng.random() < LOST:
            lost += 1
            continue
        out.append((e.ended_at + rng.uniform(*DELAY), ("iot-execution", JOB, e.thing)))
    return out, lost


def _rss_mb() -> float:
    with Path("/proc/self/statm").open() as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 1e6


def run_one(
    n: int,
    mode: str,
    horizon: float = HORIZON,
    seed: int = SEED,
    rate: float = RATES[0],
    shape: str = "wave",
) -> dict[str, Any]:
    """One row, in this process: ``mode`` is ``"polling"`` or ``"events"``; ``shape`` a fleet."""
    clock = VirtualClock()
    executions = fleet(n, seed, median=FLEETS[shape])
    ends = {e.thing: e.ended_at for e in executions}
    sim = SimulatedIoT(JOB, executions, clock.clock)
    rng = random.Random(seed + 1)
    facade = IoT(sim.client(), retry=RetryPolicy(sleep=clock.sleep, random=rng.random))
    source = None
    lost = 0
    if mode == "events":
        planned, lost = deliveries(executions, seed, horizon)
        source = SimulatedEvents(clock, planned)
    base_rss = _rss_mb()
    targets = [facade.job_execution(JOB, e.thing) for e in executions]
    # Only the timeout is set: the row's delays apply (2..120 s polling, 15..600 s fallback).
    policy = WaitPolicy(timeout=horizon, clock=clock.clock, sleep=clock.sleep, random=rng.random)
    lags: list[float] = []
    unfinished = 0
    cpu = time.process_time()
    wall = time.perf_counter()
    for result in as_completed(
        targets, policy=policy, rate=RateLimit(per_second=rate), events=source
    ):
        if result.outcome is None:
            unfinished += 1
        else:
            lags.append(clock.now - ends[result.target.ids[1]])
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    return {
        "n": n,
        "fleet": shape,
        "mode": mode,
        "rate": rate,
        "lists": sim.calls["ListJobExecutionsForJob"],
        "describes": sim.calls["DescribeJobExecution"],
        "throttled": sum(sim.throttled.values()),
        "lags": lags,
        "unfinished": unfinished,
        "ended": sum(1 for e in executions if e.ended_at <= horizon),
        "lost": lost,
        "cpu": cpu,
        "wall": wall,
        "rss_peak": peak,
        "rss_base": base_rss,
        "virtual": clock.now,
    }


def _q(values: list[float], q: str) -> float:
    if not values:
        return math.nan
    v = sorted(values)
    if q == "mean":
        return statistics.fmean(v)
    if q == "max":
        return v[-1]
    return v[min(len(v) - 1, math.ceil(0.95 * len(v)) - 1)]


def run(
    rows_wanted: tuple[tuple[str, int, float], ...] = ROWS, horizon: float = HORIZON
) -> list[dict[str, Any]]:
    """Every row (fleet, targets, rate) with each mode, each in a child process, in order."""
    rows: list[dict[str, Any]] = []
    here = Path(__file__).resolve().parent
    for (shape, n, rate), mode in itertools.product(rows_wanted, ("polling", "events")):
        child = ["--child", mode, str(n), str(horizon), str(rate), shape]
        out = subprocess.run(
            [sys.executable, str(here / "events.py"), *child],
            check=True,
            capture_output=True,
            text=True,
            cwd=here,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return rows


def tables(rows: list[dict[str, Any]]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The rows as (title, header, rows) tables: the numbers, then the targets."""
    main_rows = []
    for r in rows:
        lags = r["lags"]
        seen = len(lags)
        main_rows.append(
            [
                f"{r['n']:,}",
                r["fleet"],
                f"{r['rate']:g}/s",
                "events (0.5-5 s late, 1 % lost) + fallback polls"
                if r["mode"] == "events"
                else "polling alone (default)",
                f"{r['lists']:,}",
                f"{r['describes']:,}",
                f"{r['describes'] / seen:.2f}" if seen else "-",
                r["throttled"],
                f"{_q(lags, 'mean'):.1f}",
                f"{_q(lags, 'p95'):.1f}",
                f"{_q(lags, 'max'):.1f}",
                f"{seen:,} of {r['ended']:,}",
                f"{r['rss_peak']:.0f} ({r['rss_peak'] - r['rss_base']:+.0f})",
                f"{r['cpu'] / r['virtual'] * 1000:.1f}",
            ]
        )
    title = (
        f"Events vs polling: IoT executions of one job, first {rows[0]['virtual'] / 60:.0f} "
        "virtual minutes, jobkit's sync driver (lag in virtual seconds)"
    )
    header = [
        "targets",
        "fleet",
        "RateLimit",
        "strategy",
        "list pages",
        "describes",
        "describes per end seen",
        "throttled",
        "lag mean",
        "lag p95",
        "lag max",
        "ends seen",
        "peak RSS MB (over start)",
        "CPU ms per virtual s",
    ]
    checks = []
    for r in rows:
        if r["mode"] != "events":
            continue
        lags, seen = r["lags"], len(r["lags"])
        p95 = _q(lags, "p95")
        per_end = r["describes"] / seen if seen else math.inf
        at = f"{r['n']:,} ({r['fleet']}) at {r['rate']:g}/s"
        checks.append([f"{at}: lag p95 (s)", f"{p95:.1f}", "<= 6", _verdict(p95 <= 6)])
        checks.append(
            [
                f"{at}: describes per ended target (+ {r['lists']:,} fallback pages)",
                f"{per_end:.2f}",
                "<= 1.1",
                _verdict(per_end <= 1.1),
            ]
        )
        checks.append(
            [
                f"{at}: peak RSS (MB)",
                f"{r['rss_peak']:.0f}",
                "<= 500",
                _verdict(r["rss_peak"] <= 500),
            ]
        )
    return [
        (title, header, main_rows),
        ("Events: targets", ["measure", "value", "target", "verdict"], checks),
    ]


def notes(rows: list[dict[str, Any]]) -> list[str]:
    """What each row did (printed under the tables)."""
    out = []
    for r in rows:
        extra = f", {r['lost']} events lost" if r["mode"] == "events" else ""
        out.append(
            f"{r['n']:,} ({r['fleet']}) at {r['rate']:g}/s, {r['mode']}: {r['wall']:.0f} s of real time, {r['cpu']:.0f} s CPU, "
            f"{r['unfinished']:,} still running at the horizon{extra}."
        )
    return out


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _print(rows: list[dict[str, Any]]) -> None:
    for title, header, body in tables(rows):
        print(f"\n## {title}\n")
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join("---" for _ in header) + "|")
        for row in body:
            print("| " + " | ".join(str(c) for c in row) + " |")
    print()
    for line in notes(rows):
        print(f"- {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--child",
        nargs=5,
        metavar=("MODE", "N", "HORIZON", "RATE", "FLEET"),
        help=argparse.SUPPRESS,
    )
    parser.add_argument(
        "--things", type=int, nargs="+", help=f"targets (with the product: {SIZES})"
    )
    parser.add_argument("--horizon", type=float, default=HORIZON, help="virtual seconds watched")
    parser.add_argument(
        "--rates", type=float, nargs="+", help=f"RateLimit per_second values {RATES}"
    )
    parser.add_argument("--fleets", nargs="+", choices=sorted(FLEETS), help="fleet shapes")
    args = parser.parse_args(argv)
    if args.child:
        mode, n, horizon, rate, shape = args.child
        row = run_one(int(n), mode, float(horizon), rate=float(rate), shape=shape)
        print(json.dumps(row))
        return 0
    wanted = ROWS
    if args.things or args.rates or args.fleets:
        wanted = tuple(
            itertools.product(
                args.fleets or ["wave"], args.things or list(SIZES), args.rates or list(RATES)
            )
        )
    _print(run(wanted, args.horizon))
    return 0


if __name__ == "__main__":
    sys.exit(main())
