"""Loading on first use: a package's public names, a module a facade calls, a class constant.

Importing a facade should cost what defining its class needs; the engine, the operation
rows, the id checks and the models load when the facade is first used, as boto3 loads a
service model when a client is made. Three shapes cover every case:

- :func:`exports` gives a package the PEP 562 ``__getattr__`` and ``__dir__`` that load each
  public name from the module that defines it (``jobkit``, ``jobkit.aio``, each service).
- :func:`module` is a handle on a module that is imported on the first attribute read
  (``_ops.DEVICEFARM_RUN``). Each read goes through :func:`importlib.import_module`, which
  waits for a module another thread is still importing, so a first use from two threads at
  once is safe (``importlib.util.LazyLoader`` is not, on Python 3.11).
- :class:`ClassValue` is a class attribute computed on its first read (a facade's default
  ``WaitPolicy``), then stored on the class as a plain value.

A module handle is declared next to a ``TYPE_CHECKING`` import of the same module, so type
checkers (and the layering test) see the real module::

    if TYPE_CHECKING:
        from jobkit.devicefarm import _operations as ops
    else:
        ops = module("jobkit.devicefarm._operations")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from types import ModuleType

__all__ = ["ClassValue", "exports", "module"]

T = TypeVar("T")


class _Module:
    """A module imported on the first read of one of its attributes."""

    __slots__ = ("_loaded", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._loaded: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        loaded = self._loaded
        if loaded is None:
            # import_module returns only a fully executed module, even while another
            # thread is importing it; two first reads at once both get the same module.
            loaded = self._loaded = importlib.import_module(self._name)
        return getattr(loaded, attr)

    def __repr__(self) -> str:
        state = "loaded" if self._loaded is not None else "not loaded yet"
        return f"<module {self._name!r}, {state}>"


def module(name: str) -> Any:
    """A handle on module ``name`` that imports it on its first attribute read."""
    return _Module(name)


def exports(
    namespace: dict[str, Any],
    table: Mapping[str, str],
    *,
    submodules: Iterable[str] = (),
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__`` (PEP 562), from where each name lives.

    ``namespace`` is the package's ``globals()``; ``table`` maps a public name to the module
    that defines it; ``submodules`` are names that are the package's own submodules. A name
    read once is stored in ``namespace``, so later reads are plain lookups. ``__dir__`` lists
    ``__all__`` only, not the helpers the package imports for itself.
    """
    package = str(namespace["__name__"])
    children = frozenset(submodules)

    def __getattr__(name: str) -> Any:  # noqa: N807 -- the PEP 562 hook's name
        if name in table:
            value = getattr(importlib.import_module(table[name]), name)
        elif name in children:
            value = importlib.import_module(f"{package}.{name}")
        else:
            msg = f"module {package!r} has no attribute {name!r}"
            raise AttributeError(msg)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:  # noqa: N807 -- the PEP 562 hook's name
        return sorted(namespace["__all__"])

    return __getattr__, __dir__


class ClassValue(Generic[T]):
    """A class attribute made by ``make()`` on its first read, then stored as a plain value.

    Reads through the class, a subclass or an instance all give the same value; the first
    replaces this descriptor on the class that declared it.
    """

    __slots__ = ("_make", "_name", "_owner")

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._name = ""
        self._owner: type | None = None

    def __set_name__(self, owner: type, name: str) -> None:
        self._owner, self._name = owner, name

    def __get__(self, instance: object, owner: type | None = None) -> T:
        value = self._make()
        if self._owner is not None:
            setattr(self._owner, self._name, value)
        return value
