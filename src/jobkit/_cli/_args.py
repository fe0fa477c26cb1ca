"""The command's arguments and help: every option, each resource's default policy, exit codes."""

from __future__ import annotations

import argparse
import re
import textwrap
from typing import TYPE_CHECKING, Any, NoReturn

from jobkit import __version__
from jobkit._cli._durations import duration, format_duration
from jobkit._engine._facade import DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT
from jobkit._services import operations, services

if TYPE_CHECKING:
    from jobkit._engine._operations import Operation, Start
    from jobkit._engine._waiting import WaitPolicy

__all__ = ["ARTIFACT_RESOURCES", "EXIT", "RESOURCES", "STARTS", "parser"]


class EXIT:
    """Exit codes; see ``jobkit wait --help``."""

    OK = 0
    FAILED = 1
    USAGE = 2
    CANCELLED = 3
    TIMEOUT = 4
    AWS = 5
    INTERRUPTED = 130
    TERMINATED = 143


RESOURCES: dict[str, Operation[Any]] = {op.command: op for op in operations()}
"""The command's resource words -> the operation table's rows."""
STARTS: dict[str, Start] = {start.command: start for known in services() for start in known.starts}
"""What ``jobkit start`` can start: resource words -> how (the services' ``Start`` rows)."""
ARTIFACT_RESOURCES = frozenset(word for known in services() for word in known.artifacts)
"""The resources ``--artifacts DIR`` applies to (ListArtifacts takes a run or a job)."""

_WAIT_CODES = """\
exit codes:
  0    the outcome is SUCCEEDED
  1    the outcome is FAILED
  2    usage error or invalid argument (a missing region included)
  3    the outcome is CANCELLED
  4    timed out waiting (--timeout)
  5    AWS error: not found, access denied, throttled beyond retries, no credentials
  130  interrupted (Ctrl-C)
  143  terminated (SIGTERM, e.g. a cancelled CI step)
"""
_GET_CODES = """\
exit codes:
  0    the resource was read (whatever its outcome)
  2    usage error or invalid argument (a missing region included)
  5    AWS error: not found, access denied, throttled beyond retries, no credentials
  130  interrupted (Ctrl-C)
  143  terminated (SIGTERM)
"""
_SECRETS = textwrap.fill(
    "secrets (presigned URLs, members AWS marks sensitive) are redacted in every "
    "output unless --show-secrets",
    100,
)
_GITHUB = textwrap.fill(
    "under GitHub Actions (GITHUB_ACTIONS=true): progress in a log group, an error "
    "annotation unless SUCCEEDED, outcome=, status= and id= in $GITHUB_OUTPUT, and a "
    "table in $GITHUB_STEP_SUMMARY",
    100,
)
_ID_HELP = {
    ("amplify-job", "job_id"): "the job's number, or 'latest' for the branch's newest job",
}
_DURATIONS = "durations: seconds (90) or with units (90s, 15m, 1h30m, 2h)"


def _defaults(policy: WaitPolicy) -> str:
    return (
        f"--timeout {format_duration(policy.timeout)}, --min-delay {format_duration(policy.min_delay)}, "
        f"--max-delay {format_duration(policy.max_delay)}, "
        f"--not-found-grace {format_duration(policy.not_found_grace)}"
    )


def _ids(kind: Operation[Any]) -> str:
    return " ".join(n.upper() for n in kind.ids if n != "execution_number")


def _policies() -> str:
    lines = ["default waiting policy per resource:"]
    for word, kind in RESOURCES.items():
        lines.append(f"  {word} {_ids(kind)}")
        lines.append(f"      {kind.label}: {_defaults(kind.policy)}")
    return "\n".join(lines) + "\n"


class Parser(argparse.ArgumentParser):
    """argparse, with one-line errors that say what to do (``--timeout 'abc' is not ...``)."""

    def error(self, message: str) -> NoReturn:
        # "argument --timeout: 'abc' is not a duration" -> "--timeout 'abc' is not a duration"
        message = re.sub(
            r"^argument (--[\w-]+)(?:/[\w-]+)*: (?:invalid duration value: )?", r"\1 ", message
        )
        self.exit(2, f"jobkit: error: {message}; see '{self.prog} --help'.\n")


def _common(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("AWS options")
    group.add_argument(
        "--region",
        help="AWS region (default: the ARN's region for Device Farm, else the profile or environment)",
    )
    group.add_argument("--profile", help="named profile from the AWS config files")
    group.add_argument(
        "--endpoint-url", metavar="URL", help="send requests here (e.g. a local emulator)"
    )
    group.add_argument(
        "--connect-timeout",
        type=duration(below=3600),
        metavar="DURATION",
        help=f"give up opening a connection after this long (default {DEFAULT_CONNECT_TIMEOUT:g}s)",
    )
    group.add_argument(
        "--read-timeout",
        type=duration(below=3600),
        metavar="DURATION",
        help=f"give up on a silent response after this long (default {DEFAULT_READ_TIMEOUT:g}s)",
    )
    out = parser.add_argument_group("output options")
    out.add_argument(
        "--output",
        choices=("text", "json", "summary"),
        default="text",
        help="result on stdout: text (every member), json (boto3's camelCase shape) or "
        "summary (the outcome, then what failed); default text",
    )
    out.add_argument(
        "--show-secrets",
        action="store_true",
        help="print presigned URLs and sensitive members (redacted by default, JSON too)",
    )
    out.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _waiting(parser: argparse.ArgumentParser, policy: WaitPolicy | None) -> None:
    def default(value: float | None) -> str:
        return (
            f" (default {format_duration(value)})"
            if value is not None
            else " (default: per resource)"
        )

    group = parser.add_argument_group("waiting options (durations: 90, 90s, 15m, 1h30m, 2h)")
    group.add_argument(
        "--timeout",
        type=duration(),
        metavar="DURATION",
        help="give up after this long (exit 4)" + default(policy.timeout if policy else None),
    )
    group.add_argument(
        "--min-delay",
        type=duration(),
        metavar="DURATION",
        help="shortest pause between polls" + default(policy.min_delay if policy else None),
    )
    group.add_argument(
        "--max-delay",
        type=duration(),
        metavar="DURATION",
        help="longest pause between polls" + default(policy.max_delay if policy else None),
    )
    group.add_argument(
        "--not-found-grace",
        type=duration(allow_zero=True),
        metavar="DURATION",
        help="how long a not-found answer means 'not visible yet'"
        + default(policy.not_found_grace if policy else None),
    )
    group.add_argument(
        "--events",
        metavar="QUEUE_URL",
        help="an SQS queue that AWS's end-of-job events reach (Amplify via EventBridge, IoT via "
        "a topic rule; see 'jobkit events setup'): an event wakes the wait at once and polls "
        "become a slow safety net; Device Farm, CodeBuild and Batch publish none and are polled",
    )
    group.add_argument(
        "--cancel-on-timeout",
        action="store_true",
        help="on timeout, Ctrl-C or SIGTERM, ask AWS to stop the resource (never forced) and "
        "say whether AWS accepted; off by default",
    )


def _artifacts(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("Device Farm options")
    group.add_argument(
        "--artifacts",
        metavar="DIR",
        help="once the resource is read (get) or has ended (wait), save its artifacts (files, "
        "logs, screenshots) into DIR, created if needed; the paths go to stderr, never a URL",
    )


def _options_text(*, waiting: bool) -> str:
    """Every option of the leaf commands, as help text for ``jobkit wait --help``."""
    probe = argparse.ArgumentParser(prog="jobkit", add_help=False, formatter_class=_Formatter)
    _common(probe)
    if waiting:
        _waiting(probe, None)
    text = probe.format_help()
    return text.split("\n\n", 1)[1] if "\n\n" in text else text


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30, width=100)


def parser() -> argparse.ArgumentParser:
    """Build the command's parser."""
    top = Parser(
        prog="jobkit",
        description="Get AWS job-like resources, or wait for them to finish.",
        epilog=f"{_DURATIONS}\n{_SECRETS}\n\n{_WAIT_CODES}",
        formatter_class=_Formatter,
    )
    top.add_argument("--version", action="version", version=f"jobkit {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="{get,wait,start}")
    for command, text, codes, waits in (
        ("get", "print a resource (one read, never waits)", _GET_CODES, False),
        ("wait", "block until a resource is terminal, then print it", _WAIT_CODES, True),
    ):
        epilog = "options of every resource:\n" + _options_text(waiting=waits)
        if waits:
            epilog += "\n" + _policies() + f"\n{_GITHUB}\n"
        epilog += f"\n{_SECRETS}\n\n{codes}"
        sub = commands.add_parser(
            command,
            help=text,
            description=f"{text}. Usage: jobkit {command} RESOURCE IDS... [options]",
            epilog=epilog,
            formatter_class=_Formatter,
        )
        kinds = sub.add_subparsers(dest="resource", required=True, metavar="RESOURCE")
        for word, kind in RESOURCES.items():
            description = f"{text}: {kind.label}."
            if waits:
                description += f"\ndefaults: {_defaults(kind.policy)}."
            leaf = kinds.add_parser(
                word,
                help=kind.label,
                description=description,
                epilog=(f"{_GITHUB}\n\n" if waits else "") + codes,
                formatter_class=_Formatter,
            )
            for name in kind.ids:
                if name != "execution_number":
                    leaf.add_argument(name, metavar=name.upper(), help=_ID_HELP.get((word, name)))
            if "execution_number" in kind.ids:
                leaf.add_argument(
                    "--execution-number",
                    type=int,
                    metavar="N",
                    help="a specific execution (default: the latest)",
                )
            _common(leaf)
            if word in ARTIFACT_RESOURCES:
                _artifacts(leaf)
            if waits:
                _waiting(leaf, kind.policy)
    _start(commands)
    return top


_START = "start a job, print its id first, and with --wait wait for it"


def _start(commands: Any) -> None:
    """``jobkit start RESOURCE IDS... [options] [--wait]``, one leaf per ``Start`` in the table."""
    usage = " | ".join(f"{s.command} {' '.join(n.upper() for n in s.ids)}" for s in STARTS.values())
    sub = commands.add_parser(
        "start",
        help=_START,
        description=f"{_START}. Usage: jobkit start {{{usage}}} [options]",
        epilog=f"{_GITHUB}\n\n{_SECRETS}\n\n{_WAIT_CODES}",
        formatter_class=_Formatter,
    )
    kinds = sub.add_subparsers(dest="resource", required=True, metavar="RESOURCE")
    for word, start in STARTS.items():
        policy = start.operation.policy
        leaf = kinds.add_parser(
            word,
            help=start.help,
            description=f"{start.description}\ndefaults with --wait: {_defaults(policy)}.",
            epilog=f"{_GITHUB}\n\n{_WAIT_CODES}",
            formatter_class=_Formatter,
        )
        for name in start.ids:
            leaf.add_argument(name, metavar=name.upper())
        group = leaf.add_argument_group("start options")
        for option in start.options:
            extra: dict[str, Any] = {} if option.choices is None else {"choices": option.choices}
            group.add_argument(
                option.flag,
                dest=option.keyword,
                default=option.default,
                metavar=option.metavar,
                help=option.help,
                **extra,
            )
        group.add_argument(
            "--wait", action="store_true", help="wait for it to end; exit by its outcome"
        )
        _common(leaf)
        _waiting(leaf, policy)
