"""Amplify models: a job (a build or deploy of a branch), its summary and its steps.

Pure data: nothing here talks to AWS. Attribute names are boto3's keys in
snake_case; every attribute is ``None`` when AWS omits the key, lists included.
Members a model does not declare (AWS adds some every year) are kept: read them with
``jobkit.extras(model)``.
Step URLs are presigned: their query strings are hidden in ``repr()``.

The names load on first use (PEP 562): importing this package's light modules (its
operation rows, id checks) builds no model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobkit._loading import exports

if TYPE_CHECKING:
    from jobkit.amplify._models import (
        GetJobResponse,
        Job,
        JobStatus,
        JobSummary,
        JobType,
        ListJobsResponse,
        SourceUrlType,
        StartJobResponse,
        Step,
    )

__all__ = [
    "GetJobResponse",
    "Job",
    "JobStatus",
    "JobSummary",
    "JobType",
    "ListJobsResponse",
    "SourceUrlType",
    "StartJobResponse",
    "Step",
]

_MODELS = "jobkit.amplify._models"


__getattr__, __dir__ = exports(globals(), dict.fromkeys(__all__, _MODELS))
