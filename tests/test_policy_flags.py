"""The command's policy flags, alone and together -> the WaitPolicy the wait uses."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pytest

from jobkit._cli._args import parser
from jobkit._cli._live import Progress
from jobkit._cli._main import _Command, _Stdout  # pyright: ignore[reportPrivateUsage]
from jobkit.errors import InvalidArgumentError
from jobkit.iot._operations import IOT_EXECUTION, IOT_JOB

if TYPE_CHECKING:
    from jobkit._engine._waiting import WaitPolicy

DEFAULT = IOT_JOB.policy  # 24 h, 5..300 s, not-found grace 30 s


def _policy(*flags: str, default: WaitPolicy = DEFAULT) -> WaitPolicy:
    ids = ["job-1"] if default is DEFAULT else ["job-1", "thing-1"]
    args = parser().parse_args(["wait", default_command(default), *ids, *flags])
    command = _Command(args, _Stdout(io.StringIO()), io.StringIO(), {})
    progress = Progress(io.StringIO(), quiet=True, what="w")
    return command._policy(default, progress)  # pyright: ignore[reportPrivateUsage]


def default_command(default: WaitPolicy) -> str:
    return "iot-job" if default is DEFAULT else "iot-execution"


@pytest.mark.parametrize(
    ("flags", "timeout", "min_delay", "max_delay"),
    [
        ((), 86400.0, 5.0, 300.0),
        (("--timeout", "10m"), 600.0, 5.0, 300.0),
        (("--min-delay", "10s"), 86400.0, 10.0, 300.0),  # max_delay stays the default
        (("--min-delay", "400s"), 86400.0, 400.0, 400.0),  # raised to the new minimum
        (("--max-delay", "60s"), 86400.0, 5.0, 60.0),  # min_delay stays the default
        (("--max-delay", "2s"), 86400.0, 2.0, 2.0),  # lowered to the new maximum
        (("--min-delay", "10s", "--max-delay", "20s"), 86400.0, 10.0, 20.0),
        (("--timeout", "1h", "--min-delay", "1s", "--max-delay", "9s"), 3600.0, 1.0, 9.0),
        (("--timeout", "90", "--max-delay", "5"), 90.0, 5.0, 5.0),  # equal to the minimum
        (("--timeout", "90", "--min-delay", "300"), 90.0, 300.0, 300.0),  # equal to the maximum
    ],
)
def test_flags_alone_and_together(
    flags: tuple[str, ...], timeout: float, min_delay: float, max_delay: float
) -> None:
    policy = _policy(*flags)
    assert (policy.timeout, policy.min_delay, policy.max_delay) == (timeout, min_delay, max_delay)
    # nothing else changes
    assert policy.not_found_grace == DEFAULT.not_found_grace
    assert policy.max_attempts == DEFAULT.max_attempts
    assert policy.use_progress == DEFAULT.use_progress


def test_each_resource_starts_from_its_own_default() -> None:
    policy = _policy("--min-delay", "3s", default=IOT_EXECUTION.policy)
    assert (policy.min_delay, policy.max_delay) == (3.0, IOT_EXECUTION.policy.max_delay)


def test_not_found_grace_flag() -> None:
    assert _policy("--not-found-grace", "2m").not_found_grace == 120.0


def test_contradicting_flags_are_refused() -> None:
    with pytest.raises(InvalidArgumentError, match="max_delay"):
        _policy("--min-delay", "30s", "--max-delay", "10s")


def test_the_wait_sleeps_through_the_live_line() -> None:
    args = parser().parse_args(["wait", "iot-job", "job-1"])
    command = _Command(args, _Stdout(io.StringIO()), io.StringIO(), {})
    progress = Progress(io.StringIO(), quiet=True, what="w")
    policy = command._policy(DEFAULT, progress)  # pyright: ignore[reportPrivateUsage]
    assert policy.sleep == progress.sleep


def test_the_command_uses_history_by_default_and_no_history_turns_it_off() -> None:
    assert _policy().use_history is True
    assert _policy("--no-history").use_history is False
