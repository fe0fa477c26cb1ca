"""Amplify's wiring: an EventBridge rule on the default bus sends deployment events to the queue.

The rule ``jobkit-amplify`` (``jobkit-amplify-APPID`` with ``--app-id``) with
:data:`~jobkit.amplify._events.EVENT_PATTERN`, its SQS target and the queue policy statement:
:func:`~jobkit._events._wiring.eventbridge_rule_wiring` makes the steps.
"""

from __future__ import annotations

import re

from jobkit._engine._validation import fail, shown
from jobkit._events._wiring import Narrowing, Option, eventbridge_rule_wiring
from jobkit.amplify._events import EVENT_PATTERN, recognise

__all__ = ["RULE", "WIRING"]

RULE = "jobkit-amplify"
_APP_ID = re.compile(r"d[a-z0-9]{1,19}")


def _app_id(text: str) -> str:
    if not _APP_ID.fullmatch(text):
        msg = (
            f"--app-id {shown(text)} is not an Amplify app id; it looks like 'd1a2b3c4d5e6f7' "
            "(2-20 lowercase letters and digits, starting with 'd')."
        )
        raise fail(msg)
    return text


WIRING = eventbridge_rule_wiring(
    service="amplify",
    label="Amplify deployment events",
    rule=RULE,
    pattern=EVENT_PATTERN,
    recognise=recognise,
    narrowing=Narrowing(
        Option(
            "--app-id",
            "APP_ID",
            "send only this app's events (a rule of its own: jobkit-amplify-APP_ID); "
            "run setup once per app to watch several",
            _app_id,
        ),
        "appId",
    ),
    notes=("Amplify publishes these events best effort; a lost one only makes the wait slower.",),
)
