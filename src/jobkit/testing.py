"""Test your own code that uses jobkit, without AWS.

``lifecycle`` scripts a resource's life on a boto3 client with botocore's
``Stubber`` (which checks each canned response against the service model), fed
from the responses that ship with jobkit or from your own dicts::

    client = boto3.client("devicefarm", region_name="us-west-2")
    with jobkit.testing.lifecycle(client, "get_job", ["pending", "running", "passed"]):
        job = my_code_that_waits(client)          # sees PENDING -> RUNNING -> COMPLETED

``FakeClock`` makes waits instant: pass ``clock.policy(...)`` as the ``policy``.
``MotoIoT`` runs moto's server on 127.0.0.1 (needs ``moto[server]``) and plays the
devices' part, which moto's own API cannot: executions progress, jobs complete.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Self

from attrs import define, field, frozen
from botocore.exceptions import ParamValidationError
from botocore.stub import Stubber as _BotocoreStubber
from botocore.validate import ParamValidator

from jobkit._engine._waiting import WaitPolicy
from jobkit._stubs import declared_only, load_stub, scenarios
from jobkit.errors import InvalidArgumentError

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Mapping, Sequence

    from jobkit._engine._history import History

__all__ = [
    "AwsErrorResponse",
    "FakeClock",
    "LifecycleExhaustedError",
    "MotoIoT",
    "Stubber",
    "amplify_history",
    "devicefarm_history",
    "lifecycle",
    "load_stub",
    "scenarios",
]


@frozen(kw_only=True)
class AwsErrorResponse:
    """One scripted AWS error, for a step of :func:`lifecycle`."""

    code: str
    message: str = "scripted by jobkit.testing"
    http_status: int = 400
    request_id: str = "jobkit-testing-request"


@define
class FakeClock:
    """A clock whose ``sleep`` advances time instantly; every sleep is recorded."""

    now: float = 0.0
    sleeps: list[float] = field(factory=list[float])

    def clock(self) -> float:
        """Return the current fake time in seconds."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Advance the fake time by ``seconds`` without sleeping."""
        self.sleeps.append(seconds)
        self.now += seconds

    def policy(
        self,
        *,
        timeout: float | timedelta | None = None,
        min_delay: float | timedelta | None = None,
        max_delay: float | timedelta | None = None,
        max_attempts: int | None = None,
        not_found_grace: float | timedelta | None = None,
        use_progress: bool = False,
        use_history: bool = True,
        history: History | None = None,
        random: Callable[[], float] = lambda: 0.5,
    ) -> WaitPolicy:
        """Return a :class:`jobkit.WaitPolicy` that runs on this clock (jitter pinned to 0.5).

        Values left out stay defaults, which a wait replaces with the resource's own.
        """
        given = {
            name: value
            for name, value in (
                ("timeout", timeout),
                ("min_delay", min_delay),
                ("max_delay", max_delay),
                ("not_found_grace", not_found_grace),
            )
            if value is not None
        }
        return WaitPolicy(
            clock=self.clock,
            sleep=self.sleep,
            random=random,
            max_attempts=max_attempts,
            use_progress=use_progress,
            use_history=use_history,
            history=history,
            **given,
        )


class Stubber(_BotocoreStubber):
    """botocore's ``Stubber``, queueing only the response members the installed botocore knows.

    jobkit's canned responses follow the newest botocore; an older botocore's Stubber would
    refuse their newer members, which its parser simply drops from a real response. Nor does
    it insist on members botocore marks *required* in a response: AWS leaves some out (AWS
    Batch sends a job's ``startedAt`` only once it started), botocore's parser takes real
    responses without them, and jobkit's models read every member as optional. Every other
    check of botocore's Stubber stays (member names, types, the expected parameters). Use it
    as botocore's own, e.g. to script several operations on one client::

        with Stubber(client) as stubber:
            stubber.add_response("get_run", load_stub("devicefarm", "get_run", "running"))
            stubber.add_response("list_jobs", load_stub("devicefarm", "list_jobs", "two_devices"))
    """

    def add_response(
        self,
        method: str,
        service_response: Mapping[str, Any],
        expected_params: Mapping[str, Any] | None = None,
    ) -> None:
        """Queue ``service_response`` without the members this botocore does not declare."""
        meta: Any = self.client.meta
        shape = meta.service_model.operation_model(meta.method_to_api_mapping[method]).output_shape
        super().add_response(method, declared_only(dict(service_response), shape), expected_params)

    def _validate_response(self, shape: Any, response: Any) -> None:
        # botocore's hook for checking a queued response; the same check, less "required".
        if shape is None:
            base: Any = super()  # the hook is botocore's, undeclared in its stubs
            base._validate_response(shape, response)  # noqa: SLF001 -- our superclass's
            return
        report: Any = ParamValidator().validate(response, shape)  # pyright: ignore[reportUnknownMemberType]
        # The report keeps (kind, name, details) per problem; it has no public way to drop some.
        kept = [e for e in report._errors if e[0] != _MISSING_REQUIRED]  # noqa: SLF001
        report._errors = kept  # noqa: SLF001
        if kept:
            raise ParamValidationError(report=report.generate_report())


_MISSING_REQUIRED = "missing required field"  # botocore.validate's kind of problem


Step = str | dict[str, Any] | AwsErrorResponse


@contextlib.contextmanager
def lifecycle(
    client: Any,
    operation: str,
    steps: Sequence[Step],
    *,
    expected_params: dict[str, Any] | None = None,
    repeat_last: bool = False,
    history: Mapping[str, Any] | AwsErrorResponse | None = None,
) -> Generator[Stubber]:
    """Script ``client.<operation>`` to answer with ``steps``, in order, one per call.

    A step is the name of a canned scenario (see :func:`scenarios`), a response dict,
    or an :class:`AwsErrorResponse`. On a clean exit every step must have been used.
    With ``repeat_last``, the last step answers every further call, so a test need not
    know how many polls a wait makes. ``history`` answers the history read a wait makes
    before its first poll (Amplify ``list_jobs``, Device Farm ``list_runs``; build one
    with :func:`amplify_history` or :func:`devicefarm_history`, or script its failure).
    Without it that read fails and the wait polls on plain backoff.

    Raises:
        InvalidArgumentError: an unknown operation or scenario (before anything is stubbed).
        LifecycleExhaustedError: (inside the block) a call came after the last step.
    """
    service = client.meta.service_model.service_name
    if operation not in client.meta.method_to_api_mapping:
        msg = f"{service} clients have no operation {operation!r}; pass a boto3 method name like 'get_job'."
        raise InvalidArgumentError(msg, code="InvalidArgument")
    stubber = Stubber(client)
    if history is not None:
        read = _HISTORY_READS.get(service)
        if read is None:
            msg = f"{service} waits read no history; drop history= (IoT's timeouts come with each poll)."
            raise InvalidArgumentError(msg, code="InvalidArgument")
        _add_step(stubber, read, history, None)
    for step in steps:
        if isinstance(step, AwsErrorResponse):
            stubber.add_client_error(
                operation,
                service_error_code=step.code,
                service_message=step.message,
                http_status_code=step.http_status,
                response_meta={"RequestId": step.request_id},
                expected_params=expected_params,
            )
            continue
        if isinstance(step, str):
            try:
                response = load_stub(service, operation, step)
            except (FileNotFoundError, KeyError) as exc:
                known = (
                    ", ".join(scenarios(service, operation)) if _has(service, operation) else "none"
                )
                msg = f"No canned {service}.{operation} scenario {step!r}; known: {known}."
                raise InvalidArgumentError(msg, code="InvalidArgument") from exc
        else:
            response = copy.deepcopy(step)
        stubber.add_response(operation, response, expected_params)
    api = client.meta.method_to_api_mapping[operation]
    # provide-client-params comes before every hook of the Stubber, so the guard sees a call first.
    event = f"provide-client-params.{client.meta.service_model.service_id.hyphenize()}.{api}"
    guard = _StepGuard(stubber, operation, len(steps), repeat_last=repeat_last)
    with stubber:
        client.meta.events.register_first(event, guard, unique_id=f"jobkit-lifecycle-{id(guard)}")
        try:
            yield stubber
            if not repeat_last:
                stubber.assert_no_pending_responses()
        finally:
            client.meta.events.unregister(event, unique_id=f"jobkit-lifecycle-{id(guard)}")


_HISTORY_READS = {"amplify": "list_jobs", "devicefarm": "list_runs"}
"""The call each service's wait reads its history with (``history=`` of :func:`lifecycle`)."""


def _add_step(
    stubber: Stubber,
    operation: str,
    step: Mapping[str, Any] | AwsErrorResponse,
    expected_params: dict[str, Any] | None,
) -> None:
    if isinstance(step, AwsErrorResponse):
        stubber.add_client_error(
            operation,
            service_error_code=step.code,
            service_message=step.message,
            http_status_code=step.http_status,
            response_meta={"RequestId": step.request_id},
            expected_params=expected_params,
        )
    else:
        stubber.add_response(operation, copy.deepcopy(dict(step)), expected_params)


def _ago(now: datetime, seconds: float) -> str:
    return (now - timedelta(seconds=seconds)).isoformat()


def amplify_history(
    job_id: str,
    durations: Sequence[float],
    *,
    job_type: str = "RELEASE",
    age: float = 0.0,
    now: datetime | None = None,
) -> dict[str, Any]:
    """A ``list_jobs`` answer: job ``job_id`` RUNNING for ``age`` s, earlier jobs that took ``durations``.

    ``durations`` are newest first (job ``job_id - 1`` took ``durations[0]`` seconds);
    each earlier job ended an hour before the next started. Pass it as
    ``lifecycle(..., history=...)``.
    """
    now = now or datetime.now(UTC)
    start = now - timedelta(seconds=age)
    summaries: list[dict[str, Any]] = [
        {
            "jobArn": f"arn:aws:amplify:us-east-1:123456789012:apps/app/branches/main/jobs/{job_id}",
            "jobId": job_id,
            "commitId": "HEAD",
            "commitMessage": "jobkit.testing",
            "commitTime": start.isoformat(),
            "startTime": start.isoformat(),
            "status": "RUNNING",
            "jobType": job_type,
        }
    ]
    ended = start
    for i, took in enumerate(durations, start=1):
        ended -= timedelta(hours=1)
        earlier = str(int(job_id) - i) if job_id.isdigit() else f"{job_id}-{i}"
        summaries.append(
            {
                **summaries[0],
                "jobArn": summaries[0]["jobArn"].rsplit("/", 1)[0] + f"/{earlier}",
                "jobId": earlier,
                "startTime": _ago(ended, took),
                "endTime": ended.isoformat(),
                "status": "SUCCEED",
            }
        )
    return {"jobSummaries": summaries}


def devicefarm_history(
    run_arn: str,
    durations: Sequence[float],
    *,
    job_timeout_minutes: int | None = None,
    age: float = 0.0,
    now: datetime | None = None,
) -> dict[str, Any]:
    """A ``list_runs`` answer: run ``run_arn`` RUNNING for ``age`` s, earlier like runs that took ``durations``.

    The earlier runs share its name, device pool and type; ``durations`` are newest
    first. Pass it as ``lifecycle(..., history=...)``.
    """
    now = now or datetime.now(UTC)
    created = now - timedelta(seconds=age)
    pool = run_arn.replace(":run:", ":devicepool:").rsplit("/", 1)[0] + "/pool"
    this: dict[str, Any] = {
        "arn": run_arn,
        "name": "jobkit.testing",
        "type": "APPIUM_PYTHON",
        "devicePoolArn": pool,
        "created": created.isoformat(),
        "started": created.isoformat(),
        "status": "RUNNING",
    }
    if job_timeout_minutes is not None:
        this["jobTimeoutMinutes"] = job_timeout_minutes
    runs = [this]
    ended = created
    for i, took in enumerate(durations, start=1):
        ended -= timedelta(hours=1)
        runs.append(
            {
                **this,
                "arn": f"{run_arn}-earlier-{i}",
                "created": _ago(ended, took),
                "started": _ago(ended, took),
                "stopped": ended.isoformat(),
                "status": "COMPLETED",
                "result": "PASSED",
            }
        )
    return {"runs": runs}


class LifecycleExhaustedError(AssertionError):
    """A scripted client was called after its last step (see :func:`lifecycle`)."""


class _StepGuard:
    """Counts the scripted operation's calls; repeats the last step or says the steps ran out."""

    def __init__(self, stubber: Stubber, operation: str, steps: int, *, repeat_last: bool) -> None:
        self.stubber = stubber
        self.operation = operation
        self.steps = steps
        self.repeat_last = repeat_last
        self.calls = 0

    def __call__(self, **_: Any) -> None:
        self.calls += 1
        # botocore's Stubber keeps its answers in a queue; it is the only way to repeat one.
        queue: Any = getattr(self.stubber, "_queue")  # noqa: B009 -- private, on purpose
        if len(queue) == 1 and self.repeat_last and self.steps:
            queue.append(copy.deepcopy(queue[0]))
        elif not queue:
            msg = (
                f"jobkit.testing.lifecycle: {self.operation} was called a {_ordinal(self.calls)} "
                f"time but only {self.steps} steps were scripted; add steps, or pass repeat_last=True."
            )
            raise LifecycleExhaustedError(msg)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")  # noqa: PLR2004
    return f"{n}{suffix}"


def _has(service: str, operation: str) -> bool:
    try:
        return bool(scenarios(service, operation))
    except FileNotFoundError:
        return False


_EXECUTION_COUNTS = {
    "QUEUED": "numberOfQueuedThings",
    "IN_PROGRESS": "numberOfInProgressThings",
    "SUCCEEDED": "numberOfSucceededThings",
    "FAILED": "numberOfFailedThings",
    "REJECTED": "numberOfRejectedThings",
    "TIMED_OUT": "numberOfTimedOutThings",
    "CANCELED": "numberOfCanceledThings",
    "REMOVED": "numberOfRemovedThings",
}
_FINISHED = frozenset({"SUCCEEDED", "FAILED", "REJECTED", "TIMED_OUT", "CANCELED", "REMOVED"})


class MotoIoT:
    """moto's IoT on a real HTTP port of 127.0.0.1, plus the devices' side of job executions.

    Use it as a context manager; ``endpoint_url`` and :meth:`client` reach the server.
    Requires ``moto[server]`` (a test dependency, never a runtime one).
    """

    account_id = "123456789012"

    def __init__(self, region_name: str = "us-east-1") -> None:
        from moto.server import ThreadedMotoServer  # noqa: PLC0415 -- optional dependency

        self.region_name = region_name
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._lock = threading.Lock()
        self._failed_attempts: dict[str, int] = {}
        self.endpoint_url: str = ""

    def __enter__(self) -> Self:
        # moto's server logs every request through werkzeug; that is noise around a demo or test.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        return self

    def __exit__(self, *_: object) -> None:
        self._server.stop()

    def client(self) -> Any:
        """Return a boto3 IoT client for this server (dummy credentials)."""
        import boto3  # noqa: PLC0415

        factory: Any = boto3.session.Session()
        return factory.client(
            "iot",
            region_name=self.region_name,
            endpoint_url=self.endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 -- moto's dummy credentials
        )

    def create_job(
        self,
        job_id: str,
        things: Sequence[str],
        *,
        target_selection: str = "SNAPSHOT",
        retries: int | None = None,
    ) -> None:
        """Create the things (if new) and a job that targets them; executions start QUEUED.

        ``retries`` gives the job a ``jobExecutionsRetryConfig`` retrying FAILED executions
        that many times (play a retried failure with :meth:`retry`).
        """
        client = self.client()
        arns: list[str] = []
        for name in things:
            with contextlib.suppress(Exception):
                client.create_thing(thingName=name)
            arns.append(client.describe_thing(thingName=name)["thingArn"])
        extra: dict[str, Any] = {}
        if retries is not None:
            extra["jobExecutionsRetryConfig"] = {
                "criteriaList": [{"failureType": "FAILED", "numberOfRetries": retries}]
            }
        client.create_job(
            jobId=job_id,
            targets=arns,
            document=json.dumps({"operation": "firmware-update", "version": "2.4.1"}),
            targetSelection=target_selection,
            **extra,
        )
        with self._lock:
            backend = self._backend()
            for (job, _), execution in backend.job_executions.items():
                if job == job_id:
                    _with_retry_attempt(execution)
        self._settle(job_id)

    def retry(self, job_id: str, thing: str, **details: str) -> None:
        """Play an attempt that FAILED and that IoT retries, as AWS does and moto cannot.

        The failure stays counted in the job's ``numberOfFailedThings`` (AWS counts failed
        *executions*, boto/boto3#4656); the execution keeps its number, its ``retryAttempt``
        goes up and it is QUEUED again.
        """
        with self._lock:
            backend = self._backend()
            execution = _with_retry_attempt(backend.job_executions[job_id, thing])
            execution.retry_attempt += 1
            execution.status = "QUEUED"
            execution.status_details_map = dict(details)
            execution.last_updated_at = datetime.now(UTC)
            execution.version_number += 1
            self._failed_attempts[job_id] = self._failed_attempts.get(job_id, 0) + 1
        self._settle(job_id)

    def report(self, job_id: str, thing: str, status: str, **details: str) -> None:
        """Play the device: set its execution's status (and status details), update the job."""
        with self._lock:
            backend = self._backend()
            execution = backend.job_executions[job_id, thing]
            execution.status = status
            execution.status_details_map = dict(details)
            execution.last_updated_at = datetime.now(UTC)
            execution.version_number += 1
        self._settle(job_id)

    def script(self, job_id: str, steps: Sequence[Mapping[str, str]]) -> None:
        """Advance the devices one ``{thing: status}`` step per describe of ``job_id``.

        Each describe of the job or of one of its executions first reports the next step,
        so a lifecycle is deterministic without real time passing between polls.
        """
        pending = [dict(step) for step in steps]
        backend = self._backend()

        def advancing(original: Any) -> Any:
            def call(*args: Any, **kwargs: Any) -> Any:
                asked = kwargs.get("job_id", args[0] if args else None)
                if asked == job_id and pending:
                    for thing, status in pending.pop(0).items():
                        self.report(job_id, thing, status)
                return original(*args, **kwargs)

            return call

        # Instance attributes shadow the backend's methods for this server only.
        backend.describe_job = advancing(backend.describe_job)
        backend.describe_job_execution = advancing(backend.describe_job_execution)

    def _backend(self) -> Any:
        from moto.iot.models import iot_backends  # noqa: PLC0415

        return iot_backends[self.account_id][self.region_name]

    def _settle(self, job_id: str) -> None:
        with self._lock:
            backend = self._backend()
            job = backend.jobs[job_id]
            counts = dict.fromkeys(_EXECUTION_COUNTS.values(), 0)
            statuses = [e.status for (j, _), e in backend.job_executions.items() if j == job_id]
            for status in statuses:
                counts[_EXECUTION_COUNTS[status]] += 1
            counts["numberOfFailedThings"] += self._failed_attempts.get(job_id, 0)
            job.job_process_details = {"processingTargets": job.targets, **counts}
            if job.status in ("CANCELED", "DELETION_IN_PROGRESS"):
                return
            if job.target_selection == "SNAPSHOT" and statuses and set(statuses) <= _FINISHED:
                job.status = "COMPLETED"
                job.completed_at = datetime.now(UTC)
                job.job_process_details["processingTargets"] = []
            elif any(s != "QUEUED" for s in statuses):
                job.status = "IN_PROGRESS"
            job.last_updated_at = datetime.now(UTC)


def _with_retry_attempt(execution: Any) -> Any:
    """Give a moto execution a retry attempt, listed by ListJobExecutionsForJob as AWS lists it."""
    if not hasattr(execution, "retry_attempt"):
        execution.retry_attempt = 0
        listed = execution.to_dict

        def to_dict() -> dict[str, Any]:
            raw: dict[str, Any] = listed()
            raw["jobExecutionSummary"]["retryAttempt"] = execution.retry_attempt
            return raw

        execution.to_dict = to_dict
    return execution
