"""AWS Batch's id checks: job ids (or job ARNs) and job queues, refused before any call.

botocore gives DescribeJobs' ``jobs`` and TerminateJob's ``jobId`` no pattern or length (plain
strings); the rules here are what Batch hands out. SubmitJob answers a job id that is a
lowercase UUID; an array job's children are ``UUID:INDEX`` (index 0-9999, an array has at most
10,000 children) and a multi-node parallel job's nodes ``UUID#NODE``. A job ARN,
``arn:aws:batch:REGION:ACCOUNT:job/ID``, is accepted wherever an id is and reduced to the id:
the id is what ``JobDetail.job_id`` holds, and what a read's answer is matched by.
"""

from __future__ import annotations

import re
from typing import NoReturn

from jobkit._engine._validation import ARN, SERVICE_NAMES, fail, plain, shown

__all__ = ["batch_job_id", "job_id", "job_queue"]

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_JOB_ID = re.compile(r"(?P<uuid>[^:#]+)(?:(?P<sep>[:#])(?P<index>[^:#]*))?")
_MAX_INDEX = 9999  # SubmitJob's arrayProperties.size is 2-10,000
_JOB_ARN = re.compile(r"arn:aws[a-z-]*:batch:[a-z0-9-]+:[0-9]{12}:job/(?P<id>.+)")
_QUEUE_ARN = re.compile(r"arn:aws[a-z-]*:batch:[a-z0-9-]+:[0-9]{12}:job-queue/(?P<name>.+)")
# CreateJobQueue's rule for a queue name (botocore gives it none): up to 128 letters, digits,
# hyphens and underscores, starting with a letter or digit.
_QUEUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
_JOB_ADVICE = (
    "pass the job id SubmitJob returned (a UUID such as '4b6a7c2e-1f3d-4e5a-9b8c-0d1e2f3a4b02', "
    "'UUID:N' for an array child) or the job's ARN."
)
_QUEUE_ADVICE = "pass the queue's name (up to 128 letters, digits, '-' or '_') or its ARN."


def _foreign(text: str, name: str, wanted: str, advice: str) -> NoReturn:
    """Refuse an ARN that is not ``wanted`` (another service's, or another Batch resource)."""
    match = ARN.fullmatch(text)
    if match is not None and match["service"] != "batch":
        found = SERVICE_NAMES.get(match["service"], f"a {match['service']!r}") + " ARN"
    elif match is not None:
        found = f"a Batch {match['type']} ARN, not a {wanted} ARN"
    else:
        found = f"not a Batch {wanted} ARN"
    msg = f"{name} {shown(text)} is {found}; {advice}"
    raise fail(msg)


def job_id(value: object, name: str = "job_id") -> str:
    """Check a Batch job id (``UUID``, ``UUID:INDEX``, ``UUID#NODE``) or job ARN; return the id."""
    text = plain(value, name, "a Batch job id", _JOB_ADVICE)
    if text.startswith("arn:"):
        arn = _JOB_ARN.fullmatch(text)
        if arn is None:
            _foreign(text, name, "job", _JOB_ADVICE)
        text = arn["id"]
    parts = _JOB_ID.fullmatch(text)
    uuid = parts["uuid"] if parts is not None else ""
    if parts is None or not _UUID.fullmatch(uuid):
        hint = " (Batch ids are lowercase)" if _UUID.fullmatch(uuid.lower()) else ""
        msg = f"{name} {shown(text)} is not a Batch job id{hint}; {_JOB_ADVICE}"
        raise fail(msg)
    index = parts["index"]
    if parts["sep"] is not None and (not index.isdigit() or not index.isascii()):
        what = "an array child's index" if parts["sep"] == ":" else "a node's number"
        msg = f"{name} {shown(text)} is not a Batch job id (after {parts['sep']!r} comes {what}); {_JOB_ADVICE}"
        raise fail(msg)
    if parts["sep"] == ":" and int(index) > _MAX_INDEX:
        msg = (
            f"{name} {shown(text)} names array child {index}; an array job's children are "
            f"numbered 0 to {_MAX_INDEX}, so pass one of those."
        )
        raise fail(msg)
    return text


def batch_job_id(value: object) -> tuple[str]:
    """The row's check: one job id (or ARN), as the ids tuple."""
    return (job_id(value),)


def job_queue(value: object, name: str = "job_queue") -> str:
    """Check a job queue name or ARN; return it as given (ListJobs takes either)."""
    text = plain(value, name, "a Batch job queue", _QUEUE_ADVICE)
    if text.startswith("arn:"):
        arn = _QUEUE_ARN.fullmatch(text)
        if arn is None:
            _foreign(text, name, "job-queue", _QUEUE_ADVICE)
        if not _QUEUE.fullmatch(arn["name"]):
            msg = f"{name} {shown(text)} does not end in a job queue name; {_QUEUE_ADVICE}"
            raise fail(msg)
        return text
    if not _QUEUE.fullmatch(text):
        msg = f"{name} {shown(text, 40)} is not a Batch job queue name; {_QUEUE_ADVICE}"
        raise fail(msg)
    return text
