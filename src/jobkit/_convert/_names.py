"""The one naming rule between jobkit attributes and boto3 keys."""

from __future__ import annotations

import re

__all__ = ["camel_case"]

_WORD = re.compile(r"_([a-z0-9])")


def camel_case(name: str) -> str:
    """Return boto3's key for a jobkit attribute name (``heap_size`` -> ``heapSize``)."""
    return _WORD.sub(lambda m: m.group(1).upper(), name)
