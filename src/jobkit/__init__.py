"""jobkit: typed models and reliable waiters for AWS resources that behave like jobs."""

from __future__ import annotations

from jobkit import amplify, devicefarm, errors, iot
from jobkit._converter import converter, json_converter, structure, unstructure
from jobkit._enums import AwsEnum
from jobkit._outcome import Outcome, Resource

__all__ = [
    "AwsEnum",
    "Outcome",
    "Resource",
    "__version__",
    "amplify",
    "converter",
    "devicefarm",
    "errors",
    "iot",
    "json_converter",
    "structure",
    "unstructure",
]

__version__ = "0.1.0"
