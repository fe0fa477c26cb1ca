"""AWS Batch's wiring: an EventBridge rule on the default bus sends job state changes to the queue.

The rule ``jobkit-batch`` (``jobkit-batch-QUEUENAME`` with ``--job-queue``) with
:data:`~jobkit.batch._events.EVENT_PATTERN`, its SQS target and the queue policy statement:
:func:`~jobkit._events._wiring.eventbridge_rule_wiring` makes the steps.
"""

from __future__ import annotations

from jobkit._engine._validation import fail, shown
from jobkit._events._wiring import Narrowing, Option, eventbridge_rule_wiring
from jobkit.batch._events import EVENT_PATTERN, recognise
from jobkit.batch._ids import job_queue

__all__ = ["RULE", "WIRING"]

RULE = "jobkit-batch"


def _job_queue(text: str) -> str:
    # The events' detail.jobQueue is the queue's ARN, so a bare name would match no event.
    if not text.startswith("arn:"):
        msg = (
            f"--job-queue {shown(text)} is not a job queue ARN; Batch's events name the queue "
            "by ARN, so pass arn:aws:batch:REGION:ACCOUNT:job-queue/NAME."
        )
        raise fail(msg)
    return job_queue(text, "--job-queue")


def _queue_name(arn: str) -> str:
    """The rule's suffix: the job queue's name (an ARN's ':' and '/' are no rule name's)."""
    return arn.rpartition("job-queue/")[2]


WIRING = eventbridge_rule_wiring(
    service="batch",
    label="Batch job state changes",
    rule=RULE,
    pattern=EVENT_PATTERN,
    recognise=recognise,
    narrowing=Narrowing(
        Option(
            "--job-queue",
            "ARN",
            "send only this job queue's jobs (a rule of its own: jobkit-batch-QUEUENAME); "
            "run setup once per job queue to watch several",
            _job_queue,
        ),
        "jobQueue",
        _queue_name,
    ),
    notes=("Batch sends these events to the default bus without being asked to.",),
)
