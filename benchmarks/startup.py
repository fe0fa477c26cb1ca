"""Start-up: import cost in fresh processes, and the first conversion of each resource."""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import time

_CLIENT = (
    'boto3.client("devicefarm", region_name="us-west-2", aws_access_key_id="x", '
    'aws_secret_access_key="x")'
)
_ARN = "arn:aws:devicefarm:us-west-2:123456789012:job:p/r/00000"
_FIRST_GET = f"""
import boto3
from botocore.stub import Stubber
from jobkit import DeviceFarm
client = {_CLIENT}
with Stubber(client) as stubber:
    stubber.add_response("get_job", {{"job": {{"arn": "{_ARN}", "status": "COMPLETED"}}}})
    DeviceFarm(client).get_job("{_ARN}")
"""

_BOTO3_GET = f"""
import boto3
from botocore.stub import Stubber
client = {_CLIENT}
with Stubber(client) as stubber:
    stubber.add_response("get_job", {{"job": {{"arn": "{_ARN}", "status": "COMPLETED"}}}})
    client.get_job(arn="{_ARN}")
"""

IMPORTS = {
    "python -c pass": "pass",
    "import boto3": "import boto3",
    "import jobkit": "import jobkit",
    "import boto3, jobkit": "import boto3, jobkit",
    "from jobkit import DeviceFarm": "from jobkit import DeviceFarm",
    "from jobkit import IoT": "from jobkit import IoT",
    "every facade": "from jobkit import DeviceFarm, Amplify, IoT, WaitPolicy",
    "boto3 devicefarm client": f"import boto3; {_CLIENT}",
    "DeviceFarm(client)": f"import boto3; from jobkit import DeviceFarm; DeviceFarm({_CLIENT})",
    "boto3 get_job (Stubber)": _BOTO3_GET,
    "first get_job (Stubber)": _FIRST_GET,
}
"""What each row runs; every row but ``pass`` is compared with ``import boto3``.

The last four are the other side of lazy imports: what was not loaded at import time is
paid when the facade is built or first called, so they show the whole cost of a first use
next to boto3 doing the same (a client, a stubbed call).
"""

TARGETS_MS = {
    "import jobkit": 30.0,
    "import boto3, jobkit": 30.0,
    "from jobkit import DeviceFarm": 30.0,
    "from jobkit import IoT": 30.0,
    "every facade": 60.0,
}
"""Issue 18's targets: at most this many ms over ``import boto3`` (median, fresh processes)."""

HELP_LOADS = """
import contextlib, io, sys
from jobkit._cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    main(sys.argv[1:])
print(sorted(m for m in sys.modules if m.endswith("._models")))
"""


def models_loaded_by_help() -> dict[str, str]:
    """The model modules ``jobkit --help`` and ``jobkit wait devicefarm-run --help`` import."""
    out: dict[str, str] = {}
    for argv in (["--help"], ["wait", "devicefarm-run", "--help"]):
        done = subprocess.run(
            [sys.executable, "-c", HELP_LOADS, *argv], check=True, capture_output=True, text=True
        )
        out["jobkit " + " ".join(argv)] = done.stdout.strip().splitlines()[-1]
    return out


FIRST_STRUCTURE = """
import json, sys, time
import jobkit
from jobkit import amplify, devicefarm, iot
from jobkit._stubs import load_stub
service, operation, scenario, key, model = sys.argv[1:]
raw = load_stub(service, operation, scenario)[key]
cls = {"devicefarm.Job": devicefarm.Job, "devicefarm.RemoteAccessSession": devicefarm.RemoteAccessSession,
       "amplify.Job": amplify.Job, "iot.Job": iot.Job, "iot.JobExecution": iot.JobExecution}[model]
jobkit.structure
start = time.perf_counter(); jobkit.structure(raw, cls); first = time.perf_counter() - start
start = time.perf_counter(); jobkit.structure(raw, cls); second = time.perf_counter() - start
print(json.dumps([first, second]))
"""

RESOURCES = [
    ("devicefarm", "get_job", "passed", "job", "devicefarm.Job"),
    (
        "devicefarm",
        "get_remote_access_session",
        "running",
        "remoteAccessSession",
        "devicefarm.RemoteAccessSession",
    ),
    ("amplify", "get_job", "succeed", "job", "amplify.Job"),
    ("iot", "describe_job", "in_progress", "job", "iot.Job"),
    ("iot", "describe_job_execution", "in_progress", "execution", "iot.JobExecution"),
]


def _wall(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def imports(runs: int = 15, seed: int = 3) -> dict[str, float]:
    """Median wall seconds of each import line, fresh processes, interleaved."""
    samples: dict[str, list[float]] = {name: [] for name in IMPORTS}
    order = list(IMPORTS)
    rng = random.Random(seed)
    for _ in range(runs):
        rng.shuffle(order)
        for name in order:
            samples[name].append(_wall(IMPORTS[name]))
    return {name: statistics.median(v) for name, v in samples.items()}


AFTER_BOTO3 = """
import boto3, time
start = time.perf_counter()
exec(compile(CODE, "<row>", "exec"))
print(time.perf_counter() - start)
"""


def after_boto3(runs: int = 15, seed: int = 3) -> dict[str, float]:
    """Median wall seconds of each row after ``import boto3``, timed inside the fresh process.

    The same rows as :func:`imports`, without boto3's own start-up (most of each process,
    and most of its variance on a loaded machine); ``import boto3`` again is a lookup.
    """
    rows = [name for name in IMPORTS if name not in {"python -c pass", "import boto3"}]
    samples: dict[str, list[float]] = {name: [] for name in rows}
    rng = random.Random(seed)
    for _ in range(runs):
        rng.shuffle(rows)
        for name in rows:
            code = f"CODE = {IMPORTS[name]!r}\n{AFTER_BOTO3}"
            done = subprocess.run(
                [sys.executable, "-c", code], check=True, capture_output=True, text=True
            )
            samples[name].append(float(done.stdout.split()[-1]))
    return {name: statistics.median(v) for name, v in samples.items()}


def first_structure(runs: int = 7) -> dict[str, tuple[float, float]]:
    """Median (first, second) seconds of structure() per resource, fresh processes."""
    out: dict[str, tuple[float, float]] = {}
    for *args, model in RESOURCES:
        firsts: list[float] = []
        seconds: list[float] = []
        for _ in range(runs):
            done = subprocess.run(
                [sys.executable, "-c", FIRST_STRUCTURE, *args, model],
                check=True,
                capture_output=True,
                text=True,
            )
            first, second = json.loads(done.stdout)
            firsts.append(first)
            seconds.append(second)
        out[model] = (statistics.median(firsts), statistics.median(seconds))
    return out
