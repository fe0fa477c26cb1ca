"""jobkit: typed models and reliable waiters for AWS resources that behave like jobs."""

from __future__ import annotations

from jobkit import amplify, devicefarm, errors, iot
from jobkit._amplify import Amplify
from jobkit._converter import converter, json_converter, structure, unstructure
from jobkit._devicefarm import DeviceFarm
from jobkit._enums import AwsEnum
from jobkit._iot import IoT
from jobkit._outcome import Outcome, Resource
from jobkit._progress import describe
from jobkit._retry import RetryPolicy
from jobkit._waiting import WaitPolicy

__all__ = [
    "Amplify",
    "AwsEnum",
    "DeviceFarm",
    "IoT",
    "Outcome",
    "Resource",
    "RetryPolicy",
    "WaitPolicy",
    "__version__",
    "amplify",
    "converter",
    "describe",
    "devicefarm",
    "errors",
    "iot",
    "json_converter",
    "structure",
    "unstructure",
]

__version__ = "0.1.0"
