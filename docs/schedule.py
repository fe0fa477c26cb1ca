# ruff: noqa: INP001 -- a script beside the docs, not a package
"""Draw docs/assets/schedule.svg: when a wait polls, from each resource's default WaitPolicy.

Run ``python docs/schedule.py`` after changing a default policy or the backoff; the test suite
(``tests/test_snippets.py``) fails while the committed picture is stale. Pure Python: the SVG is
written by hand, so the docs need no plotting library.
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import escape

from jobkit import Amplify, DeviceFarm, IoT, WaitPolicy

OUT = Path(__file__).parent / "assets" / "schedule.svg"
WINDOW = 30 * 60.0  # seconds shown on the x axis
WIDTH, ROW, LEFT, RIGHT, TOP = 760, 44, 200, 24, 40

ROWS: list[tuple[str, WaitPolicy]] = [
    ("Device Farm run / job", DeviceFarm.JOB_POLICY),
    ("Device Farm session", DeviceFarm.SESSION_POLICY),
    ("Amplify job", Amplify.JOB_POLICY),
    ("IoT job", IoT.JOB_POLICY),
    ("IoT job execution", IoT.EXECUTION_POLICY),
    ("Amplify job, timeout=20m", WaitPolicy(timeout=20 * 60, min_delay=5, max_delay=30)),
    ("Device Farm job, timeout=20m", WaitPolicy(timeout=20 * 60, min_delay=5, max_delay=180)),
]


def polls(policy: WaitPolicy, jitter: float) -> list[float]:
    """Poll times (seconds from the start) of a wait on a resource that never ends.

    The sleeps are ``policy.delay(n)`` with the jitter pinned to ``jitter``; the last one is
    clipped so the final poll happens at the deadline, as every wait does.
    """
    pinned = WaitPolicy(
        timeout=policy.timeout,
        min_delay=policy.min_delay,
        max_delay=policy.max_delay,
        use_progress=False,
        random=lambda: jitter,
    )
    now, times = 0.0, [0.0]
    while now < min(pinned.timeout, WINDOW):
        now = min(now + pinned.delay(len(times)), pinned.timeout)
        times.append(now)
    return [t for t in times if t <= WINDOW]


def x(t: float) -> float:
    """The x coordinate of ``t`` seconds."""
    return LEFT + (WIDTH - LEFT - RIGHT) * t / WINDOW


def svg() -> str:
    """The whole picture, as SVG text (deterministic: the jitter is pinned)."""
    height = TOP + ROW * len(ROWS) + 50
    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" font-family="sans-serif" font-size="13">'
        ),
        '<rect width="100%" height="100%" fill="white"/>',
        (
            '<text x="8" y="22" font-size="15" font-weight="bold">'
            "Polls in the first 30 minutes of a wait</text>"
        ),
    ]
    for minute in range(0, 31, 5):
        gx = x(minute * 60.0)
        out.append(
            f'<line x1="{gx:.1f}" y1="{TOP}" x2="{gx:.1f}" y2="{TOP + ROW * len(ROWS)}" '
            'stroke="#ddd"/>'
        )
        out.append(
            f'<text x="{gx:.1f}" y="{TOP + ROW * len(ROWS) + 18}" text-anchor="middle">'
            f"{minute} min</text>"
        )
    for i, (label, policy) in enumerate(ROWS):
        y = TOP + ROW * i + ROW / 2
        mid = polls(policy, 0.5)
        detail = f"{policy.min_delay:g}..{policy.max_delay:g} s: {len(mid)} polls"
        out.append(f'<text x="8" y="{y - 3:.1f}">{escape(label)}</text>')
        out.append(f'<text x="8" y="{y + 13:.1f}" fill="#555" font-size="11">{detail}</text>')
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#bbb"/>'
        )
        out.extend(f'<circle cx="{x(t):.1f}" cy="{y:.1f}" r="3.2" fill="#3f51b5"/>' for t in mid)
        if policy.timeout <= WINDOW:
            dx = x(policy.timeout)
            out.append(
                f'<line x1="{dx:.1f}" y1="{y - 16:.1f}" x2="{dx:.1f}" y2="{y + 16:.1f}" '
                'stroke="#c62828" stroke-width="2"/>'
            )
            out.append(
                f'<text x="{dx + 5:.1f}" y="{y - 6:.1f}" fill="#c62828">'
                "deadline: last poll here</text>"
            )
    out.append(
        f'<text x="8" y="{height - 8}" fill="#555" font-size="11">'
        "docs/schedule.py: each resource's default WaitPolicy, jitter pinned at its middle, "
        "backoff alone (no progress).</text>"
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    """Write the SVG; with ``--check``, exit 1 when the committed one differs instead."""
    text = svg()
    if "--check" in argv:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            sys.stderr.write(f"{OUT} is stale: run python docs/schedule.py\n")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
