"""Hypothesis strategies that build boto3-shaped responses from botocore's own shapes."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape
from hypothesis import strategies as st

_TEXT = st.text(max_size=12)


def from_shape(shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values botocore could return for ``shape``: random member subsets, unknown enum strings."""
    if isinstance(shape, StructureShape):
        members = {k: from_shape(m, depth + 1) for k, m in shape.members.items()}
        return st.fixed_dictionaries({}, optional=members)
    if isinstance(shape, ListShape):
        return st.lists(from_shape(shape.member, depth + 1), max_size=3)
    if isinstance(shape, MapShape):
        return st.dictionaries(_TEXT, from_shape(shape.value, depth + 1), max_size=3)
    enum = getattr(shape, "enum", None)
    if enum:
        return st.one_of(st.sampled_from(enum), _TEXT)
    return _SCALARS[shape.type_name]


_SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "string": _TEXT,
    "integer": st.integers(min_value=-(2**31), max_value=2**31 - 1),
    "long": st.integers(min_value=-(2**63), max_value=2**63 - 1),
    "double": st.floats(allow_nan=False, allow_infinity=False),
    "float": st.floats(allow_nan=False, allow_infinity=False, width=32),
    "boolean": st.booleans(),
    "timestamp": st.datetimes(timezones=st.just(UTC)),
}
