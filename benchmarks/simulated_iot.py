"""A simulated AWS IoT on a virtual clock, answered *below* jobkit.

A real botocore ``iot`` client sends every request through its whole stack
(serialisation, signing, jobkit's ``before-send`` rate hook, ``needs-retry``); a
``before-send`` handler registered after jobkit's then answers it with a botocore
``AWSResponse`` built from the simulated state, so botocore parses a real HTTP body and
maps errors as it would for AWS. Nothing of jobkit is patched.

The fleet: one SNAPSHOT job over ``n`` things, every execution QUEUED at ``t = 0``.
Each device picks the job up after an exponential delay (mean 2 minutes: devices come
online), then runs it for a log-normal time (median 15 minutes, sigma 0.9: the 90th
percentile is about 48 minutes, the 99th about 2 hours), all drawn from
``random.Random(seed)``. The job's ``inProgressTimeoutInMinutes`` is 180: an execution
still running then ends TIMED_OUT, as IoT does. Of the rest, 1 % end REJECTED, 3 %
FAILED, the others SUCCEEDED.

Throttling: each operation has its own token bucket of 10 calls a second (10 tokens,
refilled at 10 a second), like AWS's per-account, per-API limits for the IoT job APIs;
a request that finds it empty is answered ``429 ThrottlingException`` (and spends nothing).
"""

from __future__ import annotations

import json
import math
import random
import re
import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

import boto3
from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
from botocore.config import Config

__all__ = ["Execution", "SimulatedIoT", "VirtualClock", "fleet"]

ACCOUNT = "123456789012"
REGION = "us-east-1"
RATE_PER_OPERATION = 10.0
TIMEOUT_MINUTES = 180


class VirtualClock:
    """Seconds since the simulation started; ``sleep`` advances it at once, nothing sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self._lock = threading.Lock()

    def clock(self) -> float:
        """The current virtual time."""
        return self.now

    def sleep(self, seconds: float) -> None:
        """Advance the virtual time by ``seconds``."""
        if seconds > 0:
            with self._lock:
                self.now += seconds


class Execution:
    """One thing's execution: when it starts, when it ends, how."""

    __slots__ = ("ended_at", "final", "started_at", "thing")

    def __init__(self, thing: str, started_at: float, ended_at: float, final: str) -> None:
        self.thing = thing
        self.started_at = started_at
        self.ended_at = ended_at
        self.final = final

    def status(self, now: float) -> str:
        """The status AWS would report at ``now``."""
        if now >= self.ended_at:
            return self.final
        return "IN_PROGRESS" if now >= self.started_at else "QUEUED"

    def summary(self, now: float) -> dict[str, Any]:
        """The ``jobExecutionSummary`` member (epoch seconds, as the JSON protocol sends)."""
        status = self.status(now)
        out: dict[str, Any] = {
            "status": status,
            "queuedAt": 0,
            "executionNumber": 1,
            "retryAttempt": 0,
        }
        if status != "QUEUED":
            out["startedAt"] = self.started_at
        out["lastUpdatedAt"] = (
            self.ended_at
            if now >= self.ended_at
            else (self.started_at if status != "QUEUED" else 0)
        )
        return out


def fleet(
    n: int,
    seed: int = 20261120,
    *,
    start_mean: float = 120.0,
    median: float = 15 * 60.0,
    sigma: float = 0.9,
    timeout: float = TIMEOUT_MINUTES * 60.0,
) -> list[Execution]:
    """``n`` executions with the lifetimes described in the module docstring (in seconds).

    ``start_mean``, ``median``, ``sigma`` and ``timeout`` rescale them (the example uses a
    fast fleet: a config push rather than a firmware image).
    """
    rng = random.Random(seed)
    out: list[Execution] = []
    for i in range(n):
        started = rng.expovariate(1 / start_mean)
        running = rng.lognormvariate(math.log(median), sigma)
        draw = rng.random()
        if running >= timeout:
            final, running = "TIMED_OUT", timeout
        elif draw < 0.01:
            final = "REJECTED"
        elif draw < 0.04:
            final = "FAILED"
        else:
            final = "SUCCEEDED"
        out.append(Execution(f"ota-device-{i:05d}", started, started + running, final))
    return out


class _Raw:
    """The raw body botocore reads from an ``AWSResponse``."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body

    def read(self, *_: Any) -> bytes:
        return self._body


class _Bucket:
    """A token bucket: ``rate`` tokens a second, at most ``rate`` held."""

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.tokens = rate
        self.at = 0.0

    def take(self, now: float) -> bool:
        if now > self.at:
            self.tokens = min(self.rate, self.tokens + (now - self.at) * self.rate)
            self.at = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


_LIST = re.compile(r"^/jobs/([^/]+)/things$")
_DESCRIBE = re.compile(r"^/things/([^/]+)/jobs/([^/]+)$")


class SimulatedIoT:
    """The state of one job's executions and the per-operation throttle, on a virtual clock.

    Counts every request it answers: ``calls[api]`` and ``throttled[api]``; ``log`` keeps
    ``(time, api, throttled, first page of a list)`` when ``keep_log`` is set.
    """

    def __init__(
        self,
        job_id: str,
        executions: list[Execution],
        clock: Callable[[], float],
        *,
        keep_log: bool = False,
    ) -> None:
        self.job_id = job_id
        self.clock = clock
        self.executions = sorted(executions, key=lambda e: e.thing)
        self.by_thing = {e.thing: e for e in self.executions}
        self.buckets = {
            "ListJobExecutionsForJob": _Bucket(RATE_PER_OPERATION),
            "DescribeJobExecution": _Bucket(RATE_PER_OPERATION),
        }
        self.calls = dict.fromkeys(self.buckets, 0)
        self.throttled = dict.fromkeys(self.buckets, 0)
        self.log: list[tuple[float, str, bool, bool]] | None = [] if keep_log else None
        self._lock = threading.Lock()

    def client(self) -> Any:
        """A real boto3 IoT client whose requests this simulation answers.

        botocore's own retries are off (``total_max_attempts=1``), as on the clients jobkit
        builds, so every retry is jobkit's (on the virtual clock) and every request is counted.
        """
        client: Any = boto3.session.Session().client(
            "iot",
            region_name=REGION,
            aws_access_key_id="simulated",
            aws_secret_access_key="simulated",
            config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
        )
        # After jobkit's rate hook, which it registers first.
        client.meta.events.register("before-send", self._answer)
        return client

    def arn(self, thing: str) -> str:
        """The thing's ARN."""
        return f"arn:aws:iot:{REGION}:{ACCOUNT}:thing/{thing}"

    def _answer(self, request: Any, **_: Any) -> AWSResponse:
        url: str = request.url
        parts = urlsplit(url)
        path = unquote(parts.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if (m := _LIST.match(path)) is not None:
            job_id = m[1]
            return self._respond(
                "ListJobExecutionsForJob",
                url,
                lambda now: self._list(job_id, query, now),
                first="nextToken" not in query,
            )
        if (m := _DESCRIBE.match(path)) is not None:
            thing, job_id = m[1], m[2]
            return self._respond(
                "DescribeJobExecution", url, lambda now: self._describe(job_id, thing, now)
            )
        return _error(url, 400, "InvalidRequestException", f"not simulated: {path}")

    def _respond(
        self,
        api: str,
        url: str,
        body: Callable[[float], tuple[int, dict[str, Any]]],
        *,
        first: bool = False,
    ) -> AWSResponse:
        with self._lock:
            now = self.clock()
            self.calls[api] += 1
            allowed = self.buckets[api].take(now)
            if self.log is not None:
                self.log.append((now, api, not allowed, first))
            if not allowed:
                self.throttled[api] += 1
                return _error(url, 429, "ThrottlingException", "Rate exceeded")
            status, payload = body(now)
        if status != 200:
            return _error(url, status, payload["code"], payload["message"])
        return AWSResponse(
            url,
            200,
            HTTPHeaders.from_dict(
                {"Content-Type": "application/json", "x-amzn-RequestId": "simulated"}
            ),
            _Raw(json.dumps(payload).encode()),
        )

    def _list(self, job_id: str, query: dict[str, str], now: float) -> tuple[int, dict[str, Any]]:
        if job_id != self.job_id:
            return 404, {"code": "ResourceNotFoundException", "message": f"Job {job_id} not found"}
        size = int(query.get("maxResults", "50"))
        start = int(query.get("nextToken", "0"))
        page = self.executions[start : start + size]
        payload: dict[str, Any] = {
            "executionSummaries": [
                {"thingArn": self.arn(e.thing), "jobExecutionSummary": e.summary(now)} for e in page
            ]
        }
        if start + size < len(self.executions):
            payload["nextToken"] = str(start + size)
        return 200, payload

    def _describe(self, job_id: str, thing: str, now: float) -> tuple[int, dict[str, Any]]:
        execution = self.by_thing.get(thing)
        if job_id != self.job_id or execution is None:
            msg = f"No job execution of {job_id} on {thing}"
            return 404, {"code": "ResourceNotFoundException", "message": msg}
        summary = execution.summary(now)
        body = {
            "jobId": job_id,
            "thingArn": self.arn(thing),
            "status": summary["status"],
            "queuedAt": summary["queuedAt"],
            "lastUpdatedAt": summary["lastUpdatedAt"],
            "executionNumber": 1,
            "versionNumber": 1 if summary["status"] == "QUEUED" else 2,
        }
        if "startedAt" in summary:
            body["startedAt"] = summary["startedAt"]
        if execution.status(now) == execution.final:
            body["statusDetails"] = {"detailsMap": {"firmware": "2.4.1", "result": execution.final}}
        return 200, {"execution": body}


def _error(url: str, status: int, code: str, message: str) -> AWSResponse:
    headers = HTTPHeaders.from_dict(
        {
            "Content-Type": "application/json",
            "x-amzn-ErrorType": f"{code}:",
            "x-amzn-RequestId": "simulated",
        }
    )
    return AWSResponse(url, status, headers, _Raw(json.dumps({"message": message}).encode()))
