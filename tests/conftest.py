"""Shared pytest configuration: a fast, deterministic hypothesis profile."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

# Fault injection (issue 9): moto's server, a fault proxy in front of it, IoT clients built for
# them, and an endpoint that never answers. See tests/faultproxy.py. The leak checks
# (no_thread_leaks, no_socket_leaks) are opt-in per module: `no_thread_leaks = faultproxy.no_thread_leaks`.
import faultproxy  # noqa: E402

moto_server = faultproxy.moto_server
fault_proxy = faultproxy.fault_proxy
stalled_endpoint = faultproxy.stalled_endpoint
iot_client_factory = faultproxy.iot_client_factory
