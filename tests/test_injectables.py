"""Every public constructor and function refuses a bad parameter with InvalidArgumentError.

Issue 17: ``WaitPolicy(clock=None)`` escaped as a raw ``TypeError`` from deep inside a wait.
Each row passes one bad value to one public entry point (injectables -- ``clock``, ``sleep``,
``random`` -- included) on a client with no stubbed answer, so any AWS call would fail the
row: the refusal must come first, be a ``ValueError``, and name the parameter.
"""

from __future__ import annotations

import asyncio
import inspect
import math
from typing import TYPE_CHECKING, Any

import pytest
from botocore.stub import Stubber

from helpers import make_client
from jobkit import (
    Amplify,
    DeviceFarm,
    IoT,
    RateLimit,
    RetryPolicy,
    WaitPolicy,
    aio,
    as_completed,
    wait_all,
)
from jobkit.errors import InvalidArgumentError
from jobkit.testing import FakeClock

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

JOB_ARN = "arn:aws:devicefarm:us-west-2:123456789012:job:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE/00000"
RUN_ARN = "arn:aws:devicefarm:us-west-2:123456789012:run:5e01a8c7-c861-4c0a-b1d5-5ec6e6c6dd23/0fcac17b-6122-44d7-ae5a-12345EXAMPLE"
NOT_CALLABLE = [None, 3, "time.monotonic"]


class Clients:
    """Clients with nothing stubbed: any request raises, so a refusal must come first."""

    def __init__(self) -> None:
        self.iot = make_client("iot", region_name="us-east-1")
        self.devicefarm = make_client("devicefarm")
        self.amplify = make_client("amplify")
        self.stubbers = [Stubber(c) for c in (self.iot, self.devicefarm, self.amplify)]


@pytest.fixture(scope="module")  # building clients is slow; none of them ever answers
def clients() -> Iterator[Clients]:
    made = Clients()
    for stubber in made.stubbers:
        stubber.activate()
    yield made
    for stubber in made.stubbers:
        stubber.assert_no_pending_responses()
        stubber.deactivate()


Row = tuple[str, "Callable[[Clients], object]"]
NO_CLOCK: Any = lambda: None  # noqa: E731 -- a clock that answers nothing
TEXT_CLOCK: Any = str  # a clock that answers ""


def _built(cls: Any, name: str, bad: object) -> Callable[[Clients], object]:
    return lambda _c: cls(**{name: bad})


def _grouped(group: Any, facade: Any, **kw: Any) -> Callable[[Clients], object]:
    return lambda c: group([facade(c.iot).job("j")], **kw)


def _alone(group: Any, targets: object) -> Callable[[Clients], object]:
    return lambda _c: group(targets)


def _injectables() -> list[Row]:
    rows: list[Row] = [
        (name, _built(WaitPolicy, name, bad))
        for name in ("clock", "sleep", "random")
        for bad in NOT_CALLABLE
    ]
    rows += [
        (name, _built(RetryPolicy, name, bad))
        for name in ("sleep", "random")
        for bad in NOT_CALLABLE
    ]
    rows.append(("random", lambda _c: FakeClock().policy(random=None)))  # type: ignore[arg-type]
    return rows


def _policies() -> list[Row]:
    return [
        ("timeout", lambda _c: WaitPolicy(timeout="600")),  # type: ignore[arg-type]
        ("timeout", lambda _c: WaitPolicy(timeout=None)),  # type: ignore[arg-type]
        ("min_delay", lambda _c: WaitPolicy(min_delay=0)),
        ("max_delay", lambda _c: WaitPolicy(max_delay=math.inf)),
        ("max_attempts", lambda _c: WaitPolicy(max_attempts=True)),
        ("not_found_grace", lambda _c: WaitPolicy(not_found_grace=-1)),
        ("use_progress", lambda _c: WaitPolicy(use_progress="yes")),  # type: ignore[arg-type]
        ("max_attempts", lambda _c: RetryPolicy(max_attempts=0)),
        ("min_delay", lambda _c: RetryPolicy(min_delay=math.nan)),
        ("max_delay", lambda _c: RetryPolicy(max_delay=None)),  # type: ignore[arg-type]
        ("per_second", lambda _c: RateLimit(per_second=None)),  # type: ignore[arg-type]
        ("burst", lambda _c: RateLimit(per_second=5, burst=1.5)),  # type: ignore[arg-type]
    ]


def _facades(kind: str) -> list[Row]:
    mod: Any = aio if kind == "aio" else None
    iot_cls: Any = aio.IoT if mod else IoT
    df_cls: Any = aio.DeviceFarm if mod else DeviceFarm
    amp_cls: Any = aio.Amplify if mod else Amplify
    return [
        ("retry", lambda c: iot_cls(c.iot, retry=WaitPolicy())),
        ("region_name", lambda _c: iot_cls(region_name=12)),
        ("endpoint_url", lambda _c: iot_cls(region_name="us-east-1", endpoint_url="ftp://x")),
        ("connect_timeout", lambda _c: iot_cls(region_name="us-east-1", connect_timeout="5")),
        ("read_timeout", lambda _c: iot_cls(region_name="us-east-1", read_timeout=-1)),
        ("policy", lambda c: iot_cls(c.iot).wait_for_job("j", policy=RetryPolicy())),
        ("on_update", lambda c: iot_cls(c.iot).wait_for_job("j", on_update="print")),
        ("check", lambda c: iot_cls(c.iot).wait_for_job("j", check="yes")),
        ("check", lambda c: iot_cls(c.iot).wait_for_job_execution("j", "t", check=1)),
        ("cancel_on_timeout", lambda c: iot_cls(c.iot).wait_for_job("j", cancel_on_timeout=1)),
        ("check", lambda c: df_cls(c.devicefarm).wait_for_job(JOB_ARN, check="no")),
        ("check", lambda c: df_cls(c.devicefarm).wait_for_run(RUN_ARN, check=0)),
        ("check", lambda c: amp_cls(c.amplify).wait_for_job("d1a2b3", "main", "1", check="y")),
        ("execution_number", lambda c: iot_cls(c.iot).describe_job_execution("j", "t", "1")),
        ("status", lambda c: iot_cls(c.iot).list_job_executions("j", status=3)),
        (
            "before_substitution",
            lambda c: iot_cls(c.iot).describe_job_response("j", before_substitution="no"),
        ),
        ("job_id", lambda c: iot_cls(c.iot).describe_job(None)),
        ("thing_name", lambda c: iot_cls(c.iot).job_execution("j", 7)),
        ("arn", lambda c: df_cls(c.devicefarm).failed_tests(3)),
        ("run_arn", lambda c: df_cls(c.devicefarm).list_jobs(JOB_ARN)),
        ("app_id", lambda c: amp_cls(c.amplify).latest_job(None, "main")),
        ("job_type", lambda c: amp_cls(c.amplify).start_job("d1a2b3", "main", job_type=3)),
    ]


def _groups(kind: str) -> list[Row]:
    fn: Any = {"sync": (as_completed, wait_all), "aio": (aio.as_completed, aio.wait_all)}[kind]
    facade: Any = aio.IoT if kind == "aio" else IoT
    rows: list[Row] = []
    for group in fn:
        rows += [
            ("targets", _alone(group, "not handles")),
            ("targets[0]", _alone(group, ["j"])),
            ("policy", _grouped(group, facade, policy=3)),
            ("rate", _grouped(group, facade, rate=5)),
            ("on_update", _grouped(group, facade, on_update=1)),
            ("max_workers", _grouped(group, facade, max_workers=0)),
            ("full_models", _grouped(group, facade, full_models="no")),
            ("clock", _grouped(group, facade, policy=WaitPolicy(clock=NO_CLOCK))),
        ]
    return rows


def _runtime(kind: str) -> list[Row]:
    """Injectables that are callable but answer nonsense: refused before the first request."""
    facade: Any = aio.IoT if kind == "aio" else IoT
    return [
        ("clock", lambda c: facade(c.iot).wait_for_job("j", policy=WaitPolicy(clock=NO_CLOCK))),
        ("clock", lambda c: facade(c.iot).wait_for_job("j", policy=WaitPolicy(clock=TEXT_CLOCK))),
    ]


ROWS = [
    *(("policy", r) for r in _injectables()),
    *(("policy", r) for r in _policies()),
    *(("sync", r) for r in (*_facades("sync"), *_groups("sync"), *_runtime("sync"))),
    *(("aio", r) for r in (*_facades("aio"), *_groups("aio"), *_runtime("aio"))),
]


def _run(made: object) -> object:
    """Await what an async entry point returned (a coroutine, or an async iterator)."""
    if inspect.iscoroutine(made):
        return asyncio.run(made)
    if inspect.isasyncgen(made):

        async def drain() -> None:
            async for _ in made:
                pass

        return asyncio.run(drain())
    if inspect.isgenerator(made):  # sync as_completed: the group starts on the first next()
        return list(made)
    return made


@pytest.mark.parametrize(
    ("kind", "row"), ROWS, ids=[f"{k}-{i}-{r[0]}" for i, (k, r) in enumerate(ROWS)]
)
def test_a_bad_parameter_is_refused_naming_it_before_any_call(
    kind: str, row: Row, clients: Clients
) -> None:
    name, call = row
    with pytest.raises(InvalidArgumentError) as info:
        _run(call(clients))
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert name.split("[")[0] in message, message
    assert any(w in message for w in ("pass", "must be", "make")), message  # what to pass
    assert len(message) < 300
    assert kind in {"policy", "sync", "aio"}


@pytest.mark.parametrize("owner", [WaitPolicy, RetryPolicy])
def test_a_random_source_answering_nonsense_is_refused_by_name(owner: type) -> None:
    policy: Any = owner(random=lambda: "half")
    use: Callable[[], object] = (
        (lambda: policy.delay(2)) if owner is WaitPolicy else (lambda: policy.call(_fails_once))
    )
    with pytest.raises(InvalidArgumentError, match="random returned 'half'"):
        use()


def _fails_once() -> None:
    from jobkit.errors import ServiceError  # noqa: PLC0415

    raise ServiceError("503", code="ServiceUnavailable", retryable=True)


def test_every_injectable_of_the_policies_is_in_the_table() -> None:
    import attrs  # noqa: PLC0415

    injectable = {
        (cls.__name__, a.name)
        for cls in (WaitPolicy, RetryPolicy)
        for a in attrs.fields(cls)
        if a.name in {"clock", "sleep", "random"} or "Callable" in str(a.type)
    }
    assert injectable == {
        ("WaitPolicy", "clock"),
        ("WaitPolicy", "sleep"),
        ("WaitPolicy", "random"),
        ("RetryPolicy", "sleep"),
        ("RetryPolicy", "random"),
    }
