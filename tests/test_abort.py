"""Interrupting a wait leaves no jobkit thread behind within 0.5 s, whatever the network does.

issue 17: Ctrl-C during a stalled request left the wait's ``jobkit call`` thread reading
until its read timeout. A call given up on -- interrupted, cancelled, abandoned at its
deadline -- now has its socket shut down, so its thread ends at once. The endpoints here
accept every request and never answer (or answer 503 and make jobkit sleep to retry).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import faultproxy
import jobkit.aio
from faultproxy import Fault, FaultProxy
from jobkit import IoT, RateLimit, RetryPolicy, Target, WaitPolicy, as_completed
from jobkit.errors import WaitTimeoutError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

no_thread_leaks = faultproxy.no_thread_leaks

PROMPT = 0.5  # the promise: no jobkit thread left this long after the interrupt
READ_TIMEOUT = 5.0  # what a stalled read would otherwise last


def jobkit_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("jobkit")]


def seconds_until_no_jobkit_thread(limit: float = 3 * PROMPT) -> float:
    """How long until no thread of jobkit's is alive (``limit`` when some still are)."""
    start = time.monotonic()
    while jobkit_threads() and time.monotonic() - start < limit:
        time.sleep(0.005)
    return time.monotonic() - start


@pytest.fixture
def ctrl_c() -> Iterator[Callable[..., None]]:
    """``ctrl_c(proxy, n, sig=SIGINT)``: signal the main thread once the proxy has read n requests.

    Python's own SIGINT handler is installed for the test: a process started in the background
    by a shell without job control inherits SIGINT ignored, and Python then installs none.
    """
    threads: list[threading.Thread] = []
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)

    def arm(proxy: FaultProxy, requests: int = 1, sig: int = signal.SIGINT) -> None:
        main = threading.main_thread().ident
        assert main is not None

        def fire() -> None:
            if proxy.wait_for(requests, timeout=10):
                time.sleep(0.2)  # the call is now blocked reading (or sleeping to retry)
                signal.pthread_kill(main, sig)

        thread = threading.Thread(target=fire, name="ctrl-c", daemon=True)
        threads.append(thread)
        thread.start()

    try:
        yield arm
    finally:
        signal.signal(signal.SIGINT, previous)
    for thread in threads:
        thread.join(10)
    assert jobkit_threads() == []


def _exit(*_: object) -> None:
    raise SystemExit(143)


@pytest.fixture
def stalled(stalled_endpoint: FaultProxy) -> FaultProxy:
    assert jobkit_threads() == []
    return stalled_endpoint


def _iot(factory: Callable[..., Any], proxy: FaultProxy, **options: Any) -> IoT:
    return IoT(factory(proxy.url, read_timeout=READ_TIMEOUT), **options)


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, SystemExit])
def test_ctrl_c_during_a_stalled_poll_ends_the_call_thread(
    stalled: FaultProxy,
    iot_client_factory: Callable[..., Any],
    ctrl_c: Any,
    interrupt: type[BaseException],
) -> None:
    iot = _iot(iot_client_factory, stalled)
    previous = signal.signal(signal.SIGTERM, _exit)  # a script's SIGTERM handler
    try:
        ctrl_c(stalled, 1, signal.SIGINT if interrupt is KeyboardInterrupt else signal.SIGTERM)
        with pytest.raises(interrupt):
            iot.wait_for_job("stalled-job", policy=WaitPolicy(timeout=60))
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert seconds_until_no_jobkit_thread() <= PROMPT, jobkit_threads()
    assert stalled.count() == 1  # and nothing tried again behind the caller's back


def test_ctrl_c_during_a_retry_sleep_ends_the_call_thread(
    iot_client_factory: Callable[..., Any], ctrl_c: Any
) -> None:
    with FaultProxy(None, default=Fault.service_unavailable()) as unavailable:
        retry = RetryPolicy(max_attempts=5, min_delay=3, max_delay=3, random=lambda: 1.0)
        iot = _iot(iot_client_factory, unavailable, retry=retry)
        ctrl_c(unavailable, 1)  # the 503 is in: jobkit sleeps 3 s before trying again
        with pytest.raises(KeyboardInterrupt):
            iot.wait_for_job("busy-job", policy=WaitPolicy(timeout=60))
        assert seconds_until_no_jobkit_thread() <= PROMPT, jobkit_threads()
        assert unavailable.count() == 1


def test_a_call_abandoned_at_its_deadline_ends_its_thread(
    stalled: FaultProxy, iot_client_factory: Callable[..., Any]
) -> None:
    iot = _iot(iot_client_factory, stalled)
    with pytest.raises(WaitTimeoutError):
        iot.wait_for_job("stalled-job", policy=WaitPolicy(timeout=0.5))
    assert seconds_until_no_jobkit_thread() <= PROMPT, jobkit_threads()


def test_ctrl_c_during_as_completed_ends_every_worker_thread(
    stalled: FaultProxy, iot_client_factory: Callable[..., Any], ctrl_c: Any
) -> None:
    iot = _iot(iot_client_factory, stalled)
    targets: list[Target[Any]] = [
        iot.job("job-a"),
        iot.job("job-b"),
        iot.job_execution("job-a", "thing"),
    ]
    # Two calls are stalled reading; the third waits for a token of a slow budget.
    ctrl_c(stalled, 2)
    with pytest.raises(KeyboardInterrupt):
        for _ in as_completed(targets, rate=RateLimit(per_second=0.1, burst=2)):
            pass
    assert seconds_until_no_jobkit_thread() <= PROMPT, jobkit_threads()
    assert stalled.count() == 2  # the third call never started


def test_cancelling_an_async_wait_ends_its_worker_thread(
    stalled: FaultProxy, iot_client_factory: Callable[..., Any]
) -> None:
    iot = jobkit.aio.IoT(iot_client_factory(stalled.url, read_timeout=READ_TIMEOUT))

    async def main() -> float:
        task = asyncio.create_task(iot.wait_for_job("stalled-job", policy=WaitPolicy(timeout=60)))
        assert await asyncio.to_thread(stalled.wait_for, 1, 10)
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return seconds_until_no_jobkit_thread()

    assert asyncio.run(main()) <= PROMPT, jobkit_threads()


def test_cancelling_an_async_group_ends_its_call_threads(
    stalled: FaultProxy, iot_client_factory: Callable[..., Any]
) -> None:
    client = iot_client_factory(stalled.url, read_timeout=READ_TIMEOUT)
    aiot, iot = jobkit.aio.IoT(client), IoT(client)  # handles from both kinds of facade
    targets: list[Target[Any]] = [
        aiot.job("job-a"),
        iot.job("job-b"),
        aiot.job_execution("job-a", "thing"),
    ]

    async def main() -> float:
        async def consume() -> None:
            async for _ in jobkit.aio.as_completed(targets, rate=RateLimit(per_second=50)):
                pass

        task = asyncio.create_task(consume())
        assert await asyncio.to_thread(stalled.wait_for, len(targets), 10)
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return seconds_until_no_jobkit_thread()

    assert asyncio.run(main()) <= PROMPT, jobkit_threads()


def test_the_command_exits_130_at_once_on_ctrl_c_during_a_stalled_poll(
    stalled: FaultProxy,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).parent.parent / "src"), os.environ.get("PYTHONPATH", "")]
        ),
    }
    argv = [sys.executable, "-m", "jobkit", "wait", "iot-job", "J", "--endpoint-url", stalled.url]
    with subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert stalled.wait_for(1, timeout=30)
        time.sleep(0.2)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        took = time.monotonic() - sent
    assert proc.returncode == 130, err
    assert took < 2 * PROMPT
    assert err.decode().endswith("jobkit: interrupted (Ctrl-C); nothing was changed on AWS.\n")
    assert out == b""
    assert stalled.count() == 1
