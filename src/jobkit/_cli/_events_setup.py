"""``jobkit events setup|check SERVICE --queue NAME``: wire a queue to AWS's events, or check it.

The steps are each service's wiring (``jobkit._events._wiring``; listed by ``jobkit._services``):
a dry run prints the calls setup would make (and the AWS CLI commands that make them), setup makes
them step by step, and check reports what is missing, so the three agree by construction. Every
line of AWS text goes through ``_sinks.line``.
"""

from __future__ import annotations

import argparse
import contextlib
import time
from typing import IO, TYPE_CHECKING, Any, Protocol

from jobkit._cli._args import EXIT
from jobkit._cli._durations import duration
from jobkit._cli._secrets import scrub_text
from jobkit._cli._signals import Terminated
from jobkit._cli._sinks import line
from jobkit._cli._words import in_command_words
from jobkit._engine._timeouts import DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT
from jobkit._services import wirings
from jobkit.errors import AwsError, InvalidArgumentError, JobkitError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from jobkit._events._wiring import Context, Finding, Step, Wiring

__all__ = ["add_events", "run"]


class _Out(Protocol):
    def write(self, text: str, /) -> int: ...
    def flush(self) -> None: ...


_MAX_WAIT = 20  # SQS's longest long poll
_CODES = """\
exit codes:
  0    done (setup, --dry-run) or wired (check)
  1    check: something is missing (listed, with the setup command that adds it)
  2    usage error or invalid argument (a missing region included)
  5    AWS error: access denied, throttled beyond retries, no credentials, unreachable
  130  interrupted (Ctrl-C): the steps printed so far are done; run setup again to finish
"""


def _wait_seconds(text: str) -> int:
    try:
        seconds = int(text)
    except ValueError:
        seconds = -1
    if not 1 <= seconds <= _MAX_WAIT:
        msg = f"{text!r} is not whole seconds from 1 to {_MAX_WAIT} (SQS's longest long poll)"
        raise argparse.ArgumentTypeError(msg)
    return seconds


def _aws_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("AWS options")
    group.add_argument("--region", help="AWS region (default: the profile or environment)")
    group.add_argument("--profile", help="named profile from the AWS config files")
    group.add_argument(
        "--endpoint-url", metavar="URL", help="send every request here (e.g. a local emulator)"
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


def add_events(commands: Any, formatter: type[argparse.HelpFormatter]) -> None:
    """Add ``jobkit events setup|check SERVICE ...`` to the command's subcommands."""
    known = wirings()
    top = commands.add_parser(
        "events",
        help="wire a queue to AWS's job events (setup), or check that it is wired",
        description="Wire an SQS queue to the events AWS publishes when jobs end, or check it. "
        "Usage: jobkit events setup|check SERVICE --queue NAME [options]",
        epilog=_CODES,
        formatter_class=formatter,
    )
    actions = top.add_subparsers(dest="events_action", required=True, metavar="{setup,check}")
    for action, text in (
        ("setup", "create what is missing (idempotent); --dry-run prints the calls instead"),
        ("check", "say whether events can flow: each step, then maybe one message"),
    ):
        sub = actions.add_parser(action, help=text, description=text, formatter_class=formatter)
        services = sub.add_subparsers(
            dest="events_service", required=True, metavar="{" + ",".join(known) + "}"
        )
        for name, wiring in known.items():
            leaf = services.add_parser(
                name,
                help=f"{wiring.label}",
                description=f"jobkit events {action} {name}: {text}. " + " ".join(wiring.notes),
                epilog=_CODES,
                formatter_class=formatter,
            )
            leaf.add_argument(
                "--queue",
                required=True,
                metavar="NAME_OR_URL",
                help="the standard (not FIFO) SQS queue's name or URL (e.g. jobkit-events)",
            )
            options = leaf.add_argument_group(f"{name} options")
            for option in wiring.options:
                options.add_argument(option.flag, metavar=option.metavar, help=option.help)
            if action == "setup":
                leaf.add_argument(
                    "--dry-run",
                    action="store_true",
                    help="change nothing: read what exists, then print each step's calls and the "
                    "equivalent AWS CLI commands",
                )
            else:
                leaf.add_argument(
                    "--wait",
                    type=_wait_seconds,
                    metavar="SECONDS",
                    help="also receive one message (waiting up to SECONDS, 1-20), show what "
                    "jobkit recognises in it, and give it back at once (visibility 0; it counts "
                    "as a receive)",
                )
            _aws_options(leaf)


class _Run:
    """One ``jobkit events ...``: its arguments, where it writes, and how far it got."""

    def __init__(self, args: argparse.Namespace, stdout: _Out, stderr: IO[str]) -> None:
        self.args = args
        self.stdout = stdout
        self.stderr = stderr
        self.wiring: Wiring = wirings()[args.events_service]
        self.done: list[str] = []
        self.endpoint: str | None = None

    def say(self, text: str) -> None:
        self.stdout.write(line(text) + "\n")
        self.stdout.flush()

    def fix(self, name: str) -> str:
        """The setup command that wires what check found missing."""
        words = ["jobkit events setup", self.wiring.service, "--queue", name]
        for option in self.wiring.options:
            value = getattr(self.args, option.dest, None)
            if value is not None:
                words += [option.flag, value]
        for flag in ("region", "profile", "endpoint_url"):
            value = getattr(self.args, flag, None)
            if value is not None:
                words += [f"--{flag.replace('_', '-')}", value]
        return " ".join(words)


def _options(wiring: Wiring, args: argparse.Namespace) -> dict[str, str | None]:
    checked: dict[str, str | None] = {}
    for option in wiring.options:
        value: str | None = getattr(args, option.dest, None)
        checked[option.dest] = None if value is None else option.check(value)
    return checked


def _context(
    run: _Run, name: str, url: str | None, options: Mapping[str, str | None], session: Any
) -> Context:
    import boto3.session  # noqa: PLC0415 -- the command's --help stays quick
    from botocore.config import Config  # noqa: PLC0415
    from botocore.exceptions import ProfileNotFound  # noqa: PLC0415

    from jobkit._engine._validation import endpoint_url, region_name  # noqa: PLC0415
    from jobkit._events._wiring import Context  # noqa: PLC0415

    args = run.args
    region_name(args.region)
    run.endpoint = endpoint_url(args.endpoint_url)
    url_region = None
    if url is not None and ".amazonaws.com" in url:
        url_region = url.split("//", 1)[1].split(".")[1]
    if session is None:
        try:
            session = boto3.session.Session(
                profile_name=args.profile, region_name=args.region or url_region
            )
        except ProfileNotFound as exc:
            msg = f"The AWS profile {args.profile!r} does not exist; pass an existing --profile."
            raise InvalidArgumentError(msg, code="ProfileNotFound") from exc
    region: str | None = args.region or session.region_name or url_region
    if region is None:
        msg = "No AWS region is configured; pass --region or set AWS_DEFAULT_REGION."
        raise InvalidArgumentError(msg, code="NoRegion")
    made: dict[str, Any] = {}
    read_timeout = args.read_timeout or DEFAULT_READ_TIMEOUT
    wait = getattr(args, "wait", None) or 0

    def client(service: str) -> Any:
        if service not in made:
            config = Config(
                connect_timeout=args.connect_timeout or DEFAULT_CONNECT_TIMEOUT,
                # A long poll holds the connection for --wait seconds: the read must outlast it.
                read_timeout=max(read_timeout, wait + 10) if service == "sqs" else read_timeout,
                retries={"mode": "standard", "max_attempts": 3},
            )
            made[service] = session.client(
                service, region_name=region, endpoint_url=run.endpoint, config=config
            )
        return made[service]

    probe = Context(client, region=region, partition="aws", account="", queue=name, options=options)
    identity = probe.read("sts", "GetCallerIdentity", {}) or {}
    partition = session.get_partition_for_region(region) or "aws"
    return Context(
        client,
        region=region,
        partition=partition,
        account=str(identity.get("Account") or ""),
        queue=name,
        options=options,
    )


def _steps(run: _Run, ctx: Context) -> tuple[Step, ...]:
    from jobkit._events._wiring import queue_step  # noqa: PLC0415

    return (queue_step(ctx.queue), *run.wiring.steps(ctx.queue, ctx.options))


def _setup(run: _Run, ctx: Context, steps: Sequence[Step]) -> int:
    args = run.args
    where = f"(region {ctx.region}, account {ctx.account})"
    if args.dry_run:
        run.say(
            f"jobkit: dry run, nothing is changed: wiring {run.wiring.label} to queue {ctx.queue} {where}"
        )
    else:
        run.say(f"jobkit: wiring {run.wiring.label} to queue {ctx.queue} {where}")
    from jobkit._events._wiring import cli_command  # noqa: PLC0415

    changed = 0
    for number, step in enumerate(steps, 1):
        finding = step.check(ctx)
        if finding.done:
            run.say(f"{number}. {step.name}: {finding.state}")
            continue
        if args.dry_run:
            run.say(
                f"{number}. {step.name}: {finding.state}; would make {len(finding.calls)} call(s):"
            )
            for call in finding.calls:
                run.say(f"   call: {call.shown()}")
                run.say(
                    "   cli:  "
                    + cli_command(
                        call, region=ctx.region, profile=args.profile, endpoint_url=run.endpoint
                    )
                )
            changed += 1
            continue
        for call in finding.calls:
            response = ctx.call(call)
            if step.learn is not None:
                step.learn(ctx, call, response)
        changed += 1
        run.done.append(step.name)
        run.say(f"{number}. {step.name}: {finding.result}")
    url = ctx.facts.get("queue_url")
    if args.dry_run:
        left = f"{changed} step(s) would change something" if changed else "nothing to change"
        run.say(f"jobkit: dry run: {left}; run without --dry-run to apply.")
    elif changed:
        run.say(
            f"jobkit: wired ({changed} step(s) changed); pass the queue to a wait: --events {url}"
        )
    else:
        run.say(f"jobkit: already wired, nothing changed; pass the queue to a wait: --events {url}")
    return 0


def _check(run: _Run, ctx: Context, steps: Sequence[Step]) -> int:
    run.say(
        f"jobkit: checking {run.wiring.label} to queue {ctx.queue} (region {ctx.region}, account {ctx.account})"
    )
    missing: list[str] = []
    queue_found = False
    for number, step in enumerate(steps, 1):
        finding: Finding = step.check(ctx)
        if number == 1:
            queue_found = finding.done
        mark = "ok" if finding.done else "MISSING"
        run.say(f"{number}. {step.name}: {mark}: {finding.state}")
        for detail in finding.details:
            run.say(f"   {detail}")
        if not finding.done:
            missing.append(step.name)
    if run.args.wait and queue_found:
        _peek(run, ctx, run.args.wait)
    if missing:
        run.say(
            f"jobkit: not wired: {len(missing)} of {len(steps)} step(s) missing "
            f"({'; '.join(missing)}); fix with: {run.fix(ctx.queue)}"
        )
        return EXIT.FAILED
    run.say(
        f"jobkit: wired: {run.wiring.label} can reach queue {ctx.queue}; "
        f"pass it to a wait: --events {ctx.facts.get('queue_url')}"
    )
    return 0


def _peek(run: _Run, ctx: Context, wait: int) -> None:
    """Receive one message, give it back at once, and say what jobkit recognises in it."""
    from jobkit._events._messages import documents  # noqa: PLC0415
    from jobkit._events._wiring import Call  # noqa: PLC0415

    url = ctx.facts["queue_url"]
    answer = (
        ctx.read(
            "sqs",
            "ReceiveMessage",
            {
                "QueueUrl": url,
                "MaxNumberOfMessages": 1,
                "WaitTimeSeconds": wait,
                "VisibilityTimeout": 30,
                "MessageSystemAttributeNames": ["SentTimestamp", "ApproximateReceiveCount"],
            },
        )
        or {}
    )
    messages: list[dict[str, Any]] = list(answer.get("Messages") or [])
    if not messages:
        run.say(f"message: none arrived within {wait}s (start a job, then check again)")
        return
    message = messages[0]
    ctx.call(
        Call(
            "sqs",
            "ChangeMessageVisibility",
            {"QueueUrl": url, "ReceiptHandle": message["ReceiptHandle"], "VisibilityTimeout": 0},
        )
    )
    attributes: dict[str, str] = dict(message.get("Attributes") or {})
    sent = attributes.get("SentTimestamp")
    age = (
        f", sent {max(0, time.time() - int(sent) / 1000):.0f}s ago"
        if sent and sent.isdigit()
        else ""
    )
    received = attributes.get("ApproximateReceiveCount", "?")
    run.say(f"message: received one (given back at once{age}, received {received} time(s))")
    decoded = documents(message.get("Body"))
    names: list[str] = []
    for wiring in wirings().values():
        for document in decoded.documents:
            with contextlib.suppress(Exception):  # a recogniser never raises; a net
                names += [
                    " ".join(w.key) + (f" (claims {w.status})" if w.status else "")
                    for w in wiring.recognise(document)
                ]
    if names:
        run.say("   jobkit recognises: " + "; ".join(dict.fromkeys(names)))
    elif decoded.problem is not None and not decoded.documents:
        run.say(f"   jobkit cannot read it: {decoded.problem}; a wait deletes such a message")
    else:
        kinds = [
            ", ".join(
                f"{key} {str(doc[key])[:60]}"
                for key in ("source", "detail-type", "eventType", "Type")
                if isinstance(doc.get(key), str)
            )
            or "no source or eventType"
            for doc in decoded.documents[:3]
        ]
        run.say(f"   jobkit recognises nothing in it ({'; '.join(kinds)}); a wait gives it back")


def run(
    args: argparse.Namespace,
    stdout: _Out,
    stderr: IO[str],
    *,
    session: Any = None,
    sleep: Callable[[float], object] | None = None,
) -> int:
    """Run ``jobkit events setup|check``; returns the exit code.

    ``session`` (a ``boto3.session.Session``) and ``sleep`` replace the ones the command makes.
    """
    from jobkit._events._wiring import queue_name  # noqa: PLC0415

    current = _Run(args, stdout, stderr)
    words = f"jobkit events {args.events_action} {args.events_service}"

    def fail(kind: str, text: str) -> None:
        said = scrub_text(in_command_words(text, words))
        if current.done and args.events_action == "setup":
            said += f" Done before it: {'; '.join(current.done)}; run the command again once fixed."
        with contextlib.suppress(OSError, ValueError):
            stderr.write(line(f"jobkit: {kind}: {said}") + "\n")
            stderr.flush()

    try:
        name, url = queue_name(args.queue)
        options = _options(current.wiring, args)
        ctx = _context(current, name, url, options, session)
        if sleep is not None:
            ctx.sleep = sleep
        steps = _steps(current, ctx)
        if args.events_action == "setup":
            return _setup(current, ctx, steps)
        return _check(current, ctx, steps)
    except InvalidArgumentError as exc:
        fail("error", exc.message)
        return EXIT.USAGE
    except AwsError as exc:
        text = exc.message
        if not exc.answered:
            text = (
                f"Could not reach AWS at {current.endpoint or 'its endpoint'} ({exc.code}, "
                f"{exc.operation}); check --endpoint-url and --region (or the network), then "
                "run the command again."
            )
        fail("aws error", text)
        return EXIT.AWS
    except JobkitError as exc:
        fail("error", exc.message)
        return EXIT.AWS
    except (KeyboardInterrupt, Terminated) as exc:  # SIGTERM: a cancelled CI step, told alike
        terminated = isinstance(exc, Terminated)
        fail("terminated (SIGTERM)" if terminated else "interrupted (Ctrl-C)", "stopped.")
        return EXIT.TERMINATED if terminated else EXIT.INTERRUPTED
