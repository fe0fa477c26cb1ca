"""jobkit: typed models and reliable waiters for AWS resources that behave like jobs.

The facades (:class:`DeviceFarm`, :class:`Amplify`, :class:`IoT`, :class:`CodeBuild`) read a
resource as a typed model and wait for it to end; :class:`WaitPolicy` and :class:`RetryPolicy`
say how; :func:`as_completed` and :func:`wait_all` wait for many at once under one
:class:`RateLimit`; :func:`structure` and :func:`unstructure` convert boto3 dicts to models and
back. The models and enums live in :mod:`jobkit.devicefarm`, :mod:`jobkit.amplify`,
:mod:`jobkit.iot` and :mod:`jobkit.codebuild`, the errors in :mod:`jobkit.errors`, async
facades in :mod:`jobkit.aio`, test helpers in :mod:`jobkit.testing`.

Names are loaded on first use (PEP 562), so ``import jobkit`` stays cheap and a
script pays only for the services it touches.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobkit._convert._enums import AwsEnum
from jobkit._convert._outcome import Outcome, Resource
from jobkit._loading import exports

if TYPE_CHECKING:
    from jobkit import aio, amplify, batch, codebuild, devicefarm, errors, iot, testing
    from jobkit._convert._converter import converter, json_converter, structure, unstructure
    from jobkit._convert._model import extras
    from jobkit._engine._history import History
    from jobkit._engine._many import as_completed, wait_all
    from jobkit._engine._progress import describe
    from jobkit._engine._rate import RateLimit
    from jobkit._engine._retry import RetryPolicy
    from jobkit._engine._targets import Target, WaitResult
    from jobkit._engine._waiting import WaitPolicy
    from jobkit._events._source import SqsEvents
    from jobkit.amplify._facade import Amplify
    from jobkit.batch._facade import Batch
    from jobkit.codebuild._facade import CodeBuild
    from jobkit.devicefarm._facade import DeviceFarm
    from jobkit.iot._facade import IoT

__all__ = [
    "Amplify",
    "AwsEnum",
    "Batch",
    "CodeBuild",
    "DeviceFarm",
    "History",
    "IoT",
    "Outcome",
    "RateLimit",
    "Resource",
    "RetryPolicy",
    "SqsEvents",
    "Target",
    "WaitPolicy",
    "WaitResult",
    "__version__",
    "aio",
    "amplify",
    "as_completed",
    "batch",
    "codebuild",
    "converter",
    "describe",
    "devicefarm",
    "errors",
    "extras",
    "iot",
    "json_converter",
    "structure",
    "testing",
    "unstructure",
    "wait_all",
]

__version__ = "0.1.0"

_LAZY = {
    "Amplify": "jobkit.amplify._facade",
    "Batch": "jobkit.batch._facade",
    "CodeBuild": "jobkit.codebuild._facade",
    "DeviceFarm": "jobkit.devicefarm._facade",
    "IoT": "jobkit.iot._facade",
    "History": "jobkit._engine._history",
    "RateLimit": "jobkit._engine._rate",
    "RetryPolicy": "jobkit._engine._retry",
    "SqsEvents": "jobkit._events._source",
    "Target": "jobkit._engine._targets",
    "WaitResult": "jobkit._engine._targets",
    "as_completed": "jobkit._engine._many",
    "wait_all": "jobkit._engine._many",
    "WaitPolicy": "jobkit._engine._waiting",
    "converter": "jobkit._convert._converter",
    "json_converter": "jobkit._convert._converter",
    "structure": "jobkit._convert._converter",
    "unstructure": "jobkit._convert._converter",
    "extras": "jobkit._convert._model",
    "describe": "jobkit._engine._progress",
}
_SUBMODULES = frozenset(
    {"aio", "amplify", "batch", "codebuild", "devicefarm", "errors", "iot", "testing"}
)


__getattr__, __dir__ = exports(globals(), _LAZY, submodules=_SUBMODULES)
