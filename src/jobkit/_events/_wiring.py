r"""Wiring a queue to AWS's events: steps as data, shared by the dry run, setup and check.

A service's wiring (``jobkit.<service>._events_wiring``, listed by ``jobkit._services``) is a
:class:`Wiring`: the flags it adds and a list of :class:`Step`\ s. Each step reads what exists
(its ``check``, read calls only) and answers a :class:`Finding`: done, or the :class:`Call`\ s
that would make it so. The dry run prints those calls and their AWS CLI form, setup makes them
(then the next step reads), and check reports the findings: the three cannot disagree on what
"wired" means, and running setup twice changes nothing the second time.

:func:`eventbridge_rule_wiring` is the whole wiring of a service that sends its events to
EventBridge's default bus (a rule, its SQS target, the queue policy): such a service declares
only its rule's name, pattern, label and narrowing flag.

Names no service of jobkit's: SQS (the queue every wiring starts with) is not one. The command
(``jobkit._cli._events_setup``) prints; nothing here does.
"""

from __future__ import annotations

import contextlib
import json
import re
import shlex
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, cast

from attrs import field, frozen

from jobkit._engine._validation import fail, shown
from jobkit._events._protocol import Recogniser
from jobkit.errors import AccessDeniedError, InvalidArgumentError, JobkitError, ServiceError

__all__ = [
    "QUEUE_ATTRIBUTES",
    "Call",
    "Context",
    "Finding",
    "Narrowing",
    "Option",
    "Step",
    "Wiring",
    "cli_command",
    "eventbridge_rule_wiring",
    "queue_name",
    "queue_policy_step",
    "queue_step",
    "rule_target_id",
    "same_json",
]

QUEUE_ATTRIBUTES: Final = {
    "MessageRetentionPeriod": "3600",
    "VisibilityTimeout": "30",
    "ReceiveMessageWaitTimeSeconds": "20",
}
"""A new queue's attributes: events older than an hour are worth nothing (every wait has read its
target since, at the fallback schedule's longest delay); 30 s is the event source's visibility."""

_QUEUE_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}")
_QUEUE_URL = re.compile(r"https?://[^/\s]+/(\d{12})/([^/\s]+)/?")
_QUEUE_MISSING = frozenset({"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"})
_SETTLE_DELAYS = (1.0, 2.0, 4.0, 8.0, 8.0)  # seconds; IAM's changes reach other services in ~10 s
_WORD = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _kebab(name: str) -> str:
    """``QueueName`` -> ``queue-name``, ``topicRulePayload`` -> ``topic-rule-payload``."""
    return _WORD.sub("-", name).lower()


@frozen
class Call:
    """One AWS call a step makes: boto3's client name, the API operation and its parameters.

    ``denied`` is what to do instead when AWS denies the call (in the command's words);
    ``settle`` is a phrase of an error AWS answers while a change made moments ago has not
    reached it yet (IoT cannot assume a role IAM created seconds before): the call is retried
    for up to ~25 s while the error says so.
    """

    service: str
    operation: str
    params: Mapping[str, Any]
    denied: str | None = None
    settle: str | None = None

    @property
    def method(self) -> str:
        """The boto3 method: ``create_queue``."""
        return _kebab(self.operation).replace("-", "_")

    def shown(self) -> str:
        """``sqs CreateQueue {"QueueName": ...}``: the call as the API names it."""
        return f"{self.service} {self.operation} {json.dumps(self.params, sort_keys=True)}"


def cli_command(call: Call, *, region: str, profile: str | None, endpoint_url: str | None) -> str:
    """The AWS CLI command that makes ``call`` (maps and lists as JSON, every value quoted)."""
    words = ["aws", call.service, _kebab(call.operation)]
    for name, value in call.params.items():
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        words += [f"--{_kebab(name)}", shlex.quote(text)]
    if call.service != "iam":  # IAM is global
        words += ["--region", shlex.quote(region)]
    if profile is not None:
        words += ["--profile", shlex.quote(profile)]
    if endpoint_url is not None:
        words += ["--endpoint-url", shlex.quote(endpoint_url)]
    return " ".join(words)


@frozen
class Finding:
    """What one step found: ``state`` in a few words, and the calls that would finish it.

    No calls means the step is done. ``result`` is what the step says once its calls are made
    (``created``, ``updated``, ``enabled``); ``details`` are facts worth showing (check).
    """

    state: str
    calls: tuple[Call, ...] = ()
    result: str = "updated"
    details: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        """Whether nothing is left to do."""
        return not self.calls


@frozen
class Step:
    """One named piece of the wiring: ``check`` reads, ``learn`` takes facts from a call's answer."""

    name: str
    check: Callable[[Context], Finding]
    learn: Callable[[Context, Call, Mapping[str, Any]], None] | None = None


@frozen
class Option:
    """A flag a service's wiring adds to ``setup`` and ``check`` (``--app-id``).

    ``check`` turns the flag's text into its value, or raises ``InvalidArgumentError`` in the
    flag's words; it runs before any call.
    """

    flag: str
    metavar: str
    help: str
    check: Callable[[str], str]

    @property
    def dest(self) -> str:
        """The argparse destination: ``--app-id`` -> ``app_id``."""
        return self.flag.removeprefix("--").replace("-", "_")


@frozen
class Wiring:
    """One service's wiring: what it sends, its flags, its steps and its recogniser."""

    service: str
    label: str
    """What reaches the queue, for messages: ``Amplify deployment events``."""
    steps: Callable[[str, Mapping[str, str | None]], tuple[Step, ...]]
    """The steps after the queue's (:func:`queue_step`), given the queue's name and the options."""
    recognise: Recogniser
    options: tuple[Option, ...] = ()
    notes: tuple[str, ...] = field(default=())
    """Lines the command's help adds (what setup needs, what it cannot do)."""


def queue_name(text: str) -> tuple[str, str | None]:
    """``--queue`` as a name, or a queue URL -> ``(name, url)``; refused in the flag's words."""
    url: str | None = None
    name = text
    match = _QUEUE_URL.fullmatch(text)
    if match is not None:
        url, name = text.rstrip("/"), match.group(2)
    if name.endswith(".fifo"):
        msg = (
            f"--queue {shown(text)} is a FIFO queue, which holds back a message group while one "
            "consumer holds a message meant for another; pass a standard queue's name."
        )
        raise fail(msg)
    if not _QUEUE_NAME.fullmatch(name):
        msg = (
            f"--queue {shown(text)} is not a queue name or URL; pass 1-80 letters, digits, '-' "
            "or '_' (e.g. jobkit-events), or https://sqs.REGION.amazonaws.com/ACCOUNT/NAME."
        )
        raise fail(msg)
    return name, url


def same_json(a: object, b: object) -> bool:
    """Whether two JSON values (or JSON texts) are equal, whatever their key order."""

    def load(value: object) -> object:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    return json.dumps(load(a), sort_keys=True) == json.dumps(load(b), sort_keys=True)


class Context:
    """What the steps share: the clients, the account's facts, the queue, and facts learnt.

    ``facts`` holds what earlier steps found or predicted (``queue_url``, ``queue_arn``,
    ``policy``, ...): a dry run predicts what a missing resource's ARN and URL will be, so the
    later steps can show their exact calls.
    """

    def __init__(
        self,
        clients: Callable[[str], Any],
        *,
        region: str,
        partition: str,
        account: str,
        queue: str,
        options: Mapping[str, str | None],
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self._clients = clients
        self.region = region
        self.partition = partition
        self.account = account
        self.queue = queue
        self.options = options
        self.sleep = sleep
        self.facts: dict[str, Any] = {}

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        """An ARN in this account (and region, unless the service is global)."""
        region = self.region if regional else ""
        return f"arn:{self.partition}:{service}:{region}:{self.account}:{resource}"

    def read(
        self,
        service: str,
        operation: str,
        params: Mapping[str, Any],
        *,
        missing: Iterable[str] = (),
    ) -> dict[str, Any] | None:
        """Make a read call; ``None`` when AWS answers one of the ``missing`` error codes."""
        codes = frozenset(missing)
        try:
            return self._make(Call(service, operation, params))
        except _Answered as answered:
            if answered.code in codes:
                return None
            raise answered.error from answered.__cause__

    def call(self, call: Call) -> dict[str, Any]:
        """Make a call that changes something; retried while AWS says a change is settling."""
        delays = list(_SETTLE_DELAYS) if call.settle else []
        while True:
            try:
                response = self._make(call)
            except _Answered as answered:
                settling = call.settle is not None and call.settle in answered.message
                if settling and delays:
                    self.sleep(delays.pop(0))
                    continue
                error = answered.error
                if isinstance(error, AccessDeniedError) and call.denied:
                    error = AccessDeniedError(
                        f"{error.message.removesuffix('.')}; or {call.denied}",
                        code=error.code,
                        operation=error.operation,
                        request_id=error.request_id,
                    )
                raise error from answered.__cause__
            failed = response.get("FailedEntryCount") or 0
            if failed:  # PutTargets answers 200 and lists what it could not do
                entries = cast("list[dict[str, Any]]", response.get("FailedEntries") or [])
                why = "; ".join(
                    f"{e.get('ErrorCode')}: {e.get('ErrorMessage')}" for e in entries[:3]
                )
                msg = f"AWS refused {call.operation} for {failed} entr(y/ies) ({why}); see the AWS documentation for the code."
                raise ServiceError(msg, code="FailedEntries", operation=call.operation)
            return response

    def _make(self, call: Call) -> dict[str, Any]:
        client = self._clients(call.service)
        what = f"{call.service} {_described(call)}"
        try:
            response: dict[str, Any] = getattr(client, call.method)(**call.params)
        except Exception as exc:
            from jobkit._engine._aws_errors import translate  # noqa: PLC0415 -- botocore only on a call

            error = translate(exc, call.operation, what)
            if error is None:
                raise
            raise _Answered(error, _code(exc), str(exc)) from exc
        return response


def _described(call: Call) -> str:
    """The resource a call is about, for messages: its first name-like parameter."""
    for key in ("QueueName", "QueueUrl", "Name", "Rule", "RoleName", "ruleName"):
        value = call.params.get(key)
        if isinstance(value, str):
            return shown(value, 80)
    return call.operation


def _code(exc: BaseException) -> str:
    response: object = getattr(exc, "response", None)
    if isinstance(response, Mapping):
        error = cast("Mapping[str, Any]", response).get("Error")
        if isinstance(error, Mapping):
            return str(cast("Mapping[str, Any]", error).get("Code") or "")
    return type(exc).__name__


class _Answered(Exception):  # noqa: N818 -- internal: carries a translated error and its code
    def __init__(self, error: JobkitError, code: str, message: str) -> None:
        super().__init__(str(error))
        self.error = error
        self.code = code
        self.message = message


# -- the queue: every wiring's first step ---------------------------------------------------------


def _queue_check(ctx: Context) -> Finding:
    found = ctx.read("sqs", "GetQueueUrl", {"QueueName": ctx.queue}, missing=_QUEUE_MISSING)
    if found is None:
        ctx.facts["queue_url"] = f"https://sqs.{ctx.region}.amazonaws.com/{ctx.account}/{ctx.queue}"
        ctx.facts["queue_arn"] = ctx.arn("sqs", ctx.queue)
        ctx.facts["attributes"] = {}
        create = Call(
            "sqs", "CreateQueue", {"QueueName": ctx.queue, "Attributes": dict(QUEUE_ATTRIBUTES)}
        )
        return Finding("missing", (create,), result="created")
    url = str(found["QueueUrl"])
    ctx.facts["queue_url"] = url
    answer = ctx.read(
        "sqs",
        "GetQueueAttributes",
        {"QueueUrl": url, "AttributeNames": ["All"]},
        missing=_QUEUE_MISSING,
    )
    attributes = cast("dict[str, str]", (answer or {}).get("Attributes") or {})
    ctx.facts["attributes"] = attributes
    ctx.facts["queue_arn"] = attributes.get("QueueArn") or ctx.arn("sqs", ctx.queue)
    if attributes.get("FifoQueue") == "true":  # a name without .fifo cannot be FIFO; a net
        msg = f"--queue {shown(ctx.queue)} is a FIFO queue; pass a standard queue's name."
        raise InvalidArgumentError(msg, code="InvalidArgument")
    waiting = attributes.get("ApproximateNumberOfMessages", "?")
    flight = attributes.get("ApproximateNumberOfMessagesNotVisible", "?")
    retention = attributes.get("MessageRetentionPeriod", "?")
    visibility = attributes.get("VisibilityTimeout", "?")
    details = (
        f"url {url}",
        f"{waiting} message(s) waiting, {flight} in flight",
        f"retention {retention} s, visibility {visibility} s",
        "policy: " + ("present" if attributes.get("Policy") else "none"),
    )
    return Finding("exists", details=details)


def _queue_learn(ctx: Context, call: Call, response: Mapping[str, Any]) -> None:
    if call.operation == "CreateQueue":
        ctx.facts["queue_url"] = str(response["QueueUrl"])


def queue_step(name: str) -> Step:
    """The queue: created (standard, :data:`QUEUE_ATTRIBUTES`) unless it exists.

    An existing queue is left as it is (its attributes are its owner's); a FIFO one is refused.
    """
    return Step(f"queue {name}", _queue_check, _queue_learn)


def _sid(statement: object) -> object:
    """A policy statement's ``Sid`` (None for anything that is not a statement)."""
    if not isinstance(statement, Mapping):
        return None
    return cast("Mapping[str, object]", statement).get("Sid")


def queue_policy_step(name: str, statement: Callable[[Context], dict[str, Any]]) -> Step:
    """Make the queue's policy hold ``statement`` (matched by its ``Sid``); others are kept."""

    def check(ctx: Context) -> Finding:
        wanted = statement(ctx)
        text = cast("Mapping[str, str]", ctx.facts.get("attributes") or {}).get("Policy")
        policy: dict[str, Any] = {"Version": "2012-10-17", "Statement": []}
        if text:
            with contextlib.suppress(ValueError):
                loaded: object = json.loads(text)
                if isinstance(loaded, dict):
                    policy = cast("dict[str, Any]", loaded)
        listed: object = policy.get("Statement") or []
        statements = cast(
            "list[object]", [listed] if isinstance(listed, dict) else listed
        )  # one statement may stand alone
        kept = [s for s in statements if _sid(s) != wanted["Sid"]]
        present = len(kept) < len(statements)
        if present and any(same_json(s, wanted) for s in statements):
            return Finding(f"allows {wanted['Sid']}")
        merged = {**policy, "Statement": [*kept, wanted]}
        update = Call(
            "sqs",
            "SetQueueAttributes",
            {"QueueUrl": ctx.facts["queue_url"], "Attributes": {"Policy": json.dumps(merged)}},
        )
        return Finding("differs" if present else "missing", (update,), result="updated")

    return Step(name, check)


# -- an EventBridge rule on the default bus: the wiring of every service that sends events there --

_RULE_MISSING = ("ResourceNotFoundException",)
_MAX_RULE_NAME = 64
_MAX_TARGET_ID = 64


@frozen
class Narrowing:
    """A flag that narrows a rule to one resource: ``detail[detail_key]`` must equal its value.

    Each value gets a rule of its own, ``RULE-SUFFIX`` with ``suffix`` of the value (the value
    itself by default), so setups for different values never clash.
    """

    option: Option
    detail_key: str
    suffix: Callable[[str], str] = str


def rule_target_id(queue: str) -> str:
    """The rule target's id for a queue: one target per queue, so queues share a rule."""
    return f"jobkit-{queue}"[:_MAX_TARGET_ID]


def _narrowed_rule(rule: str, suffix: str) -> str:
    """``RULE-SUFFIX``, kept within EventBridge's 64 characters and its name's alphabet."""
    clean = re.sub(r"[^A-Za-z0-9._-]", "-", suffix)
    name = f"{rule}-{clean}"
    if len(name) <= _MAX_RULE_NAME and clean == suffix:
        return name
    import hashlib  # noqa: PLC0415 -- only for long or odd values

    digest = hashlib.sha256(suffix.encode()).hexdigest()[:8]
    return f"{name[: _MAX_RULE_NAME - 9]}-{digest}"


def eventbridge_rule_wiring(
    *,
    service: str,
    label: str,
    rule: str,
    pattern: Mapping[str, Any],
    recognise: Recogniser,
    narrowing: Narrowing | None = None,
    notes: tuple[str, ...] = (),
) -> Wiring:
    """A wiring that sends ``pattern``'s events from the default bus to the queue.

    Steps after the queue (each read first, changed only where it differs): the rule ``rule``
    (``rule-SUFFIX`` with the narrowing flag) with ``pattern``, enabled; its SQS target; and the
    queue policy statement that lets ``events.amazonaws.com`` send from that rule only
    (``aws:SourceArn``). Other targets and policy statements are kept.
    """

    def steps(_queue: str, options: Mapping[str, str | None]) -> tuple[Step, ...]:
        value = options.get(narrowing.option.dest) if narrowing is not None else None
        name, wanted = rule, dict(pattern)
        if narrowing is not None and value is not None:
            name = _narrowed_rule(rule, narrowing.suffix(value))
            wanted = {**wanted, "detail": {narrowing.detail_key: [value]}}
        return _rule_steps(service, label, name, wanted)

    return Wiring(
        service=service,
        label=label,
        steps=steps,
        recognise=recognise,
        options=() if narrowing is None else (narrowing.option,),
        notes=notes,
    )


def _rule_steps(
    service: str, label: str, rule: str, pattern: Mapping[str, Any]
) -> tuple[Step, ...]:
    put_rule = Call(
        "events",
        "PutRule",
        {
            "Name": rule,
            "EventPattern": json.dumps(pattern),
            "State": "ENABLED",
            "Description": f"jobkit: {label} to SQS (jobkit events setup {service})",
        },
    )

    def check_rule(ctx: Context) -> Finding:
        found = ctx.read("events", "DescribeRule", {"Name": rule}, missing=_RULE_MISSING)
        ctx.facts["rule_arn"] = (found or {}).get("Arn") or ctx.arn("events", f"rule/{rule}")
        if found is None:
            return Finding("missing", (put_rule,), result="created")
        problems = [
            what
            for what, bad in (
                ("its event pattern differs", not same_json(found.get("EventPattern"), pattern)),
                (f"it is {found.get('State')}", found.get("State") != "ENABLED"),
                (
                    "it is not on the default bus",
                    found.get("EventBusName") not in (None, "default"),
                ),
            )
            if bad
        ]
        if problems:
            return Finding(", ".join(problems), (put_rule,), result="updated")
        return Finding("exists, enabled")

    def learn_rule(ctx: Context, call: Call, response: Mapping[str, Any]) -> None:
        if call.operation == "PutRule" and response.get("RuleArn"):
            ctx.facts["rule_arn"] = response["RuleArn"]

    def check_target(ctx: Context) -> Finding:
        arn = ctx.facts["queue_arn"]
        found = ctx.read("events", "ListTargetsByRule", {"Rule": rule}, missing=_RULE_MISSING)
        targets = cast("list[dict[str, Any]]", (found or {}).get("Targets") or [])
        if any(t.get("Arn") == arn for t in targets):
            return Finding(f"sends to {ctx.queue}")
        put = Call(
            "events",
            "PutTargets",
            {"Rule": rule, "Targets": [{"Id": rule_target_id(ctx.queue), "Arn": arn}]},
        )
        return Finding("missing", (put,), result="created")

    def statement(ctx: Context) -> dict[str, Any]:
        return {
            "Sid": rule,
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": ctx.facts["queue_arn"],
            "Condition": {"ArnEquals": {"aws:SourceArn": ctx.facts["rule_arn"]}},
        }

    return (
        Step(f"EventBridge rule {rule}", check_rule, learn_rule),
        Step(f"target of rule {rule}", check_target),
        queue_policy_step(f"queue policy for rule {rule}", statement),
    )
