"""Interleaved timing: every row is sampled in each round, in shuffled order, so drift in
machine speed hits all rows alike; a row's figure is the median of its samples."""

from __future__ import annotations

import random
import statistics
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


def interleaved(
    rows: dict[str, Callable[[], object]], *, rounds: int = 60, batch: int = 50, seed: int = 7
) -> dict[str, float]:
    """Return the median seconds per call of each row."""
    order = list(rows)
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {name: [] for name in order}
    for fn in rows.values():  # warm up: hooks generated, caches filled
        for _ in range(3):
            fn()
    for _ in range(rounds):
        rng.shuffle(order)
        for name in order:
            fn = rows[name]
            start = time.perf_counter()
            for _ in range(batch):
                fn()
            samples[name].append((time.perf_counter() - start) / batch)
    return {name: statistics.median(values) for name, values in samples.items()}
