"""Secrets and presigned URLs stay out of repr(); the values themselves are intact."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from hypothesis.provisional import urls

from jobkit import amplify, devicefarm, iot, structure
from jobkit._stubs import load_stub


def test_sensitive_endpoints_are_hidden() -> None:
    raw = load_stub("devicefarm", "get_remote_access_session", "running")
    ras = structure(raw, devicefarm.GetRemoteAccessSessionResponse).remote_access_session
    assert ras is not None
    assert ras.endpoints is not None
    text = repr(ras)
    assert "SECRET-DRIVER-TOKEN-1234" not in text
    assert "SECRET-INTERACTIVE-TOKEN-5678" not in text
    assert "eyJhbGciOiJIUzI1NiJ9" not in text
    assert "remote_driver_endpoint='<redacted>'" in text
    assert ras.endpoints.remote_driver_endpoint is not None
    assert ras.endpoints.remote_driver_endpoint.endswith("token=SECRET-DRIVER-TOKEN-1234")
    assert ras.endpoint is not None
    assert "token=eyJhbGciOiJIUzI1NiJ9" in ras.endpoint
    assert "'wss://devicefarm-remote.us-west-2.amazonaws.com/session?<redacted>'" in text


def test_presigned_step_urls_are_hidden() -> None:
    raw = load_stub("amplify", "get_job", "succeed")
    job = structure(raw, amplify.GetJobResponse).job
    assert job is not None
    assert job.steps is not None
    text = repr(job)
    assert "X-Amz-Signature" not in text
    assert "X-Amz-Security-Token" not in text
    assert "IQoJb3JpZ2luX2VjEXAMPLETOKEN" not in text
    step = job.steps[-1]
    assert step.log_url is not None
    assert "X-Amz-Signature=9c7b1e2d" in step.log_url
    assert step.screenshots is not None
    assert "X-Amz-Signature=9c7b1e2d" in step.screenshots["Pixel 8"]
    assert "amplify-prod-us-east-1-artifacts.s3.amazonaws.com" in text  # where, without the key


def test_devicefarm_video_endpoint_is_hidden() -> None:
    job = structure(load_stub("devicefarm", "get_job", "passed"), devicefarm.GetJobResponse).job
    assert job is not None
    assert "3f1b8c0e0d9a7f6e" not in repr(job)
    assert job.video_endpoint is not None
    assert "X-Amz-Signature=3f1b8c0e0d9a7f6e" in job.video_endpoint


def test_plain_urls_are_shown_whole() -> None:
    response = structure(load_stub("iot", "describe_job", "completed"), iot.DescribeJobResponse)
    assert "ota-docs/firmware-2.4.1.json'" in repr(response)


def test_credentials_in_userinfo_are_hidden() -> None:
    step = amplify.Step(log_url="https://user:hunter2@example.com/log")
    assert "hunter2" not in repr(step)
    assert step.log_url == "https://user:hunter2@example.com/log"


# repr() never raises, whatever a URL or string looks like.

_URLISH = st.one_of(
    st.text(),
    urls(),
    st.from_regex(r"[a-z+]{0,6}://[\[\]@:%/?#=&A-Za-z0-9.\-]{0,40}", fullmatch=True),
    st.sampled_from(
        [
            "https://[bucket.s3.amazonaws.com/key?X-Amz-Signature=abc",
            "https://[::1",
            "http://]",
            "https://user:pw@[v1.x]/?token=t",
            "//host:99999999/path",
            "?token=bare",
            "#access_token=frag",
        ]
    ),
)


@given(url=_URLISH, key=st.text(max_size=8))
def test_repr_never_raises_on_any_url(url: str, key: str) -> None:
    models: list[object] = [
        devicefarm.Job(video_endpoint=url),
        devicefarm.RemoteAccessSession(endpoint=url),
        amplify.Step(log_url=url, screenshots={key: url}),
        iot.DescribeJobResponse(document_source=url),
        structure({"status": "RUNNING", key or "k": url, "nested": [{key: url}]}, devicefarm.Job),
        structure({"steps": [{"stepName": "BUILD", "newUrl": url}]}, amplify.Job),
    ]
    for model in models:
        assert isinstance(repr(model), str)


def test_an_unparseable_url_is_still_redacted() -> None:
    url = "https://[bucket.s3.amazonaws.com/key?X-Amz-Signature=abc123&X-Amz-Credential=AKIA"
    text = repr(devicefarm.Job(video_endpoint=url))
    assert "abc123" not in text
    assert "AKIA" not in text
    assert "'https://[bucket.s3.amazonaws.com/key?<redacted>'" in text
    assert "secret" not in repr(amplify.Step(log_url="https://u:secret@[x/log"))


def test_a_presigned_url_in_an_unknown_member_is_redacted() -> None:
    raw = load_stub("amplify", "get_job", "succeed")
    signed = raw["job"]["steps"][-1]["logUrl"]
    raw["job"]["steps"][-1]["newArtifactsUrl"] = signed
    raw["job"]["newTopLevel"] = {"links": [signed]}
    job = structure(raw, amplify.GetJobResponse).job
    assert job is not None
    text = repr(job)
    assert "X-Amz-Signature" not in text
    assert "IQoJb3JpZ2luX2VjEXAMPLETOKEN" not in text
    assert text.count("?<redacted>'") >= 3
