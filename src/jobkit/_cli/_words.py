"""Messages in the command's own words: its flags and arguments, never Python parameters.

jobkit's errors are written for Python callers (``WaitPolicy(timeout=...)``, ``pass
region_name=...``); the command says the same things with ``--timeout`` and ``--region``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["in_command_words"]

# Longest first where one phrase contains another.
_PHRASES: tuple[tuple[str, str], ...] = (
    ("Raise WaitPolicy(timeout=...)", "Raise --timeout"),
    ("WaitPolicy(timeout=...)", "--timeout"),
    ("pass region_name=... or set AWS_DEFAULT_REGION", "pass --region or set AWS_DEFAULT_REGION"),
    ("region_name=...", "--region"),
    ("or pass a session", "or pass --profile"),
    ("pass a session", "pass --profile"),
    ("check region_name and endpoint_url", "check --region and --endpoint-url"),
    ("WaitPolicy timeout", "--timeout"),
    ("WaitPolicy min_delay", "--min-delay"),
    ("WaitPolicy max_delay", "--max-delay"),
    ("WaitPolicy not_found_grace", "--not-found-grace"),
    ("a number of seconds above 0 and below 3600", "a duration above 0 and below 1h"),
    ("list_jobs(arn=RUN_ARN) lists them", "aws devicefarm list-jobs --arn RUN_ARN lists them"),
    (
        "job_type 'RETRY' needs the job_id of the job to retry",
        "--job-type RETRY needs --job-id, the job to retry",
    ),
    ("start one with Amplify.start_job(...)", "start one with jobkit start amplify-job"),
)
_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"(?<![\w-]){python}(?![\w(])"), flag)
    for python, flag in (
        ("region_name", "--region"),
        ("endpoint_url", "--endpoint-url"),
        ("connect_timeout", "--connect-timeout"),
        ("read_timeout", "--read-timeout"),
        ("min_delay", "--min-delay"),
        ("max_delay", "--max-delay"),
        ("not_found_grace", "--not-found-grace"),
        ("execution_number", "--execution-number"),
        ("job_type", "--job-type"),
        ("job_id", "JOB_ID"),
        ("thing_name", "THING_NAME"),
        ("app_id", "APP_ID"),
        ("branch_name", "BRANCH_NAME"),
    )
)
# A facade's waiter named as a call: wait_for_job_execution()
_CALL = re.compile(r"\bwait_for_\w+\([^)]*\)")


def in_command_words(
    message: str, command: str | None = None, names: Sequence[tuple[str, str]] = ()
) -> str:
    """Say ``message`` with the command's flags (``--timeout``), not Python parameters.

    ``command`` (e.g. ``"jobkit wait iot-execution"``) replaces a facade method named as a call;
    ``names`` are the resource's own (parameter, argument or flag) pairs, from its table row.
    """
    for python, flag in _PHRASES:
        message = message.replace(python, flag)
    for pattern, flag in _WORDS:
        message = pattern.sub(flag, message)
    for python, flag in names:
        message = re.sub(rf"(?<![\w-]){re.escape(python)}(?![\w(])", flag, message)
    return _CALL.sub(command or "the command", message)
