"""CodeBuild's wiring: an EventBridge rule on the default bus sends build state changes to the queue.

The rule ``jobkit-codebuild`` (``jobkit-codebuild-PROJECT`` with ``--project``) with
:data:`~jobkit.codebuild._events.EVENT_PATTERN`, its SQS target and the queue policy statement:
:func:`~jobkit._events._wiring.eventbridge_rule_wiring` makes the steps.
"""

from __future__ import annotations

from jobkit._events._wiring import Narrowing, Option, eventbridge_rule_wiring
from jobkit.codebuild._events import EVENT_PATTERN, recognise
from jobkit.codebuild._ids import project_name

__all__ = ["RULE", "WIRING"]

RULE = "jobkit-codebuild"


def _project(text: str) -> str:
    # A project ARN is reduced to the name: the events' detail names the project, not its ARN.
    return project_name(text, "--project")


WIRING = eventbridge_rule_wiring(
    service="codebuild",
    label="CodeBuild build state changes",
    rule=RULE,
    pattern=EVENT_PATTERN,
    recognise=recognise,
    narrowing=Narrowing(
        Option(
            "--project",
            "NAME",
            "send only this project's builds (a rule of its own: jobkit-codebuild-NAME); "
            "run setup once per project to watch several",
            _project,
        ),
        "project-name",
    ),
    notes=("CodeBuild sends these events to the default bus without being asked to.",),
)
