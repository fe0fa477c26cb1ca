"""The ``jobkit`` command: get a job-like resource, or wait for it to finish.

Exit codes: 0 success (wait: outcome SUCCEEDED), 1 outcome FAILED, 2 usage or
invalid argument, 3 outcome CANCELLED, 4 timed out, 5 AWS error (not found, access
denied, throttled beyond retries, no credentials), 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Mapping
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any, cast

import attrs

from jobkit import __version__
from jobkit._amplify import Amplify
from jobkit._converter import unstructure
from jobkit._devicefarm import DeviceFarm
from jobkit._facade import DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT
from jobkit._iot import IoT
from jobkit._operations import OPERATIONS, Operation
from jobkit._outcome import Outcome, Resource
from jobkit._progress import describe
from jobkit.errors import (
    AwsError,
    ConversionError,
    InvalidArgumentError,
    JobkitError,
    WaitTimeoutError,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from jobkit._waiting import WaitPolicy

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CANCELLED, EXIT_TIMEOUT, EXIT_AWS = 0, 1, 2, 3, 4, 5
EXIT_INTERRUPTED = 130
_OUTCOME_EXIT = {
    Outcome.SUCCEEDED: EXIT_OK,
    Outcome.FAILED: EXIT_FAILED,
    Outcome.CANCELLED: EXIT_CANCELLED,
}

_EPILOG = """\
exit codes:
  0  success (wait: the outcome is SUCCEEDED)
  1  the outcome is FAILED
  2  usage error or invalid argument
  3  the outcome is CANCELLED
  4  timed out waiting
  5  AWS error: not found, access denied, throttled beyond retries, no credentials
"""


_FACADES: dict[str, type[DeviceFarm | Amplify | IoT]] = {
    "devicefarm": DeviceFarm,
    "amplify": Amplify,
    "iot": IoT,
}
_RESOURCES: dict[str, Operation[Any]] = {op.command: op for op in OPERATIONS}


class _Parser(argparse.ArgumentParser):
    """argparse, with one-line errors that say what to do."""

    def error(self, message: str) -> Any:
        self.exit(EXIT_USAGE, f"jobkit: error: {message}; see '{self.prog} --help'.\n")


def _parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    group = common.add_argument_group("AWS and output options")
    group.add_argument("--region", help="AWS region (default: from the profile or environment)")
    group.add_argument("--profile", help="named profile from the AWS config files")
    group.add_argument("--endpoint-url", help="send requests here (e.g. a local emulator)")
    group.add_argument(
        "--connect-timeout",
        type=float,
        metavar="SECONDS",
        help=f"give up opening a connection after this long (default {DEFAULT_CONNECT_TIMEOUT:g})",
    )
    group.add_argument(
        "--read-timeout",
        type=float,
        metavar="SECONDS",
        help=f"give up on a silent response after this long (default {DEFAULT_READ_TIMEOUT:g})",
    )
    group.add_argument(
        "--output",
        choices=("text", "json"),
        default="text",
        help="result format on stdout; json is boto3's camelCase shape",
    )
    group.add_argument("--quiet", action="store_true", help="no progress on stderr")
    waiting = _Parser(add_help=False)
    wgroup = waiting.add_argument_group("waiting options (defaults depend on the resource)")
    wgroup.add_argument(
        "--timeout", type=float, metavar="SECONDS", help="give up after this long (exit 4)"
    )
    wgroup.add_argument(
        "--min-delay", type=float, metavar="SECONDS", help="shortest pause between polls"
    )
    wgroup.add_argument(
        "--max-delay", type=float, metavar="SECONDS", help="longest pause between polls"
    )

    parser = _Parser(
        prog="jobkit",
        description="Get AWS job-like resources, or wait for them to finish.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"jobkit {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{get,wait}")
    for command, text, parents in (
        ("get", "print a resource", [common]),
        ("wait", "block until a resource is terminal, then print it", [common, waiting]),
    ):
        sub = commands.add_parser(
            command,
            help=text,
            description=text,
            epilog=_EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        kinds = sub.add_subparsers(dest="resource", required=True, metavar="RESOURCE")
        for word, kind in _RESOURCES.items():
            leaf = kinds.add_parser(
                word,
                help=kind.label,
                parents=parents,
                epilog=_EPILOG,
                formatter_class=argparse.RawDescriptionHelpFormatter,
            )
            for name in kind.ids:
                if name != "execution_number":
                    leaf.add_argument(name, metavar=name.upper())
            if "execution_number" in kind.ids:
                leaf.add_argument(
                    "--execution-number",
                    type=int,
                    metavar="N",
                    help="a specific execution (default: the latest)",
                )
    return parser


def _facade(args: argparse.Namespace) -> DeviceFarm | Amplify | IoT:
    import boto3  # noqa: PLC0415
    from botocore.exceptions import ProfileNotFound  # noqa: PLC0415

    try:
        session = boto3.session.Session(profile_name=args.profile, region_name=args.region)
    except ProfileNotFound as exc:
        msg = f"The AWS profile {args.profile!r} does not exist; pass an existing --profile."
        raise InvalidArgumentError(msg, code="ProfileNotFound") from exc
    facade = _FACADES[_RESOURCES[args.resource].service]
    return facade(
        session=session,
        endpoint_url=args.endpoint_url,
        connect_timeout=args.connect_timeout,
        read_timeout=args.read_timeout,
    )


def _policy(args: argparse.Namespace, default: WaitPolicy, progress: _Progress) -> WaitPolicy:
    changes = {
        name: value
        for name, value in (
            ("timeout", args.timeout),
            ("min_delay", args.min_delay),
            ("max_delay", args.max_delay),
        )
        if value is not None
    }
    if "min_delay" in changes and "max_delay" not in changes:
        changes["max_delay"] = max(changes["min_delay"], default.max_delay)
    if "max_delay" in changes and "min_delay" not in changes:
        changes["min_delay"] = min(changes["max_delay"], default.min_delay)
    try:
        return attrs.evolve(default, sleep=progress.sleep, **changes)
    except InvalidArgumentError as exc:
        raise InvalidArgumentError(_in_flags(str(exc)), code=exc.code) from None


_FLAGS = {
    "WaitPolicy(timeout=...)": "--timeout",
    "WaitPolicy timeout": "--timeout",
    "WaitPolicy min_delay": "--min-delay",
    "WaitPolicy max_delay": "--max-delay",
    "max_delay": "--max-delay",
    "min_delay": "--min-delay",
}


def _in_flags(message: str) -> str:
    """Say a policy message in the command's words: its flags, not Python parameters."""
    for python, flag in _FLAGS.items():
        message = message.replace(python, flag)
    return message


class _Progress:
    """Progress on stderr: one live line on a terminal, one line per change otherwise."""

    def __init__(self, stream: IO[str], *, quiet: bool, what: str) -> None:
        self.stream = stream
        self.quiet = quiet
        self.live = not quiet and stream.isatty()
        self.what = what
        self.start = time.monotonic()
        self.text = "waiting for the first answer"

    def _elapsed(self) -> str:
        seconds = int(time.monotonic() - self.start)
        return f"{seconds // 3600:d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"

    def _draw(self) -> None:
        self.stream.write(f"\r\x1b[K[{self._elapsed()}] {self.what}: {self.text}")
        self.stream.flush()

    def update(self, resource: Resource) -> None:
        self.text = describe(resource)
        if self.quiet:
            return
        if self.live:
            self._draw()
        else:
            self.stream.write(f"[{self._elapsed()}] {self.what}: {self.text}\n")
            self.stream.flush()

    def sleep(self, seconds: float) -> None:
        if not self.live:
            time.sleep(seconds)
            return
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            time.sleep(min(1.0, left))
            self._draw()

    def close(self) -> None:
        if self.live:
            self.stream.write("\n")
            self.stream.flush()


def _run(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    kind = _RESOURCES[args.resource]
    facade = _facade(args)
    ids = [getattr(args, name) for name in kind.ids]
    if args.command == "get":
        _print(getattr(facade, kind.get)(*ids), args.output, stdout)
        return EXIT_OK
    shown = " ".join(str(i) for i in ids if i is not None)
    progress = _Progress(stderr, quiet=args.quiet, what=f"{kind.label} {shown}")
    policy = _policy(args, kind.policy, progress)
    wait = getattr(facade, kind.wait)
    try:
        final: Resource = wait(*ids, policy=policy, on_update=progress.update)
    except WaitTimeoutError as exc:
        progress.close()
        if exc.resource is not None:
            _print(exc.resource, args.output, stdout)
        raise
    progress.close()
    _print(final, args.output, stdout)
    return _OUTCOME_EXIT.get(final.outcome or Outcome.FAILED, EXIT_FAILED)


def _print(resource: Any, output: str, stdout: IO[str]) -> None:
    if output == "json":
        json.dump(unstructure(resource, mode="json"), stdout, indent=2, sort_keys=False)
        stdout.write("\n")
        return
    outcome = resource.outcome
    stdout.write(
        f"{type(resource).__module__.rsplit('.', 1)[-1]}.{type(resource).__name__}: {describe(resource)}\n"
    )
    stdout.write(f"  outcome: {outcome.value if outcome is not None else '(not finished)'}\n")
    for key, value in _flatten(resource, ""):
        stdout.write(f"  {key}: {value}\n")


def _flatten(obj: object, prefix: str) -> list[tuple[str, str]]:
    """Dotted ``key: value`` lines of a model, with secrets shown as their ``repr`` hides them."""
    lines: list[tuple[str, str]] = []
    cls: type[Any] = type(obj)
    for field in attrs.fields(cls):
        value: object = getattr(obj, field.name)
        key = f"{prefix}{field.name}"
        if value is None:
            continue
        items = _items(value)
        if attrs.has(type(value)):
            lines += _flatten(value, key + ".")
        elif items and attrs.has(type(items[0])):
            for i, item in enumerate(items):
                lines += _flatten(item, f"{key}[{i}].")
        elif callable(field.repr):
            lines.append((key, str(field.repr(value)).strip("'")))
        else:
            lines.append((key, _scalar(value)))
    return lines


def _items(value: object) -> tuple[object, ...]:
    return cast("tuple[object, ...]", value) if isinstance(value, tuple) else ()


def _scalar(value: object) -> str:
    items = _items(value)
    if isinstance(value, tuple):
        return ", ".join(map(str, items)) or "(none)"
    if isinstance(value, Mapping):
        pairs = cast("Mapping[object, object]", value)
        return ", ".join(f"{k}={v}" for k, v in pairs.items())
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the command; returns the exit code (see the module docstring)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args = _parser().parse_args(argv)
    try:
        return _run(args, out, err)
    except InvalidArgumentError as exc:
        err.write(f"jobkit: error: {exc}\n")
        return EXIT_USAGE
    except WaitTimeoutError as exc:
        err.write(f"jobkit: timeout: {_in_flags(str(exc))}\n")
        return EXIT_TIMEOUT
    except (AwsError, ConversionError) as exc:
        err.write(f"jobkit: aws error: {exc}\n")
        return EXIT_AWS
    except JobkitError as exc:
        err.write(f"jobkit: error: {exc}\n")
        return EXIT_AWS
    except KeyboardInterrupt:
        err.write("\njobkit: interrupted; nothing was changed on AWS.\n")
        return EXIT_INTERRUPTED
