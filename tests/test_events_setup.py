"""``jobkit events setup|check`` on moto's server over real HTTP, every request recorded.

The command talks to a `FaultProxy` in front of moto: the proxy records every request (so a dry
run or a second setup is proven to change nothing) and answers the two IoT calls moto lacks,
DescribeEventConfigurations and UpdateEventConfigurations, from a little state of its own.
"""

from __future__ import annotations

import io
import json
import re
import urllib.request
import uuid
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qs

import pytest

import faultproxy
from faultproxy import Fault, FaultProxy, Request
from helpers import make_client
from jobkit._cli import main
from jobkit._cli._args import parser
from jobkit._cli._events_setup import run

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.integration
no_thread_leaks = faultproxy.no_thread_leaks

REGION = "us-west-2"
ACCOUNT = "123456789012"
_TARGETS = {"AmazonSQS": "sqs", "AWSEvents": "events"}
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/")
_READS = ("Get", "Describe", "List", "Receive")


def operation(request: Request) -> str:
    """``sqs:CreateQueue``: the service and API operation of one recorded request."""
    target = request.headers.get("x-amz-target")
    if target:
        prefix, _, name = target.partition(".")
        return f"{_TARGETS.get(prefix, prefix)}:{name}"
    action = parse_qs(request.body.decode()).get("Action")
    if action:
        scope = _SCOPE.search(request.headers.get("authorization", ""))
        return f"{scope.group(1) if scope else '?'}:{action[0]}"
    return f"iot:{request.operation}"


def changes(proxy: FaultProxy) -> list[str]:
    """The recorded operations that change something (not Get/Describe/List/Receive)."""
    ops = [operation(r) for r in proxy.requests]
    return [op for op in ops if not op.split(":", 1)[1].startswith(_READS)]


class Aws:
    """The proxy in front of moto, the IoT event configurations it keeps, and extra rules."""

    def __init__(self, proxy: FaultProxy, upstream: str) -> None:
        self.proxy = proxy
        self.upstream = upstream
        self.configurations: dict[str, dict[str, bool]] = {
            "JOB": {"Enabled": False},
            "JOB_EXECUTION": {"Enabled": False},
            "THING": {"Enabled": False},
        }
        self.answers: dict[str, Fault] = {}  # operation -> a fault answered once
        proxy.rule = self._rule

    def _rule(self, request: Request) -> Fault | None:
        name = operation(request)
        if name in self.answers:
            return self.answers.pop(name)
        if request.path.rstrip("/") != "/event-configurations":
            return None
        if request.method == "PATCH":
            sent = json.loads(request.body)["eventConfigurations"]
            for kind, setting in sent.items():
                self.configurations[kind] = {"Enabled": bool(setting["Enabled"])}
            return Fault.respond(200, "{}")
        return Fault.respond(200, json.dumps({"eventConfigurations": self.configurations}))

    def forget(self) -> None:
        """Forget the requests recorded so far (the proxy's rule stays)."""
        self.proxy.reset()
        self.proxy.rule = self._rule

    def client(self, service: str) -> Any:
        return make_client(service, region_name=REGION, endpoint_url=self.upstream)

    def jobkit(self, *argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = main(
            [*argv, "--region", REGION, "--endpoint-url", self.proxy.url], stdout=out, stderr=err
        )
        return code, out.getvalue(), err.getvalue()


@pytest.fixture
def aws(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    reset = urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")  # noqa: S310
    with urllib.request.urlopen(reset, timeout=10):  # noqa: S310 -- moto's http on 127.0.0.1
        pass
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_CONFIG_FILE", "/dev/null"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
    ):
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with FaultProxy(moto_server) as proxy:
        yield Aws(proxy, moto_server)
    assert not proxy.errors, proxy.errors


@pytest.fixture
def queue() -> str:
    return f"jobkit-{uuid.uuid4().hex[:10]}"


def path(url: str) -> str:
    return "/" + url.split("//", 1)[1].split("/", 1)[1]


def through(aws: Aws, url: str) -> str:
    """A queue URL as the command saw it: moto names queues after the host asked (the proxy)."""
    return f"{aws.proxy.url}{path(url)}"


def numbered(out: str) -> list[str]:
    """The step lines (``1. queue q: created``) of the command's output."""
    return [text for text in out.splitlines() if re.match(r"\d+\. ", text)]


# -- dry run --------------------------------------------------------------------------------------


def test_a_dry_run_of_amplify_prints_each_call_and_its_cli_and_changes_nothing(
    aws: Aws, queue: str
) -> None:
    code, out, err = aws.jobkit("events", "setup", "amplify", "--queue", queue, "--dry-run")
    assert (code, err) == (0, "")
    assert [s.split(":")[0] for s in numbered(out)] == [
        f"1. queue {queue}",
        "2. EventBridge rule jobkit-amplify",
        "3. target of rule jobkit-amplify",
        "4. queue policy for rule jobkit-amplify",
    ]
    assert f"aws sqs create-queue --queue-name {queue} --attributes " in out
    assert '"MessageRetentionPeriod": "3600"' in out
    assert "aws events put-rule --name jobkit-amplify --event-pattern " in out
    assert "aws events put-targets --rule jobkit-amplify --targets " in out
    assert f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}" in out  # the ARN the queue will have
    assert f"arn:aws:events:{REGION}:{ACCOUNT}:rule/jobkit-amplify" in out
    assert "aws sqs set-queue-attributes" in out
    assert "4 step(s) would change something" in out
    assert changes(aws.proxy) == []
    ops = [operation(r) for r in aws.proxy.requests]
    assert ops == [
        "sts:GetCallerIdentity",
        "sqs:GetQueueUrl",
        "events:DescribeRule",
        "events:ListTargetsByRule",
    ]
    assert aws.client("sqs").list_queues().get("QueueUrls", []) == []


def test_a_dry_run_of_iot_prints_each_call_and_changes_nothing(aws: Aws, queue: str) -> None:
    code, out, _ = aws.jobkit("events", "setup", "iot", "--queue", queue, "--dry-run")
    assert code == 0
    assert [s.split(":")[0] for s in numbered(out)] == [
        f"1. queue {queue}",
        "2. event configurations",
        "3. IAM role jobkit-iot-events",
        f"4. inline policy jobkit-send-to-{queue} of role jobkit-iot-events",
        "5. topic rule jobkit_jobs ($aws/events/job/#)",
        "6. topic rule jobkit_job_executions ($aws/events/jobExecution/#)",
    ]
    assert "2. event configurations: JOB and JOB_EXECUTION off" in out
    assert "aws iot update-event-configurations --event-configurations " in out
    assert "aws iam create-role --role-name jobkit-iot-events" in out
    assert "aws iot create-topic-rule --rule-name jobkit_jobs --topic-rule-payload " in out
    assert "SELECT * FROM '\"'\"'$aws/events/job/#'\"'\"'" in out  # shell-quoted for the CLI
    assert f"arn:aws:iam::{ACCOUNT}:role/jobkit-iot-events" in out
    assert changes(aws.proxy) == []
    assert aws.configurations["JOB"] == {"Enabled": False}


# -- setup, twice -------------------------------------------------------------------------------


def test_amplify_setup_creates_everything_and_a_second_run_changes_nothing(
    aws: Aws, queue: str
) -> None:
    code, out, err = aws.jobkit("events", "setup", "amplify", "--queue", queue)
    assert (code, err) == (0, "")
    assert [s.split(": ", 1)[1] for s in numbered(out)] == [
        "created",
        "created",
        "created",
        "updated",
    ]
    assert changes(aws.proxy) == [
        "sqs:CreateQueue",
        "events:PutRule",
        "events:PutTargets",
        "sqs:SetQueueAttributes",
    ]
    sqs, rules = aws.client("sqs"), aws.client("events")
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["MessageRetentionPeriod"] == "3600"
    assert attributes.get("FifoQueue", "false") == "false"
    rule = rules.describe_rule(Name="jobkit-amplify")
    assert json.loads(rule["EventPattern"]) == {
        "source": ["aws.amplify"],
        "detail-type": ["Amplify Deployment Status Change"],
    }
    assert rule["State"] == "ENABLED"
    targets = rules.list_targets_by_rule(Rule="jobkit-amplify")["Targets"]
    assert [(t["Id"], t["Arn"]) for t in targets] == [(f"jobkit-{queue}", attributes["QueueArn"])]
    policy = json.loads(attributes["Policy"])
    assert policy["Statement"] == [
        {
            "Sid": "jobkit-amplify",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": attributes["QueueArn"],
            "Condition": {"ArnEquals": {"aws:SourceArn": rule["Arn"]}},
        }
    ]
    assert f"--events http://127.0.0.1:{aws.proxy.port}{path(url)}" in out

    aws.forget()
    code, out, _ = aws.jobkit("events", "setup", "amplify", "--queue", queue)
    assert code == 0
    assert [s.split(": ", 1)[1] for s in numbered(out)] == [
        "exists",
        "exists, enabled",
        f"sends to {queue}",
        "allows jobkit-amplify",
    ]
    assert "already wired, nothing changed" in out
    assert changes(aws.proxy) == []


def test_iot_setup_creates_everything_and_a_second_run_changes_nothing(
    aws: Aws, queue: str
) -> None:
    code, out, err = aws.jobkit("events", "setup", "iot", "--queue", queue)
    assert (code, err) == (0, "")
    assert [s.split(": ", 1)[1] for s in numbered(out)] == [
        "created",
        "enabled",
        "created",
        "created",
        "created",
        "created",
    ]
    assert changes(aws.proxy) == [
        "sqs:CreateQueue",
        "iot:UpdateEventConfigurations",
        "iam:CreateRole",
        "iam:PutRolePolicy",
        "iot:CreateTopicRule",
        "iot:CreateTopicRule",
    ]
    assert aws.configurations["JOB"] == aws.configurations["JOB_EXECUTION"] == {"Enabled": True}
    assert aws.configurations["THING"] == {"Enabled": False}  # only the two it needs
    iot, iam, sqs = aws.client("iot"), aws.client("iam"), aws.client("sqs")
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    role = iam.get_role(RoleName="jobkit-iot-events")["Role"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "iot.amazonaws.com"
    }
    document = iam.get_role_policy(
        RoleName="jobkit-iot-events", PolicyName=f"jobkit-send-to-{queue}"
    )["PolicyDocument"]
    assert document["Statement"][0]["Action"] == "sqs:SendMessage"
    assert document["Statement"][0]["Resource"] == f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}"
    for name, topic in (
        ("jobkit_jobs", "$aws/events/job/#"),
        ("jobkit_job_executions", "$aws/events/jobExecution/#"),
    ):
        rule = iot.get_topic_rule(ruleName=name)["rule"]
        assert rule["sql"] == f"SELECT * FROM '{topic}'"  # noqa: S608 -- IoT SQL
        assert rule["ruleDisabled"] is False
        assert rule["actions"] == [
            {"sqs": {"queueUrl": through(aws, url), "roleArn": role["Arn"], "useBase64": False}}
        ]

    aws.forget()
    code, out, _ = aws.jobkit("events", "setup", "iot", "--queue", queue)
    assert code == 0
    assert not [
        s for s in numbered(out) if s.split(": ", 1)[1] in {"created", "updated", "enabled"}
    ]
    assert "already wired, nothing changed" in out
    assert changes(aws.proxy) == []


def test_a_second_queue_shares_the_rules_without_taking_them_from_the_first(aws: Aws) -> None:
    for name in ("first-queue", "second-queue"):
        assert aws.jobkit("events", "setup", "iot", "--queue", name)[0] == 0
        assert aws.jobkit("events", "setup", "amplify", "--queue", name)[0] == 0
    iot, rules, sqs = aws.client("iot"), aws.client("events"), aws.client("sqs")
    urls = [sqs.get_queue_url(QueueName=n)["QueueUrl"] for n in ("first-queue", "second-queue")]
    actions = iot.get_topic_rule(ruleName="jobkit_jobs")["rule"]["actions"]
    assert [a["sqs"]["queueUrl"] for a in actions] == [through(aws, u) for u in urls]
    targets = rules.list_targets_by_rule(Rule="jobkit-amplify")["Targets"]
    assert sorted(t["Id"] for t in targets) == ["jobkit-first-queue", "jobkit-second-queue"]
    for name in ("first-queue", "second-queue"):
        assert aws.jobkit("events", "check", "iot", "--queue", name)[0] == 0
        assert aws.jobkit("events", "check", "amplify", "--queue", name)[0] == 0


def test_an_app_id_gets_a_rule_of_its_own_narrowed_to_that_app(aws: Aws, queue: str) -> None:
    code, out, _ = aws.jobkit("events", "setup", "amplify", "--queue", queue, "--app-id", "d1a2b3")
    assert code == 0
    assert "EventBridge rule jobkit-amplify-d1a2b3: created" in out
    pattern = aws.client("events").describe_rule(Name="jobkit-amplify-d1a2b3")["EventPattern"]
    assert json.loads(pattern)["detail"] == {"appId": ["d1a2b3"]}
    code, out, _ = aws.jobkit("events", "check", "amplify", "--queue", queue)
    assert code == 1  # the unfiltered rule is another rule, not set up
    assert "fix with: jobkit events setup amplify --queue " in out


def test_a_given_role_arn_is_used_and_no_role_is_created(aws: Aws, queue: str) -> None:
    iam = aws.client("iam")
    arn = iam.create_role(RoleName="mine", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    aws.forget()
    code, out, _ = aws.jobkit("events", "setup", "iot", "--queue", queue, "--role-arn", arn)
    assert code == 0, out
    assert "3. IAM role mine: exists (given by --role-arn; its permissions are not checked)" in out
    assert not [op for op in changes(aws.proxy) if op.startswith("iam:")]
    rule = aws.client("iot").get_topic_rule(ruleName="jobkit_jobs")["rule"]
    assert rule["actions"][0]["sqs"]["roleArn"] == arn
    assert aws.jobkit("events", "check", "iot", "--queue", queue, "--role-arn", arn)[0] == 0


# -- check --------------------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["amplify", "iot"])
def test_check_before_setup_lists_what_is_missing_and_the_command_that_fixes_it(
    aws: Aws, queue: str, service: str
) -> None:
    code, out, err = aws.jobkit("events", "check", service, "--queue", queue, "--wait", "1")
    assert (code, err) == (1, "")
    steps = numbered(out)
    assert steps[0] == f"1. queue {queue}: MISSING: missing"
    assert all(": MISSING: " in s for s in steps), steps
    assert f"fix with: jobkit events setup {service} --queue {queue} --region {REGION}" in out
    assert "message:" not in out  # no queue, nothing received
    assert changes(aws.proxy) == []


@pytest.mark.parametrize("service", ["amplify", "iot"])
def test_check_after_setup_says_wired(aws: Aws, queue: str, service: str) -> None:
    assert aws.jobkit("events", "setup", service, "--queue", queue)[0] == 0
    code, out, _ = aws.jobkit("events", "check", service, "--queue", queue)
    assert code == 0, out
    assert all(": ok: " in s for s in numbered(out))
    assert "0 message(s) waiting, 0 in flight" in out
    assert "policy: present" in out if service == "amplify" else "policy: none" in out
    assert "jobkit: wired:" in out


def test_check_names_the_one_piece_that_went_missing(aws: Aws, queue: str) -> None:
    assert aws.jobkit("events", "setup", "iot", "--queue", queue)[0] == 0
    aws.configurations["JOB_EXECUTION"] = {"Enabled": False}
    aws.client("iot").disable_topic_rule(ruleName="jobkit_jobs")
    code, out, _ = aws.jobkit("events", "check", "iot", "--queue", queue)
    assert code == 1
    assert "2. event configurations: MISSING: JOB_EXECUTION off" in out
    assert "5. topic rule jobkit_jobs ($aws/events/job/#): MISSING: it is disabled" in out
    assert "2 of 6 step(s) missing" in out
    assert aws.jobkit("events", "setup", "iot", "--queue", queue)[0] == 0
    assert aws.jobkit("events", "check", "iot", "--queue", queue)[0] == 0


def test_an_amplify_event_after_setup_reaches_the_queue_and_check_recognises_it(
    aws: Aws, queue: str
) -> None:
    assert aws.jobkit("events", "setup", "amplify", "--queue", queue)[0] == 0
    detail = {"appId": "d1a2b3", "branchName": "main", "jobId": "7", "jobStatus": "SUCCEED"}
    aws.client("events").put_events(
        Entries=[
            {
                "Source": "aws.amplify",
                "DetailType": "Amplify Deployment Status Change",
                "Detail": json.dumps(detail),
            }
        ]
    )
    aws.forget()
    code, out, _ = aws.jobkit("events", "check", "amplify", "--queue", queue, "--wait", "2")
    assert code == 0, out
    assert "message: received one (given back at once" in out
    assert "jobkit recognises: amplify d1a2b3 main 7 (claims SUCCEED)" in out
    assert changes(aws.proxy) == ["sqs:ChangeMessageVisibility"]
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    left = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    assert left["Attributes"]["ApproximateNumberOfMessages"] == "1"  # given back, not consumed


def test_check_shows_an_iot_document_and_what_it_does_not_recognise(aws: Aws, queue: str) -> None:
    assert aws.jobkit("events", "setup", "iot", "--queue", queue)[0] == 0
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    sqs.send_message(
        QueueUrl=url,
        MessageBody=json.dumps(
            {
                "eventType": "JOB_EXECUTION",
                "jobId": "ota-1",
                "thingArn": f"arn:aws:iot:{REGION}:{ACCOUNT}:thing/pump\x1b[2J",
                "status": "FAILED",
            }
        ),
    )
    code, out, _ = aws.jobkit("events", "check", "iot", "--queue", queue, "--wait", "1")
    assert code == 0
    assert "jobkit recognises: iot-execution ota-1 pump\\u001b[2J (claims FAILED)" in out
    assert "\x1b" not in out  # AWS text goes through the terminal sink
    received = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=received[0]["ReceiptHandle"])
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"source": "aws.codebuild"}))
    code, out, _ = aws.jobkit("events", "check", "iot", "--queue", queue, "--wait", "1")
    assert "jobkit recognises nothing in it (source aws.codebuild)" in out
    sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)
    sqs.purge_queue(QueueUrl=url)
    sqs.send_message(QueueUrl=url, MessageBody="not json")
    code, out, _ = aws.jobkit("events", "check", "iot", "--queue", queue, "--wait", "1")
    assert "jobkit cannot read it: it is not JSON" in out


# -- AWS's quirks and refusals ------------------------------------------------------------------


def test_get_topic_rule_denied_for_a_rule_that_does_not_exist_is_read_as_missing(
    aws: Aws, queue: str
) -> None:
    # Real IoT answers GetTopicRule for a missing rule with UnauthorizedException.
    aws.answers["iot:GetTopicRule"] = Fault.aws_error(
        401, "UnauthorizedException", "Access to topic rule 'jobkit_jobs' was denied"
    )
    code, out, err = aws.jobkit("events", "setup", "iot", "--queue", queue)
    assert (code, err) == (0, "")
    assert "5. topic rule jobkit_jobs ($aws/events/job/#): created" in out
    assert "iot:ListTopicRules" in [operation(r) for r in aws.proxy.requests]


def test_a_rule_iot_cannot_assume_yet_is_retried_until_iam_settles(aws: Aws, queue: str) -> None:
    aws.answers["iot:CreateTopicRule"] = Fault.aws_error(
        400,
        "InvalidRequestException",
        "AWS IoT (iot.amazonaws.com) is unable to assume role (sts:AssumeRole) on resource: "
        "arn:aws:iam::123456789012:role/jobkit-iot-events. If the role was just created or "
        "updated, please try again in a few seconds.",
    )
    naps: list[float] = []
    args = parser().parse_args(
        [
            "events",
            "setup",
            "iot",
            "--queue",
            queue,
            "--region",
            REGION,
            "--endpoint-url",
            aws.proxy.url,
        ]
    )
    out, err = io.StringIO(), io.StringIO()
    assert run(args, out, err, sleep=naps.append) == 0, err.getvalue()
    assert naps == [1.0]
    assert [operation(r) for r in aws.proxy.requests].count("iot:CreateTopicRule") == 3


def test_creating_the_role_denied_says_to_pass_role_arn(aws: Aws, queue: str) -> None:
    denied = (
        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
        "<Message>User is not authorized to perform: iam:CreateRole</Message></Error>"
        "<RequestId>1</RequestId></ErrorResponse>"
    )
    aws.answers["iam:CreateRole"] = Fault.respond(403, denied, content_type="text/xml")
    code, out, err = aws.jobkit("events", "setup", "iot", "--queue", queue)
    assert code == 5
    assert "CreateRole" in err
    assert "pass --role-arn ARN" in err
    assert f"Done before it: queue {queue}; event configurations" in err
    assert "3. IAM role" not in out


@pytest.mark.usefixtures("aws")  # for its credentials
def test_an_unreachable_endpoint_is_an_aws_error_naming_it() -> None:
    unreachable = ["--endpoint-url", "http://127.0.0.1:9", "--connect-timeout", "1"]
    args = parser().parse_args(
        ["events", "check", "iot", "--queue", "q", "--region", REGION, *unreachable]
    )
    err = io.StringIO()
    assert run(args, io.StringIO(), err) == 5
    assert "Could not reach AWS at http://127.0.0.1:9" in err.getvalue()
    assert "--endpoint-url" in err.getvalue()


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["setup", "amplify", "--queue", "jobs.fifo"], "--queue 'jobs.fifo' is a FIFO queue"),
        (["setup", "amplify", "--queue", "bad name"], "--queue 'bad name' is not a queue name"),
        (["setup", "amplify", "--queue", "q", "--app-id", "APP"], "--app-id 'APP' is not"),
        (["setup", "iot", "--queue", "q", "--role-arn", "mine"], "--role-arn 'mine' is not"),
        (["check", "iot", "--queue", "q", "--wait", "30"], "--wait '30'"),
        (["check", "iot", "--queue", "q", "--wait", "x"], "--wait 'x'"),
        (["setup", "iot", "--queue", "q", "--region", "us west"], "--region 'us west'"),
        (["setup", "iot", "--queue", "q", "--endpoint-url", "ftp://x"], "--endpoint-url 'ftp://x'"),
        (["setup", "ecs", "--queue", "q"], "invalid choice: 'ecs'"),
        (["setup", "iot"], "--queue"),
    ],
    ids=lambda v: " ".join(cast("list[str]", v)) if isinstance(v, list) else "",
)
def test_bad_flags_are_refused_before_any_call(
    aws: Aws, argv: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out, err = io.StringIO(), io.StringIO()
    try:
        argv = [*argv[:2], "--endpoint-url", aws.proxy.url, *argv[2:]]  # a given one wins
        code = main(["events", *argv], stdout=out, stderr=err)
    except SystemExit as exc:  # argparse's own refusals
        code = int(str(exc.code))
    text = err.getvalue() + capsys.readouterr().err
    assert code == 2
    assert said in text
    assert aws.proxy.requests == []


def test_no_region_is_a_usage_error_naming_the_flag(aws: Aws) -> None:
    err = io.StringIO()
    code = main(
        ["events", "setup", "iot", "--queue", "q", "--endpoint-url", aws.proxy.url],
        stdout=io.StringIO(),
        stderr=err,
    )
    assert code == 2
    assert "pass --region or set AWS_DEFAULT_REGION" in err.getvalue()
    assert aws.proxy.requests == []


# -- CodeBuild and Batch: the same EventBridge wiring as Amplify's, their own facts --------------

_BUILD = "web:1a2b3c42-5c3e-4b1a-9f0d-2e7a6b8c9d0e"
_JOB = "4b6a1f2e-0c3d-4e5f-8a9b-0c1d2e3f4a5b"
_JOB_QUEUE = f"arn:aws:batch:{REGION}:{ACCOUNT}:job-queue/nightly"
_PATTERNS = {
    "codebuild": {"source": ["aws.codebuild"], "detail-type": ["CodeBuild Build State Change"]},
    "batch": {"source": ["aws.batch"], "detail-type": ["Batch Job State Change"]},
}

_LABELS = {"codebuild": "CodeBuild build state changes", "batch": "Batch job state changes"}


def _event(service: str) -> dict[str, str]:
    """A state-change event as AWS's user guides show it, for ``put_events``."""
    if service == "codebuild":
        detail: dict[str, Any] = {
            "build-status": "SUCCEEDED",
            "project-name": "web",
            "build-id": f"arn:aws:codebuild:{REGION}:{ACCOUNT}:build/{_BUILD}",
            "additional-information": {"build-complete": True},
        }
        kind = "CodeBuild Build State Change"
    else:
        detail = {
            "jobArn": f"arn:aws:batch:{REGION}:{ACCOUNT}:job/{_JOB}",
            "jobName": "nightly-etl",
            "jobId": _JOB,
            "jobQueue": _JOB_QUEUE,
            "status": "RUNNABLE",
        }
        kind = "Batch Job State Change"
    return {"Source": f"aws.{service}", "DetailType": kind, "Detail": json.dumps(detail)}


@pytest.mark.parametrize("service", ["codebuild", "batch"])
def test_a_dry_run_of_codebuild_or_batch_prints_each_call_and_changes_nothing(
    aws: Aws, queue: str, service: str
) -> None:
    code, out, err = aws.jobkit("events", "setup", service, "--queue", queue, "--dry-run")
    assert (code, err) == (0, "")
    rule = f"jobkit-{service}"
    assert [s.split(":")[0] for s in numbered(out)] == [
        f"1. queue {queue}",
        f"2. EventBridge rule {rule}",
        f"3. target of rule {rule}",
        f"4. queue policy for rule {rule}",
    ]
    assert f"aws sqs create-queue --queue-name {queue} --attributes " in out
    assert f"aws events put-rule --name {rule} --event-pattern " in out
    assert f"aws events put-targets --rule {rule} --targets " in out
    assert f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{rule}" in out
    assert "aws sqs set-queue-attributes" in out
    assert "4 step(s) would change something" in out
    assert changes(aws.proxy) == []
    assert aws.client("sqs").list_queues().get("QueueUrls", []) == []


@pytest.mark.parametrize("service", ["codebuild", "batch"])
def test_codebuild_or_batch_setup_creates_everything_and_a_second_run_changes_nothing(
    aws: Aws, queue: str, service: str
) -> None:
    code, out, err = aws.jobkit("events", "setup", service, "--queue", queue)
    assert (code, err) == (0, "")
    assert [s.split(": ", 1)[1] for s in numbered(out)] == [
        "created",
        "created",
        "created",
        "updated",
    ]
    assert changes(aws.proxy) == [
        "sqs:CreateQueue",
        "events:PutRule",
        "events:PutTargets",
        "sqs:SetQueueAttributes",
    ]
    rule_name = f"jobkit-{service}"
    sqs, rules = aws.client("sqs"), aws.client("events")
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    rule = rules.describe_rule(Name=rule_name)
    assert json.loads(rule["EventPattern"]) == _PATTERNS[service]
    assert rule["State"] == "ENABLED"
    assert (
        rule["Description"] == f"jobkit: {_LABELS[service]} to SQS (jobkit events setup {service})"
    )
    targets = rules.list_targets_by_rule(Rule=rule_name)["Targets"]
    assert [(t["Id"], t["Arn"]) for t in targets] == [(f"jobkit-{queue}", attributes["QueueArn"])]
    policy = json.loads(attributes["Policy"])
    assert policy["Statement"] == [
        {
            "Sid": rule_name,
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": attributes["QueueArn"],
            "Condition": {"ArnEquals": {"aws:SourceArn": rule["Arn"]}},
        }
    ]

    aws.forget()
    code, out, _ = aws.jobkit("events", "setup", service, "--queue", queue)
    assert code == 0
    assert [s.split(": ", 1)[1] for s in numbered(out)] == [
        "exists",
        "exists, enabled",
        f"sends to {queue}",
        f"allows {rule_name}",
    ]
    assert "already wired, nothing changed" in out
    assert changes(aws.proxy) == []


@pytest.mark.parametrize("service", ["codebuild", "batch"])
def test_codebuild_or_batch_check_says_missing_then_wired(
    aws: Aws, queue: str, service: str
) -> None:
    code, out, _ = aws.jobkit("events", "check", service, "--queue", queue, "--wait", "1")
    assert code == 1
    assert all(": MISSING: " in s for s in numbered(out)), out
    assert f"fix with: jobkit events setup {service} --queue {queue} --region {REGION}" in out
    assert aws.jobkit("events", "setup", service, "--queue", queue)[0] == 0
    code, out, _ = aws.jobkit("events", "check", service, "--queue", queue, "--wait", "1")
    assert code == 0, out
    assert [s.split(": ")[1] for s in numbered(out)] == ["ok"] * 4
    assert "policy: present" in out
    assert "jobkit: wired:" in out


@pytest.mark.parametrize(
    ("service", "recognised"),
    [
        ("codebuild", f"codebuild {_BUILD} (claims SUCCEEDED)"),
        ("batch", f"batch {_JOB} (claims RUNNABLE)"),
    ],
)
def test_a_codebuild_or_batch_event_after_setup_reaches_the_queue_and_check_recognises_it(
    aws: Aws, queue: str, service: str, recognised: str
) -> None:
    assert aws.jobkit("events", "setup", service, "--queue", queue)[0] == 0
    sent = aws.client("events").put_events(Entries=[_event(service)])
    assert sent["FailedEntryCount"] == 0
    aws.forget()
    code, out, _ = aws.jobkit("events", "check", service, "--queue", queue, "--wait", "2")
    assert code == 0, out
    assert "message: received one (given back at once" in out
    assert f"jobkit recognises: {recognised}" in out
    assert changes(aws.proxy) == ["sqs:ChangeMessageVisibility"]


@pytest.mark.parametrize(
    ("service", "flag", "value", "rule", "detail"),
    [
        ("codebuild", "--project", "web", "jobkit-codebuild-web", {"project-name": ["web"]}),
        (
            "codebuild",
            "--project",
            f"arn:aws:codebuild:{REGION}:{ACCOUNT}:project/web",
            "jobkit-codebuild-web",
            {"project-name": ["web"]},
        ),
        ("batch", "--job-queue", _JOB_QUEUE, "jobkit-batch-nightly", {"jobQueue": [_JOB_QUEUE]}),
    ],
)
def test_a_project_or_job_queue_gets_a_rule_of_its_own_that_its_events_reach(
    aws: Aws, queue: str, service: str, flag: str, value: str, rule: str, detail: object
) -> None:
    code, out, _ = aws.jobkit("events", "setup", service, "--queue", queue, flag, value)
    assert code == 0, out
    assert f"EventBridge rule {rule}: created" in out
    pattern = json.loads(aws.client("events").describe_rule(Name=rule)["EventPattern"])
    assert pattern == {**_PATTERNS[service], "detail": detail}
    assert aws.jobkit("events", "check", service, "--queue", queue, flag, value)[0] == 0
    code, out, _ = aws.jobkit("events", "check", service, "--queue", queue, "--wait", "1")
    assert code == 1  # the unnarrowed rule is another rule, not set up
    events = aws.client("events")
    other = json.loads(_event(service)["Detail"])
    other.update({"project-name": "api"} if service == "codebuild" else {"jobQueue": "x"})
    events.put_events(Entries=[{**_event(service), "Detail": json.dumps(other)}])  # not ours
    events.put_events(Entries=[_event(service)])
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
    bodies = [json.loads(m["Body"]) for m in got.get("Messages", [])]
    assert [b["detail"] for b in bodies] == [json.loads(_event(service)["Detail"])]


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["codebuild", "--project", "web!"], "--project 'web!' is not a CodeBuild project name"),
        (["codebuild", "--project", "arn:aws:s3:::b"], "--project 'arn:aws:s3:::b' is"),
        (["batch", "--job-queue", "nightly"], "--job-queue 'nightly' is not a job queue ARN"),
    ],
    ids=lambda v: " ".join(cast("list[str]", v)) if isinstance(v, list) else "",
)
def test_bad_narrowing_flags_are_refused_before_any_call(
    aws: Aws, argv: list[str], said: str
) -> None:
    code, _, err = aws.jobkit("events", "setup", argv[0], "--queue", "q", *argv[1:])
    assert code == 2
    assert said in err
    assert aws.proxy.requests == []


def test_a_long_project_name_gets_a_rule_name_within_eventbridges_64_characters() -> None:
    from jobkit.codebuild._events_wiring import WIRING  # noqa: PLC0415

    names = [
        WIRING.steps("q", {"project": project})[0].name.removeprefix("EventBridge rule ")
        for project in ("a" * 150, "a" * 149 + "b", "web")
    ]
    assert [len(n) <= 64 for n in names] == [True, True, True]
    assert names[0] != names[1]  # the cut names differ by their digest
    assert names[2] == "jobkit-codebuild-web"
