"""Running the command: the facade, the wait, exit codes, signals and a closed stdout."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from typing import IO, TYPE_CHECKING, Any, cast

import attrs

from jobkit._cli._args import ARTIFACT_RESOURCES, EXIT, RESOURCES, STARTS, parser
from jobkit._cli._github import GitHub
from jobkit._cli._live import Progress
from jobkit._cli._render import render, write_lines
from jobkit._cli._secrets import scrub_text
from jobkit._cli._signals import Terminated, sigterm_as_interrupt
from jobkit._cli._sinks import line
from jobkit._cli._summary import Context, summary_lines
from jobkit._cli._words import in_command_words
from jobkit._convert._outcome import Outcome
from jobkit._engine._progress import describe
from jobkit._services import service
from jobkit.errors import (
    ArtifactDownloadError,
    AwsError,
    ConversionError,
    InvalidArgumentError,
    JobkitError,
    WaitTimeoutError,
)

if TYPE_CHECKING:
    import argparse
    from collections.abc import Generator, Mapping, Sequence
    from pathlib import Path

    from jobkit import amplify
    from jobkit._engine._operations import Operation, Start
    from jobkit._engine._waiting import WaitPolicy

__all__ = ["main"]

_OUTCOME_EXIT = {
    Outcome.SUCCEEDED: EXIT.OK,
    Outcome.FAILED: EXIT.FAILED,
    Outcome.CANCELLED: EXIT.CANCELLED,
}
_LATEST = "latest"
_SHOWN_PATHS = 20  # saved artifacts listed on stderr, then how many more


class _Stdout:
    """stdout that turns a closed pipe (``| head``) into silence instead of a traceback."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.broken = False

    def write(self, text: str, /) -> int:
        if not self.broken:
            try:
                self.stream.write(text)
            except BrokenPipeError:
                self.broken = True
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self.broken = True

    def finish(self) -> None:
        """Flush; after a closed pipe, point the real stdout at devnull (Python's SIGPIPE note)."""
        self.flush()
        if self.broken and self.stream is sys.stdout:
            with contextlib.suppress(OSError, ValueError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
                os.close(devnull)


@contextlib.contextmanager
def _library_logs_silenced() -> Generator[None]:
    """The command says what jobkit's warnings say (a stop, a failed artifact) in its own words.

    Without a handler, Python's last-resort handler would print them a second time.
    """
    log = logging.getLogger("jobkit")
    quiet = logging.NullHandler()
    log.addHandler(quiet)
    try:
        yield
    finally:
        log.removeHandler(quiet)


class _Command:
    """One run of ``jobkit get|wait RESOURCE ...``: what it knows when it ends, however it ends."""

    def __init__(
        self, args: argparse.Namespace, stdout: _Stdout, stderr: IO[str], environ: Mapping[str, str]
    ) -> None:
        self.args = args
        self.stdout = stdout
        self.stderr = stderr
        self.begin: Start | None = STARTS[args.resource] if args.command == "start" else None
        self.kind: Operation[Any] = (
            self.begin.operation if self.begin is not None else RESOURCES[args.resource]
        )
        self.ids: list[Any] = [getattr(args, name, None) for name in self.kind.ids]
        self.waits = args.command == "wait" or (args.command == "start" and args.wait)
        self.github = GitHub(environ if args.command != "get" else {}, stderr)
        self.started: str | None = None  # the job ``start`` started, until it ends
        self.progress: Progress | None = None
        self.facade: Any = None  # the service's sync facade, imported when first needed
        self.events: Any = None  # the --events source (a jobkit.SqsEvents), if any
        self.what = f"{self.kind.label} {' '.join(str(i) for i in self.ids if i is not None)}"
        self.words = f"jobkit {args.command} {self.kind.command}"
        # Python's parameter names -> the command's: positional ids upper case, options' flags.
        positional = self.begin.ids if self.begin is not None else self.kind.ids
        self.names: tuple[tuple[str, str], ...] = (
            *((name, name.upper()) for name in positional if name != "execution_number"),
            *((o.keyword, o.flag) for o in (self.begin.options if self.begin else ())),
        )

    @property
    def shown_id(self) -> str:
        """The id or ARN waited on, as given: the job id for Amplify and IoT, else the ARN."""
        shown = self.ids[2] if self.kind.service == "amplify" else self.ids[0]
        return "" if shown is None else str(shown)

    @property
    def latest(self) -> bool:
        """Whether the Amplify job id is ``latest`` (resolved through ListJobs)."""
        return self.kind.service == "amplify" and self.ids[2] == _LATEST

    def run(self) -> int:
        if self.begin is not None:
            given = tuple(getattr(self.args, name) for name in self.begin.ids)
            self.begin.check(*given)  # refused before any client is built
            self.facade = self._facade()
            return self._start(self.begin, given)
        # Bad ids (and an unwritable --artifacts) are refused before any client is built.
        self.what = self.kind.bind(*self.ids[:2], "1").what if self.latest else self._bind()
        directory = self._directory()
        self.facade = self._facade()
        resource: Any = None
        if self.latest:
            resource = self._resolve_latest()
        if self.args.command == "get":
            if resource is None:
                resource = getattr(self.facade, self.kind.get)(*self.ids)
            self._save_artifacts(directory)
            self._render(resource, str(resource.outcome or "NOT FINISHED"))
            return EXIT.OK
        return self._wait(directory)

    def _bind(self) -> str:
        return self.kind.bind(*self.ids).what

    def _directory(self) -> Path | None:
        directory: str | None = getattr(self.args, "artifacts", None)
        if directory is None or self.args.resource not in ARTIFACT_RESOURCES:
            return None
        from jobkit.devicefarm._artifacts import check_directory  # noqa: PLC0415 -- with its models

        return check_directory(directory)

    def _resolve_latest(self) -> amplify.Job:
        """``latest`` -> the branch's newest job; ids, messages and outputs use its id."""
        job: amplify.Job = self.facade.latest_job(*self.ids[:2])
        self.ids[2] = job.summary.job_id if job.summary is not None else None
        self.what = self._bind()
        self._say(f"jobkit: latest is {self.what}")
        return job

    def _start(self, start: Start, given: tuple[Any, ...]) -> int:
        """``jobkit start RESOURCE``: the new resource's id first on stdout, then maybe wait."""
        options = {
            o.keyword: value
            for o in start.options
            if (value := getattr(self.args, o.keyword, None)) is not None
        }
        result: Any = getattr(self.facade, start.method)(*given, **options)
        self.ids = list(start.started(given, result))
        self.started = self.what = self._bind()
        self.stdout.write(line(self.shown_id) + "\n")
        self.stdout.flush()
        status = getattr(result, "status", None)
        notes = [str(options[o.keyword]) for o in start.options if o.shown and o.keyword in options]
        self._say(f"jobkit: started {self.what} ({', '.join([*notes, str(status)])})")
        if not self.args.wait:
            self.github.outputs({"id": self.shown_id, "status": str(status or "")})
            return EXIT.OK
        return self._wait(None)

    def _say(self, text: str) -> None:
        """A line on stderr (not progress: --quiet keeps it), made safe by ``_sinks.line``."""
        with contextlib.suppress(OSError, ValueError):
            self.stderr.write(line(text) + "\n")
            self.stderr.flush()

    def _save_artifacts(self, directory: Path | None) -> None:
        """``--artifacts DIR``: save them, list the paths on stderr; failures are reported."""
        if directory is None:
            return
        written: tuple[Path, ...] = ()
        failed: dict[str, str] = {}
        try:
            written = self.facade.download_artifacts(self.ids[0], directory)
        except ArtifactDownloadError as exc:
            written, failed = exc.written, exc.failed
        except JobkitError as exc:  # the outcome's exit code stands
            self._say(f"jobkit: could not list the artifacts: {_said(exc, self)}")
            return
        self._say(
            f"jobkit: saved {len(written)} artifact(s) to {directory}" + (":" if written else "")
        )
        for path in written[:_SHOWN_PATHS]:
            self._say(f"  {path}")
        if len(written) > _SHOWN_PATHS:
            self._say(f"  ... and {len(written) - _SHOWN_PATHS} more")
        if failed:
            self._say(f"jobkit: could not save {len(failed)} artifact(s):")
            for label, why in list(failed.items())[:_SHOWN_PATHS]:
                self._say(f"  {scrub_text(label)}: {scrub_text(why)}")
            if len(failed) > _SHOWN_PATHS:
                self._say(f"  ... and {len(failed) - _SHOWN_PATHS} more")

    def _wait(self, directory: Path | None) -> int:
        progress = Progress(self.stderr, quiet=self.args.quiet, what=self.what)
        self.progress = progress
        policy = self._policy(self.kind.policy, progress)
        progress.grace = policy.not_found_grace
        _watch_not_found(self.facade, progress, self.kind.api)
        self.github.group(f"jobkit: waiting for {self.what}")
        try:
            final: Any = getattr(self.facade, self.kind.wait)(
                *self.ids,
                policy=policy,
                on_update=progress.update,
                cancel_on_timeout=self.args.cancel_on_timeout,
                events=self.events,
            )
        except WaitTimeoutError as exc:
            self.end()
            self._render(exc.resource, "TIMED_OUT")
            raise
        finally:
            if self.events is not None:
                self.events.close()
        self.started = None
        self.end()
        self._save_artifacts(directory)
        outcome = final.outcome or Outcome.FAILED
        lines = self._render(final, str(outcome))
        self._report(str(outcome), final, lines)
        if outcome is not Outcome.SUCCEEDED:
            self.github.error(f"{self.what} ended {outcome}: {describe(final)}")
        return _OUTCOME_EXIT.get(outcome, EXIT.FAILED)

    def end(self) -> None:
        """End the live line and the log group."""
        if self.progress is not None:
            self.progress.close()
        self.github.end_group()

    def fail(
        self, message: str, outcome: str | None, resource: Any = None, *, fresh_line: bool = False
    ) -> None:
        """The command ends with an error: say so on stderr, and to GitHub.

        ``fresh_line`` starts it on a line of its own (after the ``^C`` a terminal echoes).
        """
        self.end()
        with contextlib.suppress(OSError, ValueError):
            self.stderr.write(("\n" if fresh_line else "") + line(message) + "\n")
            self.stderr.flush()
        if self.waits:
            self.github.error(message.strip().removeprefix("jobkit: "))
            self._report(outcome, resource, [])

    def _report(self, outcome: str | None, resource: Any, lines: Sequence[str]) -> None:
        status = self.progress.status if self.progress is not None else None
        self.github.outputs({"outcome": outcome, "status": status or "", "id": self.shown_id})
        rows = [("outcome", outcome or "ERROR"), ("id", self.shown_id)]
        if resource is not None:
            rows.append(("status", scrub_text(describe(resource))))
        if self.progress is not None:
            rows.append(("elapsed", f"{self.progress.elapsed():.0f}s"))
        details = [scrub_text(text) for text in lines[2:]]
        self.github.step_summary(f"jobkit: {self.what}", rows, details)

    def _render(self, resource: Any, outcome: str) -> list[str]:
        context = Context(facade=self.facade, show_secrets=self.args.show_secrets)
        lines: list[str] = []
        if self.github.enabled and resource is not None and self.waits:
            lines = summary_lines(resource, what=self.what, outcome=outcome, context=context)
        if self.args.output == "summary" and lines:
            write_lines(self.stdout, lines if self.args.show_secrets else map(scrub_text, lines))
        else:
            render(
                resource,
                self.args.output,
                self.stdout,
                show_secrets=self.args.show_secrets,
                what=self.what,
                outcome=outcome,
                context=context,
            )
        self.stdout.flush()
        return lines

    def _facade(self) -> Any:
        import boto3  # noqa: PLC0415 -- the command's startup stays quick for --help
        from botocore.exceptions import ProfileNotFound  # noqa: PLC0415

        region = self.args.region
        if region is None and self.kind.service == "devicefarm":
            region = str(self.ids[0]).split(":")[3] or None  # the ARN's region
        try:
            session = boto3.session.Session(profile_name=self.args.profile, region_name=region)
        except ProfileNotFound as exc:
            msg = (
                f"The AWS profile {self.args.profile!r} does not exist; pass an existing --profile."
            )
            raise InvalidArgumentError(msg, code="ProfileNotFound") from exc
        queue = getattr(self.args, "events", None)
        if queue is not None:  # checked here, before the first AWS call of the command
            from jobkit._events._source import SqsEvents  # noqa: PLC0415 -- --events only

            self.events = SqsEvents(
                queue,
                session=session,
                endpoint_url=self.args.endpoint_url,
                on_note=lambda text: self._say(f"jobkit: {text}"),
            )
        return service(self.kind.service).facade_class()(
            session=session,
            endpoint_url=self.args.endpoint_url,
            connect_timeout=self.args.connect_timeout,
            read_timeout=self.args.read_timeout,
        )

    def _policy(self, default: WaitPolicy, progress: Progress) -> WaitPolicy:
        a = self.args
        changes: dict[str, float] = {
            name: value
            for name, value in (
                ("timeout", a.timeout),
                ("min_delay", a.min_delay),
                ("max_delay", a.max_delay),
                ("not_found_grace", a.not_found_grace),
            )
            if value is not None
        }
        if "min_delay" in changes and "max_delay" not in changes:
            changes["max_delay"] = max(changes["min_delay"], default.max_delay)
        if "max_delay" in changes and "min_delay" not in changes:
            changes["min_delay"] = min(changes["max_delay"], default.min_delay)
        evolve: Any = attrs.evolve
        use_history = default.use_history and not getattr(a, "no_history", False)
        policy: WaitPolicy = evolve(
            default, sleep=progress.sleep, use_history=use_history, **changes
        )
        return policy


def _watch_not_found(facade: object, progress: Progress, api: str) -> None:
    """Tell ``progress`` whether each answer of the wait's own ``api`` was a not-found.

    A botocore event hook on that operation only: a list call around the wait (the history
    read, a summary) that answers not-found says nothing about the resource waited on.
    """
    meta = getattr(getattr(facade, "client", None), "meta", None)
    events = getattr(meta, "events", None)
    if events is None:
        return
    model = getattr(meta, "service_model", None)
    service_id = getattr(getattr(model, "service_id", None), "hyphenize", None)
    scope = f"after-call.{service_id()}.{api}" if callable(service_id) else "after-call"

    def after_call(http_response: object = None, parsed: object = None, **_: object) -> None:
        error: object = (
            cast("dict[str, object]", parsed).get("Error") if isinstance(parsed, dict) else None
        )
        code = (
            str(cast("dict[str, object]", error).get("Code", "")) if isinstance(error, dict) else ""
        )
        status = getattr(http_response, "status_code", 0)
        progress.answered(not_found="NotFound" in code or status == 404)  # noqa: PLR2004

    events.register(scope, after_call)


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """Run the command; returns the exit code (see ``jobkit wait --help``)."""
    out = _Stdout(stdout or sys.stdout)
    err = stderr or sys.stderr
    args = parser().parse_args(argv)
    if args.command == "events":  # jobkit events setup|check: wiring, not waiting
        from jobkit._cli._events_setup import run  # noqa: PLC0415

        with sigterm_as_interrupt():
            code = run(args, out, err)
        out.finish()
        return code
    command = _Command(args, out, err, os.environ if environ is None else environ)
    code = EXIT.AWS
    with sigterm_as_interrupt(), _library_logs_silenced():
        try:
            try:
                code = command.run()
            except InvalidArgumentError as exc:
                code = EXIT.USAGE
                command.fail(f"jobkit: error: {_said(exc, command)}", None)
            except WaitTimeoutError as exc:
                code = EXIT.TIMEOUT
                command.fail(f"jobkit: timeout: {_said(exc, command)}", "TIMED_OUT", exc.resource)
            except (AwsError, ConversionError) as exc:
                command.fail(f"jobkit: aws error: {_aws_said(exc, command)}", None)
            except JobkitError as exc:
                command.fail(f"jobkit: error: {_said(exc, command)}", None)
            except KeyboardInterrupt as exc:
                code = EXIT.INTERRUPTED
                command.fail(
                    f"jobkit: interrupted (Ctrl-C); {_left(exc, command)}", None, fresh_line=True
                )
        except Terminated as exc:
            code = EXIT.TERMINATED
            command.fail(
                f"jobkit: terminated (SIGTERM); {_left(exc, command)}", None, fresh_line=True
            )
    out.finish()
    return code


def _left(exc: BaseException, command: _Command) -> str:
    """What an interrupt left on AWS: what ``--cancel-on-timeout`` did, or that nothing changed."""
    notes: list[str] = getattr(exc, "__notes__", [])
    if notes:  # the facade asked AWS to stop the resource, and said how it went
        return _said_text(notes[-1], command)
    if command.started is not None:
        return f"{command.started} was started and is left running (--cancel-on-timeout stops it)."
    return "nothing was changed on AWS."


def _said_text(text: str, command: _Command) -> str:
    return scrub_text(in_command_words(text, command.words, command.names))


_UNREACHED = {  # why AWS was not reached, by the error's code
    "EndpointConnectionError": "the connection was refused or the host is unknown",
    "ConnectTimeoutError": "no connection within --connect-timeout",
    "ConnectionClosedError": "the connection was closed before any answer",
    "ReadTimeoutError": "no answer within --read-timeout",
}


def _aws_said(exc: AwsError | ConversionError, command: _Command) -> str:
    """An AWS error; one that shows AWS never answered names the endpoint the command used."""
    if not isinstance(exc, AwsError) or exc.answered:
        return _said(exc, command)
    client = getattr(command.facade, "client", None)
    endpoint = getattr(getattr(client, "meta", None), "endpoint_url", None) or "its endpoint"
    reason = _UNREACHED.get(exc.code or "", "the answer was not a readable AWS response")
    return scrub_text(
        f"Could not reach AWS at {endpoint}: {reason} ({exc.code}, {exc.operation}); "
        "check --endpoint-url and --region (or the network), then run the command again."
    )


def _said(exc: BaseException, command: _Command) -> str:
    return scrub_text(in_command_words(str(exc), command.words, command.names))
