"""The operation table's types: the facts about one AWS operation, as data.

What differs between operations is data, not code in the facades, the command,
``jobkit.testing`` or the stub loader: the boto3 method and API name, the response
member and its model, the ids (their checks and boto3 parameter names), how messages
name the resource, the default wait policy, the command's resource word, and how to
cancel it. Each service's folder holds its own rows (``jobkit.devicefarm._operations``)
and one :class:`Service` that gathers them; ``jobkit._services`` lists the services.

Rows name their models by module and attribute, resolved on first use, so reading the
table (the command's ``--help``) builds no model.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar, cast

import attrs
from attrs import frozen

from jobkit._convert._outcome import Resource
from jobkit._engine._waiting import WaitPolicy
from jobkit.errors import NotFoundError

__all__ = ["Batch", "Bound", "Call", "Events", "Operation", "Option", "Service", "Start"]

R = TypeVar("R", bound=Resource)


@frozen(kw_only=True)
class Bound(Generic[R]):
    """An operation with checked ids: the boto3 parameters and how messages name it."""

    operation: Operation[R]
    ids: tuple[Any, ...]
    params: dict[str, Any]
    what: str


@frozen(kw_only=True)
class Batch(Generic[R]):
    """How one list call observes many targets of an operation at once (a row's ``batch``).

    Args:
        method: the boto3 list method (``"list_job_executions_for_job"``).
        api: its API name, for errors and logs.
        key: the response member holding the items.
        parent: the list call's parameters, from a target's ids; targets with equal
            parameters share one list call.
        member: what a target is known by among the items, from its ids.
        read: one raw item and the list's parameters -> (the member keys it answers, the model).
        rank: when several items answer one key, the highest rank wins (the latest execution).
        full: the items are whole models, so no final get is needed when one ends.
        page_size: the parameter and value that ask for the largest pages, if any.
        ids_param: when set, the call names the wanted members (their :attr:`member` keys)
            in this list parameter (``BatchGetBuilds``: ``"ids"``), :attr:`max_ids` a call,
            instead of paging through everything under a parent.
        max_ids: at most this many ids a call, with ``ids_param``.
    """

    method: str
    api: str
    key: str
    parent: Callable[[tuple[Any, ...]], dict[str, Any]]
    member: Callable[[tuple[Any, ...]], Hashable]
    read: Callable[[dict[str, Any], dict[str, Any]], tuple[tuple[Hashable, ...], R]]
    rank: Callable[[R], int] | None = None
    full: bool = False
    page_size: tuple[str, int] | None = None
    ids_param: str | None = None
    max_ids: int = 100


@frozen(kw_only=True)
class Events:
    """How AWS's own events name a resource (a row's ``events``), so they can wake its waits.

    Args:
        key: the resource's ids -> the target key its service's recogniser builds from an
            event (``("amplify", app_id, branch, job_id)``).
        recogniser: the service's recogniser, as ``"module:function"`` (imported by the first
            wait that watches events).
        fallback: the delays between polls while events are watched: long, because an event
            wakes the wait at once; polls only catch an event that was lost.
    """

    key: Callable[[tuple[Any, ...]], tuple[str, ...]]
    recogniser: str
    fallback: WaitPolicy

    def recognise(self) -> Callable[[Any], Any]:
        """The recogniser function (importing its module)."""
        module, _, name = self.recogniser.partition(":")
        return cast("Callable[[Any], Any]", model_of(module, name))


@frozen(kw_only=True)
class Operation(Generic[R]):
    """Everything jobkit needs to know about one get/describe operation.

    Args:
        service: the boto3 service name (``"devicefarm"``).
        method: the boto3 client method (``"get_job"``).
        api: the AWS API operation name (``"GetJob"``), for errors and logs.
        key: the response member that holds the resource (``"job"``).
        models: the module of the models (``"jobkit.devicefarm"``).
        model_name: the model of that member, in ``models`` (``"Job"``): :attr:`model`.
        response_name: the model of the whole response, in ``models``: :attr:`response`.
        ids: the Python parameter names of the facade methods, in order.
        params: the boto3 parameter name of each id (an id that is ``None`` is omitted).
        check: validates the ids (raising ``InvalidArgumentError``), returns them cleaned.
        label: what the resource is called (``"Device Farm job"``).
        what: how one resource is named in messages; formatted with the ids.
        policy: the default :class:`WaitPolicy` for waiting on it.
        command: the resource word of the ``jobkit`` command.
        get: the facade method that reads it; ``wait``: the one that waits for it.
        cancel: the boto3 method that stops it (same ids, never ``force``), if any.
        cancel_params: the boto3 parameters ``cancel`` takes, when not all of ``params``
            (``cancel_job_execution`` takes no execution number).
        cancel_args: the parameters of ``cancel``, when they are not a subset of the read's
            (``stop_build(id=...)`` after ``batch_get_builds(ids=[...])``; a reason to give).
        refuse: may return why a resource can never end on its own (the wait refuses it).
        batch: how many-at-once waits observe these resources through one list call.
        events: how AWS's events name these resources, when AWS publishes any.
        listed: the item member that holds a resource's id, when the read takes its id as a
            one-element list and answers a list (``BatchGetBuilds``: ``"id"``); an id missing
            from the answer is :class:`~jobkit.errors.NotFoundError`.
    """

    service: str
    method: str
    api: str
    key: str
    models: str
    model_name: str
    response_name: str
    ids: tuple[str, ...]
    params: tuple[str, ...]
    check: Callable[..., tuple[Any, ...]]
    label: str
    what: str
    policy: WaitPolicy
    command: str
    get: str
    wait: str
    cancel: str | None = None
    cancel_params: tuple[str, ...] | None = None
    cancel_args: Callable[[Bound[R]], dict[str, Any]] | None = None
    refuse: Callable[[R], str | None] | None = None
    batch: Batch[R] | None = None
    events: Events | None = None
    listed: str | None = None

    @property
    def model(self) -> type[R]:
        """The jobkit model of the resource (imported on first use)."""
        return cast("type[R]", model_of(self.models, self.model_name))

    @property
    def response(self) -> type[Any]:
        """The jobkit model of the whole response (imported on first use)."""
        return cast("type[Any]", model_of(self.models, self.response_name))

    def cancel_call(self, bound: Bound[R]) -> tuple[str, str, dict[str, Any]] | None:
        """The boto3 method, API name and parameters that stop ``bound``'s resource, if any."""
        if self.cancel is None:
            return None
        if self.cancel_args is not None:
            params = self.cancel_args(bound)
        else:
            keep = self.cancel_params
            params = {k: v for k, v in bound.params.items() if keep is None or k in keep}
        api = "".join(part.capitalize() for part in self.cancel.split("_"))
        return self.cancel, api, params

    def resource(self, response: dict[str, Any], bound: Bound[R]) -> Any:
        """The raw resource in a read's ``response`` (its member, or its item in a listed read).

        Raises:
            NotFoundError: a listed read's answer does not hold the resource.
        """
        raw = response[self.key]
        if self.listed is None:
            return raw
        wanted = bound.ids[0]
        items: list[Any] = cast("list[Any]", raw) if isinstance(raw, list) else []  # type: ignore[redundant-cast]
        for item in items:
            if isinstance(item, dict) and cast("dict[str, Any]", item).get(self.listed) == wanted:
                return cast("dict[str, Any]", item)
        msg = f"{bound.what} was not found; check the identifier and the region."
        raise NotFoundError(msg, code="NotFound", operation=self.api)

    def policy_for(self, policy: WaitPolicy | None, *, events: bool = False) -> WaitPolicy:
        """The policy a wait on this operation runs with: ``policy`` over the row's defaults.

        With ``events`` (and a row that has them), the defaults' delays are the events'
        fallback schedule; the timeout and the not-found grace stay the row's.
        """
        base = self.policy
        if events and self.events is not None:
            fallback = self.events.fallback
            base = attrs.evolve(base, min_delay=fallback.min_delay, max_delay=fallback.max_delay)
        return base if policy is None else policy.over(base)

    def bind(self, *ids: object) -> Bound[R]:
        """Check ``ids`` before any call and return the bound operation."""
        clean = self.check(*ids)
        params: dict[str, Any] = {
            name: value for name, value in zip(self.params, clean, strict=True) if value is not None
        }
        if self.listed is not None:
            params[self.params[0]] = [clean[0]]
        what = self.what.format(**dict(zip(self.ids, clean, strict=True)))
        return Bound(operation=self, ids=clean, params=params, what=what)


@frozen(kw_only=True)
class Call:
    """A list or start call around the waits (what CI scripts do before and after one).

    Args:
        service: the boto3 service name.
        method: the boto3 client method (``"list_tests"``).
        api: the AWS API operation name (``"ListTests"``).
        models: the module of the models (``"jobkit.devicefarm"``).
        response_name: the model of one whole response (one page), in ``models``.
        key: the response member holding the items (or the one resource).
        model_name: the model of one item, in ``models``; ``None`` when the items are plain
            values kept as they are (``ListBuildsForProject`` lists build ids).
        paged: whether the call pages with ``nextToken``.
        page_size: the parameter and value that ask for the largest pages, if any.
    """

    service: str
    method: str
    api: str
    models: str
    response_name: str
    key: str
    model_name: str | None
    paged: bool = True
    page_size: tuple[str, int] | None = None

    @property
    def model(self) -> type[Any] | None:
        """The jobkit model of one item (imported on first use); ``None`` for plain values."""
        if self.model_name is None:
            return None
        return cast("type[Any]", model_of(self.models, self.model_name))

    @property
    def response(self) -> type[Any]:
        """The jobkit model of one whole response (imported on first use)."""
        return cast("type[Any]", model_of(self.models, self.response_name))


@frozen(kw_only=True)
class Option:
    """One option of ``jobkit start RESOURCE``: its flag and the facade keyword it fills.

    Args:
        flag: the command's flag (``"--source-version"``).
        keyword: the start method's keyword argument (``"source_version"``).
        help: the flag's help text.
        metavar: how the help names its value.
        choices: the values it allows, if a fixed set.
        default: its value when the flag is not given (``None``: the keyword is not passed).
        shown: whether the ``started ...`` line on stderr names its value.
    """

    flag: str
    keyword: str
    help: str
    metavar: str = "VALUE"
    choices: tuple[str, ...] | None = None
    default: str | None = None
    shown: bool = False


@frozen(kw_only=True)
class Start:
    """How ``jobkit start RESOURCE`` starts one: the facade method, its arguments, what it returns.

    The command prints the started resource's id first on stdout and, with ``--wait``,
    waits for it through :attr:`operation`'s row (its policy, words and exit codes).

    Args:
        operation: the row of the resource it starts (its ``command`` is the resource word).
        method: the sync facade's start method (``"start_build"``).
        ids: the start method's positional parameters, the command's positional arguments.
        check: checks the positional values before any client is built (raising
            ``InvalidArgumentError``).
        options: the command's options, each a keyword argument of ``method``.
        started: the start method's positional values and what it returned -> the ids of
            the started resource, as :attr:`operation` takes them.
        help: one line for ``jobkit start --help``.
        description: what ``jobkit start RESOURCE --help`` says first.
    """

    operation: Operation[Any]
    method: str
    ids: tuple[str, ...]
    check: Callable[..., object]
    options: tuple[Option, ...] = ()
    started: Callable[[tuple[Any, ...], Any], tuple[Any, ...]]
    help: str
    description: str

    @property
    def command(self) -> str:
        """The resource word (``"codebuild-build"``)."""
        return self.operation.command


@frozen(kw_only=True)
class Service:
    """One service's part of the table: its rows, its calls and where its facades live.

    Args:
        name: the boto3 service name (``"devicefarm"``).
        facade: the sync facade, as ``"module:Class"`` (imported when the command needs it).
        operations: its get/describe rows, in the order the command lists them.
        calls: its list and start calls around the waits.
        artifacts: the command words whose resources ``--artifacts DIR`` applies to.
        summary: the module that registers its ``--output summary`` sections, if any.
        starts: what ``jobkit start`` can start, one :class:`Start` per resource word.
    """

    name: str
    facade: str
    operations: tuple[Operation[Any], ...]
    calls: tuple[Call, ...] = ()
    artifacts: frozenset[str] = frozenset()
    summary: str | None = None
    starts: tuple[Start, ...] = ()

    def facade_class(self) -> type[Any]:
        """The sync facade class (importing its module)."""
        module, _, name = self.facade.partition(":")
        return cast("type[Any]", model_of(module, name))


def model_of(module: str, name: str) -> object:
    """``module.name``, importing ``module`` on first use."""
    return getattr(importlib.import_module(module), name)
