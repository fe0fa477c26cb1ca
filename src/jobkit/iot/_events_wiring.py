"""IoT's wiring: job events enabled, one topic rule per reserved topic filter, a role to send.

Steps after the queue (each read first, changed only where it differs): the account's event
configurations ``JOB`` and ``JOB_EXECUTION`` (off by default, billed as messages); the IAM role
IoT assumes (``jobkit-iot-events``, trusting ``iot.amazonaws.com`` for this account only, with an
inline policy allowing ``sqs:SendMessage`` on the queue), or the role ``--role-arn`` names
(checked to exist, left as it is); and the topic rules ``jobkit_jobs`` and
``jobkit_job_executions`` (IoT SQL has one ``FROM`` per rule), each with an ``sqs`` action for the
queue. A rule's other actions are kept, so several queues can share the rules.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, cast

from jobkit._engine._validation import fail, shown
from jobkit._events._wiring import Call, Context, Finding, Option, Step, Wiring, same_json
from jobkit.errors import InvalidArgumentError, JobkitError
from jobkit.iot._events import TOPICS, recognise

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["ROLE", "RULES", "WIRING"]

ROLE = "jobkit-iot-events"
RULES: dict[str, str] = {"jobkit_jobs": TOPICS[0], "jobkit_job_executions": TOPICS[1]}
"""Each topic rule's name and the reserved topic filter it selects from."""
_SQL_VERSION = "2016-03-23"
_EVENTS = ("JOB", "JOB_EXECUTION")
_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/(?:[\w+=,.@-]+/)*([\w+=,.@-]{1,64})")
_NO_ROLE = ("NoSuchEntity", "NoSuchEntityException")
_MAX_PAGES = 100


def _role_arn(text: str) -> str:
    if not _ROLE_ARN.fullmatch(text):
        msg = (
            f"--role-arn {shown(text)} is not an IAM role ARN; pass one such as "
            "arn:aws:iam::123456789012:role/my-iot-to-sqs."
        )
        raise fail(msg)
    return text


def _policy_name(queue: str) -> str:
    return f"jobkit-send-to-{queue}"


def _trust(ctx: Context) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "iot.amazonaws.com"},
                "Action": "sts:AssumeRole",
                # The confused-deputy guard: only this account's rules may assume it.
                "Condition": {"StringEquals": {"aws:SourceAccount": ctx.account}},
            }
        ],
    }


def _send(ctx: Context) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": ctx.facts["queue_arn"]}
        ],
    }


def _check_events(ctx: Context) -> Finding:
    found = ctx.read("iot", "DescribeEventConfigurations", {}) or {}
    configured = cast("dict[str, Any]", found.get("eventConfigurations") or {})
    off = [
        name
        for name in _EVENTS
        if not cast("dict[str, Any]", configured.get(name) or {}).get("Enabled")
    ]
    if not off:
        return Finding("JOB and JOB_EXECUTION enabled")
    enable = Call(
        "iot",
        "UpdateEventConfigurations",
        {"eventConfigurations": {name: {"Enabled": True} for name in _EVENTS}},
    )
    return Finding(f"{' and '.join(off)} off", (enable,), result="enabled")


def _given_role(arn: str) -> Step:
    name = cast("re.Match[str]", _ROLE_ARN.fullmatch(arn)).group(1)

    def check(ctx: Context) -> Finding:
        ctx.facts["role_arn"] = arn
        if ctx.read("iam", "GetRole", {"RoleName": name}, missing=_NO_ROLE) is None:
            msg = f"--role-arn {shown(arn)} names no role in this account; pass an existing role's ARN, or leave --role-arn out to create {ROLE}."
            raise InvalidArgumentError(msg, code="InvalidArgument")
        return Finding("exists (given by --role-arn; its permissions are not checked)")

    return Step(f"IAM role {name}", check)


def _own_role(queue: str) -> tuple[Step, ...]:
    denied = f"pass --role-arn ARN, an existing role iot.amazonaws.com may assume to send to the queue, instead of creating {ROLE}."

    def check_role(ctx: Context) -> Finding:
        found = ctx.read("iam", "GetRole", {"RoleName": ROLE}, missing=_NO_ROLE)
        role = cast("dict[str, Any]", (found or {}).get("Role") or {})
        ctx.facts["role_arn"] = role.get("Arn") or ctx.arn("iam", f"role/{ROLE}", regional=False)
        trust = json.dumps(_trust(ctx))
        if found is None:
            create = Call(
                "iam",
                "CreateRole",
                {
                    "RoleName": ROLE,
                    "AssumeRolePolicyDocument": trust,
                    "Description": "jobkit: lets IoT topic rules send job events to SQS",
                },
                denied=denied,
            )
            return Finding("missing", (create,), result="created")
        if same_json(role.get("AssumeRolePolicyDocument"), trust):
            return Finding("exists, trusted by iot.amazonaws.com")
        update = Call(
            "iam",
            "UpdateAssumeRolePolicy",
            {"RoleName": ROLE, "PolicyDocument": trust},
            denied=denied,
        )
        return Finding("its trust policy differs", (update,), result="updated")

    def learn_role(ctx: Context, call: Call, response: Mapping[str, Any]) -> None:
        if call.operation == "CreateRole":
            ctx.facts["role_arn"] = cast("dict[str, Any]", response["Role"])["Arn"]

    def check_policy(ctx: Context) -> Finding:
        name = _policy_name(ctx.queue)
        found = ctx.read(
            "iam", "GetRolePolicy", {"RoleName": ROLE, "PolicyName": name}, missing=_NO_ROLE
        )
        wanted = json.dumps(_send(ctx))
        if found is not None and same_json(found.get("PolicyDocument"), wanted):
            return Finding(f"allows sqs:SendMessage on {ctx.queue}")
        put = Call(
            "iam",
            "PutRolePolicy",
            {"RoleName": ROLE, "PolicyName": name, "PolicyDocument": wanted},
            denied=denied,
        )
        return Finding(
            "missing" if found is None else "differs",
            (put,),
            result="created" if found is None else "updated",
        )

    return (
        Step(f"IAM role {ROLE}", check_role, learn_role),
        Step(f"inline policy {_policy_name(queue)} of role {ROLE}", check_policy),
    )


def _listed(ctx: Context, rule: str) -> bool:
    """Whether ListTopicRules lists ``rule`` (bounded paging)."""
    params: dict[str, Any] = {"maxResults": 250}
    for _page in range(_MAX_PAGES):
        page = ctx.read("iot", "ListTopicRules", params) or {}
        rules = cast("list[dict[str, Any]]", page.get("rules") or [])
        if any(r.get("ruleName") == rule for r in rules):
            return True
        token = page.get("nextToken")
        if not token or token == params.get("nextToken"):
            return False
        params = {**params, "nextToken": token}
    return False


def _topic_rule(rule: str, topic: str) -> Step:
    sql = f"SELECT * FROM '{topic}'"  # noqa: S608 -- IoT SQL, from jobkit's own topic filters

    def check(ctx: Context) -> Finding:
        # GetTopicRule answers UnauthorizedException ("Access to topic rule ... was denied") for
        # a rule that does not exist; ListTopicRules tells the two apart.
        ours = {
            "sqs": {
                "queueUrl": ctx.facts["queue_url"],
                "roleArn": ctx.facts["role_arn"],
                "useBase64": False,
            }
        }
        try:
            found = ctx.read(
                "iot", "GetTopicRule", {"ruleName": rule}, missing=("ResourceNotFoundException",)
            )
        except JobkitError as exc:
            if exc.code != "UnauthorizedException" or _listed(ctx, rule):
                raise
            found = None
        if found is None:
            payload = {
                "sql": sql,
                "description": f"jobkit: {topic} to SQS (jobkit events setup iot)",
                "actions": [ours],
                "ruleDisabled": False,
                "awsIotSqlVersion": _SQL_VERSION,
            }
            create = Call(
                "iot",
                "CreateTopicRule",
                {"ruleName": rule, "topicRulePayload": payload},
                settle="assume role",
            )
            return Finding("missing", (create,), result="created")
        current = cast("dict[str, Any]", found.get("rule") or {})
        actions = cast("list[dict[str, Any]]", current.get("actions") or [])
        url = ctx.facts["queue_url"]
        has = any(same_json(a, ours) for a in actions)
        problems = [
            what
            for what, bad in (
                ("its SQL differs", current.get("sql") != sql),
                ("it is disabled", bool(current.get("ruleDisabled"))),
                (f"no sqs action sends to {ctx.queue} as {ctx.facts['role_arn']}", not has),
            )
            if bad
        ]
        if not problems:
            return Finding(f"exists, enabled, sends to {ctx.queue}")
        others = [
            a for a in actions if cast("dict[str, Any]", a.get("sqs") or {}).get("queueUrl") != url
        ]
        payload = {
            "sql": sql,
            "description": current.get("description") or f"jobkit: {topic} to SQS",
            "actions": [*others, ours],
            "ruleDisabled": False,
            "awsIotSqlVersion": current.get("awsIotSqlVersion") or _SQL_VERSION,
        }
        if current.get("errorAction"):
            payload["errorAction"] = current["errorAction"]
        replace = Call(
            "iot",
            "ReplaceTopicRule",
            {"ruleName": rule, "topicRulePayload": payload},
            settle="assume role",
        )
        return Finding(", ".join(problems), (replace,), result="updated")

    return Step(f"topic rule {rule} ({topic})", check)


def _steps(queue: str, options: Mapping[str, str | None]) -> tuple[Step, ...]:
    given = options.get("role_arn")
    role = (_given_role(given),) if given else _own_role(queue)
    rules = tuple(_topic_rule(rule, topic) for rule, topic in RULES.items())
    return (Step("event configurations", _check_events), *role, *rules)


WIRING = Wiring(
    service="iot",
    label="IoT job and job-execution events",
    steps=_steps,
    recognise=recognise,
    options=(
        Option(
            "--role-arn",
            "ARN",
            f"the role the topic rules' sqs action assumes (default: create or reuse {ROLE}, "
            "which needs iam:CreateRole and iam:PutRolePolicy)",
            _role_arn,
        ),
    ),
    notes=(
        "Job events are billed as IoT messages; enabling them applies to the whole account and region.",
    ),
)
