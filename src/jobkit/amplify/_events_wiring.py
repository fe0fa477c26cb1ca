"""Amplify's wiring: an EventBridge rule on the default bus sends deployment events to the queue.

Steps after the queue (each read first, changed only where it differs): the rule ``jobkit-amplify``
(``jobkit-amplify-APPID`` with ``--app-id``) with :data:`~jobkit.amplify._events.EVENT_PATTERN`,
enabled; its SQS target; and the queue policy statement that lets ``events.amazonaws.com`` send
from that rule only (``aws:SourceArn``). Other targets and policy statements are kept.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, cast

from jobkit._engine._validation import fail, shown
from jobkit._events._wiring import (
    Call,
    Context,
    Finding,
    Option,
    Step,
    Wiring,
    queue_policy_step,
    same_json,
)
from jobkit.amplify._events import EVENT_PATTERN, recognise

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["RULE", "WIRING", "rule_name", "target_id"]

RULE = "jobkit-amplify"
_APP_ID = re.compile(r"d[a-z0-9]{1,19}")
_MISSING = ("ResourceNotFoundException",)
_MAX_TARGET_ID = 64


def _app_id(text: str) -> str:
    if not _APP_ID.fullmatch(text):
        msg = (
            f"--app-id {shown(text)} is not an Amplify app id; it looks like 'd1a2b3c4d5e6f7' "
            "(2-20 lowercase letters and digits, starting with 'd')."
        )
        raise fail(msg)
    return text


def rule_name(app_id: str | None) -> str:
    """The rule's name: one rule per app filter, so setups for different apps never clash."""
    return RULE if app_id is None else f"{RULE}-{app_id}"


def target_id(queue: str) -> str:
    """The rule target's id for a queue: one target per queue, so queues share a rule."""
    return f"jobkit-{queue}"[:_MAX_TARGET_ID]


def _pattern(app_id: str | None) -> dict[str, Any]:
    if app_id is None:
        return dict(EVENT_PATTERN)
    return {**EVENT_PATTERN, "detail": {"appId": [app_id]}}


def _steps(_queue: str, options: Mapping[str, str | None]) -> tuple[Step, ...]:
    app_id = options.get("app_id")
    rule = rule_name(app_id)
    pattern = _pattern(app_id)
    put_rule = Call(
        "events",
        "PutRule",
        {
            "Name": rule,
            "EventPattern": json.dumps(pattern),
            "State": "ENABLED",
            "Description": "jobkit: Amplify deployment events to SQS (jobkit events setup amplify)",
        },
    )

    def check_rule(ctx: Context) -> Finding:
        found = ctx.read("events", "DescribeRule", {"Name": rule}, missing=_MISSING)
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
        found = ctx.read("events", "ListTargetsByRule", {"Rule": rule}, missing=_MISSING)
        targets = cast("list[dict[str, Any]]", (found or {}).get("Targets") or [])
        if any(t.get("Arn") == arn for t in targets):
            return Finding(f"sends to {ctx.queue}")
        put = Call(
            "events",
            "PutTargets",
            {"Rule": rule, "Targets": [{"Id": target_id(ctx.queue), "Arn": arn}]},
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


WIRING = Wiring(
    service="amplify",
    label="Amplify deployment events",
    steps=_steps,
    recognise=recognise,
    options=(
        Option(
            "--app-id",
            "APP_ID",
            "send only this app's events (a rule of its own: jobkit-amplify-APP_ID); "
            "run setup once per app to watch several",
            _app_id,
        ),
    ),
    notes=("Amplify publishes these events best effort; a lost one only makes the wait slower.",),
)
