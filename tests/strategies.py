"""Hypothesis strategies that build boto3-shaped responses from botocore's own shapes."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape
from hypothesis import strategies as st

_TEXT = st.text(max_size=12)

SEED_ONLY_KEYS = frozenset(
    {"remoteDebugEnabled", "remoteRecordEnabled", "remoteRecordAppArn", "hostAddress", "clientId"}
)
"""Members the models keep for older responses although current botocore no longer declares them."""

json_values: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.datetimes(timezones=st.just(UTC)),  # what botocore makes of a timestamp jobkit lacks
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)
"""Anything an unknown member may hold: JSON (null included), nested, and datetimes."""


def from_shape(shape: Shape, *, unknown: bool = False) -> st.SearchStrategy[Any]:
    """Values botocore could return for ``shape``: random member subsets, unknown enum strings.

    With ``unknown=True`` every structure, at every level, may also carry members that
    neither botocore nor jobkit declares (as a response from next year's AWS would).
    """
    if isinstance(shape, StructureShape):
        members = {k: from_shape(m, unknown=unknown) for k, m in shape.members.items()}
        declared = st.fixed_dictionaries({}, optional=members)
        if not unknown:
            return declared
        taken = set(shape.members) | SEED_ONLY_KEYS
        new_keys = st.text(min_size=1, max_size=10).filter(lambda k: k not in taken)
        extra = st.dictionaries(new_keys, json_values, max_size=3)
        return st.tuples(declared, extra).map(lambda pair: {**pair[1], **pair[0]})
    if isinstance(shape, ListShape):
        return st.lists(from_shape(shape.member, unknown=unknown), max_size=3)
    if isinstance(shape, MapShape):
        return st.dictionaries(_TEXT, from_shape(shape.value, unknown=unknown), max_size=3)
    enum = getattr(shape, "enum", None)
    if enum:
        return st.one_of(st.sampled_from(enum), _TEXT)
    return _SCALARS[shape.type_name]


def unknown_members(raw: Any, shape: Shape, path: str = "$") -> dict[str, dict[str, Any]]:
    """Where ``raw`` (shaped like ``shape``) carries members botocore does not declare.

    Returns ``{path: {key: value}}`` for every structure that has some, paths in the
    converter's style (``$.device.instances[0]``); computed from botocore's shape alone.
    """
    found: dict[str, dict[str, Any]] = {}
    if isinstance(shape, StructureShape) and isinstance(raw, dict):
        items: dict[str, Any] = raw  # pyright: ignore[reportUnknownVariableType]
        extra = {k: v for k, v in items.items() if k not in shape.members}
        if extra:
            found[path] = extra
        for key, member in shape.members.items():
            if key in items:
                found.update(unknown_members(items[key], member, f"{path}.{key}"))
    elif isinstance(shape, ListShape) and isinstance(raw, list):
        for i, item in enumerate(raw):  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
            found.update(unknown_members(item, shape.member, f"{path}[{i}]"))
    return found


_SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "string": _TEXT,
    "integer": st.integers(min_value=-(2**31), max_value=2**31 - 1),
    "long": st.integers(min_value=-(2**63), max_value=2**63 - 1),
    "double": st.floats(allow_nan=False, allow_infinity=False),
    "float": st.floats(allow_nan=False, allow_infinity=False, width=32),
    "boolean": st.booleans(),
    "timestamp": st.datetimes(timezones=st.just(UTC)),
}
