"""``nox -s bench``: every benchmark, side by side, one table per area, with ratios and targets."""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import sys
from typing import Any

import conversion
import events
import many
import per_poll
import polling
import startup


def _versions() -> str:
    names = [
        "jobkit",
        "boto3",
        "botocore",
        "attrs",
        "cattrs",
        "tenacity",
        "pydantic",
        "msgspec",
        "moto",
    ]
    found = []
    for name in names:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def _table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    print(f"\n## {title}\n")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(f"{c:.3g}" if isinstance(c, float) else str(c) for c in row) + " |")


def _check(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    """Run everything and print markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer samples (a smoke run)")
    args = parser.parse_args(argv)
    scale = 0.2 if args.quick else 1.0
    rounds, batch = max(5, int(60 * scale)), 40
    print("# jobkit benchmarks")
    print(
        f"\nmachine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()} ({sys.implementation.name})"
    )
    print(f"versions: {_versions()}")

    rows = conversion.run(rounds=rounds, batch=batch)
    print(
        f"\nconversion samples: {rounds} interleaved rounds x {batch} calls per row; median per call"
    )
    _table(
        "Conversion (median us per call; ratio to jobkit.structure)",
        ["resource", "method", "us", "x jobkit.structure"],
        [[r["resource"], r["method"], r["us"], r["x jobkit.structure"]] for r in rows],
    )
    df = {r["method"]: r["us"] for r in rows if r["resource"] == "Device Farm job"}
    floor = df["jobkit.structure"] / df["hand-written (floor)"]
    vs_botocore = df["jobkit.structure"] / df["botocore parse of the HTTP body"]
    unknown = df["jobkit.structure, 8 unknown enums"] / df["jobkit.structure"]
    _table(
        "Conversion targets (Device Farm job, full size)",
        ["ratio", "value", "target", "verdict"],
        [
            ["jobkit.structure / hand-written floor", floor, "<= 1.3", _check(floor <= 1.3)],
            [
                "jobkit.structure / botocore parse",
                vs_botocore,
                "<= 0.3",
                _check(vs_botocore <= 0.3),
            ],
            ["unknown enums / known", unknown, "<= 1.10", _check(unknown <= 1.10)],
        ],
    )

    n = max(60, int(300 * scale))
    sim = polling.run(polling.HELD_OUT, n=n, seed=polling.HELD_OUT_SEED)
    print(
        f"\npolling simulation: held-out lifecycles (benchmarks/lifecycles.py HELD_OUT, seed "
        f"{polling.HELD_OUT_SEED}), {n} per family, the same ones for every strategy; "
        "none was used to choose a default"
    )
    _table(
        "Polling efficiency, held-out (virtual clock; calls per wait, detection lag in seconds)",
        [
            "family",
            "strategy",
            "calls mean",
            "calls p95",
            "lag mean",
            "lag p95",
            "jobkit vs anchors (target: never DOMINATED)",
        ],
        [
            [
                r["family"],
                r["strategy"],
                r["calls mean"],
                r["calls p95"],
                r["lag mean s"],
                r["lag p95 s"],
                (r["verdict"] + " " + _check(r["verdict"] != "DOMINATED")) if r["jobkit"] else "",
            ]
            for r in sim
        ],
    )

    poll_rounds = max(5, int(40 * scale))
    polls = per_poll.run(rounds=poll_rounds, batch=10)
    bare = polls["bare client.get_job"]
    print(
        f"\nper-poll samples: {poll_rounds} interleaved rounds x 10 polls per row, local HTTP endpoint"
    )
    _table(
        "Per-poll overhead (botocore's full stack, 127.0.0.1)",
        ["row", "x bare client.get_job", "target", "verdict"],
        [
            [
                name,
                seconds / bare,
                "<= 1.3" if name != "bare client.get_job" else "",
                _check(seconds / bare <= 1.3) if name != "bare client.get_job" else "",
            ]
            for name, seconds in polls.items()
        ],
    )

    # Many at once: always 10,000 executions and the same horizon (--quick does not shrink it:
    # the targets are about 10,000); about two minutes of CPU.
    crowd = many.run()
    for title, header, rows in many.tables(crowd):
        _table(title, header, rows)
    print()
    for line in many.notes(crowd):
        print(f"- {line}")

    # Events against polling alone: 10,000 and 100,000 executions, each row in a process of
    # its own (its RSS is its own); several minutes of CPU per row.
    watched = events.run()
    for title, header, rows in events.tables(watched):
        _table(title, header, rows)
    print()
    for line in events.notes(watched):
        print(f"- {line}")

    runs = max(5, int(15 * scale))
    imports = startup.imports(runs=runs)
    boto3_time = imports["import boto3"]
    after = startup.after_boto3(runs=runs)
    firsts = startup.first_structure(runs=max(3, int(7 * scale)))
    print(f"\nstart-up samples: {runs} fresh processes per row, interleaved; medians")
    _table(
        "Start-up: imports (fresh processes)",
        [
            "command",
            "x import boto3",
            "ms over import boto3",
            "ms after it, in-process",
            "target",
            "verdict",
        ],
        [
            [
                name,
                seconds / boto3_time,
                (seconds - boto3_time) * 1000,
                after[name] * 1000 if name in after else "",
                f"<= +{startup.TARGETS_MS[name]:.0f} ms" if name in startup.TARGETS_MS else "",
                _check((seconds - boto3_time) * 1000 <= startup.TARGETS_MS[name])
                if name in startup.TARGETS_MS
                else "",
            ]
            for name, seconds in imports.items()
        ],
    )
    _table(
        "Start-up: models the command's help loads",
        ["command", "model modules loaded", "target", "verdict"],
        [
            [command, loaded, "none", _check(loaded == "[]")]
            for command, loaded in startup.models_loaded_by_help().items()
        ],
    )
    _table(
        "Start-up: first structure() of each resource in a fresh process",
        ["model", "first (ms)", "x a warm call", "target", "verdict"],
        [
            [model, first * 1000, first / warm, "<= 10 ms", _check(first * 1000 <= 10)]
            for model, (first, warm) in firsts.items()
        ],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
