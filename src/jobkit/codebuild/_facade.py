"""The CodeBuild facade: start a project's build, get it, wait for it, list a project's builds."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, cast

from jobkit import codebuild
from jobkit._convert._lazy import structure
from jobkit._engine._facade import ClientHolder, Facade
from jobkit._loading import ClassValue, module

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_codebuild import CodeBuildClient  # noqa: F401 -- named in the base class string

    from jobkit._engine import _validation
    from jobkit._engine._targets import Target
    from jobkit._engine._waiting import WaitPolicy
    from jobkit._events._source import SqsEvents
    from jobkit.codebuild import _flows, _ids
    from jobkit.codebuild import _operations as _ops
else:
    # Rows, flows and checks load with the facade's first use (see jobkit._loading).
    _validation = module("jobkit._engine._validation")
    _flows = module("jobkit.codebuild._flows")
    _ids = module("jobkit.codebuild._ids")
    _ops = module("jobkit.codebuild._operations")

__all__ = ["CodeBuild", "CodeBuildBase", "started_build"]

_TIMEOUT_MINUTES = (5, 2160)  # botocore's BuildTimeOut: 5 minutes to 36 hours
_RESERVED = "CODEBUILD_"  # CodeBuild refuses variables whose names start with it


def _source_version(value: object) -> str:
    text = _validation.text_id(value, "source_version")
    problem = _validation.bad_character(text)
    if problem is not None and "non-ASCII" not in problem:
        msg = (
            f"source_version {_validation.shown(text)} contains {problem}; pass a branch, tag, commit id, "
            "pull request (pr/123) or S3 object version."
        )
        raise _validation.fail(msg)
    return text


def _variables(value: object) -> list[dict[str, str]]:
    if not isinstance(value, Mapping):
        msg = f"environment_variables is {_validation.shown(value, 40)}; pass a dict of names to values."
        raise _validation.fail(msg)
    out: list[dict[str, str]] = []
    pairs = cast("Mapping[object, object]", value)
    for name, text in pairs.items():
        if not isinstance(name, str) or not name or _validation.bad_character(name) is not None:
            msg = (
                f"environment_variables has the name {_validation.shown(name, 40)}; pass names of "
                "printable ASCII characters without whitespace."
            )
            raise _validation.fail(msg)
        if name.startswith(_RESERVED):
            msg = (
                f"environment_variables has the name {_validation.shown(name, 40)}; CodeBuild reserves "
                f"names starting with {_RESERVED}, so pick another."
            )
            raise _validation.fail(msg)
        if not isinstance(text, str):
            msg = f"environment_variables[{name!r}] is {_validation.shown(text, 40)}; pass its value as text."
            raise _validation.fail(msg)
        out.append({"name": name, "value": text, "type": "PLAINTEXT"})
    return out


def _timeout(value: object) -> int:
    low, high = _TIMEOUT_MINUTES
    if type(value) is not int or not low <= value <= high:
        msg = (
            f"timeout_in_minutes is {_validation.shown(value, 40)}; pass a whole number of minutes from "
            f"{low} to {high} (36 hours)."
        )
        raise _validation.fail(msg)
    return value


class CodeBuildBase(ClientHolder["CodeBuildClient"]):
    """What the sync and async CodeBuild facades share: defaults, handles, argument checks."""

    service: ClassVar[str] = "codebuild"

    BUILD_POLICY = ClassValue(lambda: _ops.CODEBUILD_BUILD.policy)
    """Eight hours: a default build (60 minutes) with room to queue (CodeBuild queues up to 8 h)."""

    def build(self, build_id: str) -> Target[codebuild.Build]:
        """A handle on a build, for :func:`jobkit.as_completed` (checks the id, calls nothing).

        Many builds through one facade are read together, 100 ids a ``BatchGetBuilds`` call.
        """
        return self._target(_ops.CODEBUILD_BUILD.bind(build_id))

    @staticmethod
    def _start_params(
        project: object,
        source_version: object,
        environment_variables: object,
        timeout_in_minutes: object,
        idempotency_token: object,
    ) -> dict[str, Any]:
        """Check start_build's arguments before any request; return StartBuild's parameters."""
        params: dict[str, Any] = {"projectName": _ids.project_name(project)}
        if source_version is not None:
            params["sourceVersion"] = _source_version(source_version)
        if environment_variables is not None:
            params["environmentVariablesOverride"] = _variables(environment_variables)
        if timeout_in_minutes is not None:
            params["timeoutInMinutesOverride"] = _timeout(timeout_in_minutes)
        if idempotency_token is not None:
            token = _validation.text_id(idempotency_token, "idempotency_token")
            params["idempotencyToken"] = token
        return params


def started_build(response: dict[str, Any]) -> codebuild.Build:
    return structure(response[_ops.CODEBUILD_START_BUILD.key], codebuild.Build)


class CodeBuild(CodeBuildBase, Facade["CodeBuildClient"]):
    """Typed access to CodeBuild builds: start, get, wait, and list a project's builds.

    ``CodeBuild(client)`` wraps a boto3 ``codebuild`` client; ``CodeBuild()`` builds one from
    boto3's default chain (``session=``, ``region_name=``, ``endpoint_url=``,
    ``connect_timeout=`` and ``read_timeout=`` adjust it). A build id is ``PROJECT:UUID``
    (``Build.id``); its ARN is accepted wherever an id is.
    """

    def start_build(
        self,
        project_name: str,
        *,
        source_version: str | None = None,
        environment_variables: Mapping[str, str] | None = None,
        timeout_in_minutes: int | None = None,
        idempotency_token: str | None = None,
    ) -> codebuild.Build:
        """Start a build of a project (its name or ARN); return the new build (IN_PROGRESS).

        ``source_version`` builds a branch, tag, commit, pull request (``pr/123``) or S3
        object version instead of the project's default; ``environment_variables`` add or
        override PLAINTEXT variables for this build; ``timeout_in_minutes`` (5-2160)
        replaces the project's build timeout; the same ``idempotency_token`` within 5 minutes
        starts no second build. Wait for it with ``wait_for_build(build.id)``.
        """
        params = self._start_params(
            project_name, source_version, environment_variables, timeout_in_minutes,
            idempotency_token,
        )  # fmt: skip
        response = self._call(
            _ops.CODEBUILD_START_BUILD.method,
            _ops.CODEBUILD_START_BUILD.api,
            f"CodeBuild project {params['projectName']}",
            None,
            require=_ops.CODEBUILD_START_BUILD.key,
            **params,
        )
        return started_build(response)

    def list_builds_for_project(self, project_name: str) -> tuple[str, ...]:
        """Return the ids of a project's builds (name or ARN), newest first, every page."""
        return self._run(_flows.build_ids(_ids.project_name(project_name)))

    def get_build(self, build_id: str) -> codebuild.Build:
        """Return build ``build_id`` (``PROJECT:UUID`` or the build's ARN).

        Raises:
            NotFoundError: BatchGetBuilds does not know it.
        """
        return self._get(_ops.CODEBUILD_BUILD.bind(build_id))

    def wait_for_build(
        self,
        build_id: str,
        *,
        policy: WaitPolicy | None = None,
        on_update: Callable[[codebuild.Build], object] | None = None,
        check: bool = False,
        cancel_on_timeout: bool = False,
        events: SqsEvents | None = None,
    ) -> codebuild.Build:
        """Wait until the build SUCCEEDs, FAILs, FAULTs, TIMES_OUT or is STOPPED.

        Args:
            build_id: the build (``PROJECT:UUID``, or its ARN).
            policy: timeout and delays; values not set keep this resource's defaults
                (:attr:`BUILD_POLICY`). Its ``clock`` and ``sleep`` may be injected (``FakeClock``).
            on_update: called with each newly observed model whose state changed (its
                exceptions propagate unchanged).
            check: raise :class:`~jobkit.errors.JobFailedError` unless the outcome is
                SUCCEEDED (FAILED, FAULT and TIMED_OUT are FAILED; STOPPED is CANCELLED).
            cancel_on_timeout: when the deadline passes or the wait is interrupted, ask AWS
                to stop it (StopBuild) and say in the error whether AWS accepted.
            events: a :class:`jobkit.SqsEvents`: a "CodeBuild Build State Change" event
                naming the build wakes the wait at once, and polls follow a long fallback
                schedule (a lost event only makes the wait slower). See docs/events.md.

        Returns:
            The final model (``is_terminal`` is true); ``failed_phase`` says why it failed.

        Raises:
            InvalidArgumentError: a bad argument, before any request.
            WaitTimeoutError: the deadline passed; ``.resource`` is the last model seen.
            JobFailedError: ``check`` and the outcome is FAILED or CANCELLED.
            NotFoundError: BatchGetBuilds does not know it (after the not-found grace).
            AccessDeniedError: the credentials may not read it.
        """
        return self._wait(
            _ops.CODEBUILD_BUILD.bind(build_id),
            policy=policy,
            on_update=on_update,
            check=check,
            cancel_on_timeout=cancel_on_timeout,
            events=events,
        )
