"""The scan split by account for Kubernetes and ECS (docs/scale.md): the generated manifests parse, say what they
should, and (ECS) are valid inputs of botocore's own RegisterTaskDefinition and CreateSchedule models; the pod's
shell picks its account by JOB_COMPLETION_INDEX."""

from __future__ import annotations

import json
import subprocess

import botocore.session
import pytest
import yaml
from botocore.validate import ParamValidator

from evidence_tracer.app.jobs import EcsTarget, ecs, indexed_scan_command, kubernetes
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.errors import ConfigError

ACCOUNTS = ("111111111111", "222222222222", "333333333333")
CONFIG = WorkspaceConfig.model_validate({"store": {"url": "s3://acme-evidence/tracer", "region": "us-east-1"}})
TEXT = "store: {url: s3://acme-evidence/tracer, region: us-east-1}\n"


def test_kubernetes_runs_one_indexed_pod_per_account_then_the_merge() -> None:
    docs = list(yaml.safe_load_all(kubernetes(CONFIG, TEXT, "registry/tracer:1", ACCOUNTS, "arn:aws:iam::1:role/r")))
    kinds = [d["kind"] for d in docs]
    assert kinds == ["ConfigMap", "ServiceAccount", "CronJob", "CronJob"]
    assert docs[0]["data"]["tracer.yaml"] == TEXT
    assert docs[1]["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == "arn:aws:iam::1:role/r"
    scan, merge = docs[2]["spec"], docs[3]["spec"]
    job = scan["jobTemplate"]["spec"]
    assert job["completionMode"] == "Indexed" and job["completions"] == 3 and job["parallelism"] == 3
    container = job["template"]["spec"]["containers"][0]
    assert container["env"] == [{"name": "TRACER_ACCOUNTS", "value": " ".join(ACCOUNTS)}]
    command = merge["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"][2]
    assert all(f"--expect {a}" in command for a in ACCOUNTS) and "tracer scans merge" in command
    assert scan["schedule"] < merge["schedule"] or scan["schedule"].split()[1] < merge["schedule"].split()[1]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_each_pod_scans_the_account_at_its_index(index: int) -> None:
    script = indexed_scan_command().replace("exec tracer", "echo tracer")
    env = {"TRACER_ACCOUNTS": " ".join(ACCOUNTS), "JOB_COMPLETION_INDEX": str(index), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(["sh", "-c", script], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split()[-1] == ACCOUNTS[index]


def test_ecs_inputs_are_valid_for_botocores_own_models() -> None:
    target = EcsTarget(
        "arn:aws:ecs:us-east-1:111111111111:cluster/tracer",
        ("subnet-0abc",),
        "arn:aws:iam::111111111111:role/EvidenceTracerReadOnly",
        "arn:aws:iam::111111111111:role/ecsTaskExecutionRole",
        "arn:aws:iam::111111111111:role/scheduler",
    )
    generated = json.loads(ecs(CONFIG, TEXT, "registry/tracer:1", ACCOUNTS, target))
    session = botocore.session.get_session()
    validator = ParamValidator()
    task_shape = session.get_service_model("ecs").operation_model("RegisterTaskDefinition").input_shape
    assert not validator.validate(generated["taskDefinition"], task_shape).has_errors()
    schedule_shape = session.get_service_model("scheduler").operation_model("CreateSchedule").input_shape
    for schedule in generated["schedules"]:
        report = validator.validate(schedule, schedule_shape)
        assert not report.has_errors(), report.generate_report()
        assert schedule["ScheduleExpression"].startswith("cron(") and schedule["ScheduleExpression"].endswith("? *)")
    names = [s["Name"] for s in generated["schedules"]]
    assert names == [f"evidence-tracer-scan-{a}" for a in ACCOUNTS] + ["evidence-tracer-merge"]
    first = json.loads(generated["schedules"][0]["Target"]["Input"])["containerOverrides"][0]["command"][0]
    assert "--account 111111111111" in first
    env = generated["taskDefinition"]["containerDefinitions"][0]["environment"]
    assert env == [{"name": "TRACER_CONFIG", "value": TEXT}]


def test_without_the_shared_s3_store_no_jobs_are_generated() -> None:
    with pytest.raises(ConfigError, match=r"store\.url"):
        kubernetes(WorkspaceConfig(), "", "img", ACCOUNTS, "arn")
