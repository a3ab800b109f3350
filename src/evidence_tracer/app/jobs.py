"""The scan split by account for an engine that already schedules jobs (docs/scale.md): a Kubernetes CronJob
running an Indexed Job (one pod per account) with a later CronJob that merges, or an ECS Fargate task
definition with EventBridge Scheduler schedules (one per account, then the merge). Each job writes its scan to
the shared S3 store (`store.url`); `tracer scans merge` verifies the store and joins them. Pure text: nothing
here talks to an engine."""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.errors import ConfigError

SCAN_CRON = "17 5 * * *"  # daily at 05:17 UTC
MERGE_CRON = "17 8 * * *"  # three hours later: every account's job has finished or failed by then
WINDOW_HOURS = 4  # the merge takes the scans finished in the last four hours (this morning's jobs)
WORKSPACE = "/workspace"
NAME = "evidence-tracer"


def _since() -> str:
    return f'"$(date -u -d "-{WINDOW_HOURS} hours" +%Y-%m-%dT%H:%M:%SZ)"'


def merge_command(accounts: Sequence[str]) -> str:
    expect = " ".join(f"--expect {shlex.quote(a)}" for a in accounts)
    return f"tracer scans merge -w {WORKSPACE} --since {_since()} {expect}"


def indexed_scan_command() -> str:
    """The account of this pod is the JOB_COMPLETION_INDEX-th of TRACER_ACCOUNTS (Kubernetes sets the index)."""
    return (
        'set -eu; set -- $TRACER_ACCOUNTS; shift "$JOB_COMPLETION_INDEX"; '
        f'exec tracer scan -w {WORKSPACE} --account "$1"'
    )


def _prepare() -> str:
    return f"mkdir -p {WORKSPACE} && cp /config/tracer.yaml {WORKSPACE}/tracer.yaml && "


def _require_s3(config: WorkspaceConfig) -> None:
    if not config.store.url:
        raise ConfigError(
            "jobs on several machines need the shared S3 store: set store.url in tracer.yaml "
            "(tracer store init), then generate them"
        )


def kubernetes(config: WorkspaceConfig, config_text: str, image: str, accounts: Sequence[str], role_arn: str) -> str:
    """A ConfigMap with tracer.yaml, a ServiceAccount for the read-only role (IRSA), the scan CronJob (an
    Indexed Job, one completion per account) and the merge CronJob, as one multi-document YAML."""
    _require_s3(config)
    container = {"name": "tracer", "image": image, "volumeMounts": [{"name": "config", "mountPath": "/config"}]}
    pod = {
        "serviceAccountName": NAME,
        "restartPolicy": "Never",
        "volumes": [{"name": "config", "configMap": {"name": f"{NAME}-workspace"}}],
    }

    def cron_job(name: str, schedule: str, job: dict[str, Any], command: str, env: list[dict[str, str]]) -> Any:
        spec = {**pod, "containers": [{**container, "command": ["sh", "-c", _prepare() + command], "env": env}]}
        return {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": {"name": name},
            "spec": {
                "schedule": schedule,
                "timeZone": "Etc/UTC",
                "concurrencyPolicy": "Forbid",
                "jobTemplate": {"spec": {**job, "template": {"spec": spec}}},
            },
        }

    documents = [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": f"{NAME}-workspace"},
            "data": {"tracer.yaml": config_text},
        },
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": NAME, "annotations": {"eks.amazonaws.com/role-arn": role_arn}},
        },
        cron_job(
            f"{NAME}-scan",
            SCAN_CRON,
            {
                "completionMode": "Indexed",
                "completions": len(accounts),
                "parallelism": min(len(accounts), config.sources.aws.max_concurrent_accounts),
                "backoffLimitPerIndex": 2,
                "maxFailedIndexes": len(accounts),
            },
            indexed_scan_command(),
            [{"name": "TRACER_ACCOUNTS", "value": " ".join(accounts)}],
        ),
        cron_job(f"{NAME}-merge", MERGE_CRON, {"backoffLimit": 2}, merge_command(accounts), []),
    ]
    return yaml.safe_dump_all(documents, sort_keys=False)


@dataclass(frozen=True)
class EcsTarget:
    cluster_arn: str
    subnets: tuple[str, ...]
    task_role_arn: str  # the scan's role (`tracer permissions`), assumed by the task
    execution_role_arn: str  # pulls the image, writes the logs
    scheduler_role_arn: str  # lets EventBridge Scheduler run the task


def ecs(config: WorkspaceConfig, config_text: str, image: str, accounts: Sequence[str], target: EcsTarget) -> str:
    """The Fargate task definition (RegisterTaskDefinition's input) and one EventBridge Scheduler schedule per
    account plus the merge (CreateSchedule's inputs), as JSON for `aws ecs register-task-definition
    --cli-input-json` and `aws scheduler create-schedule --cli-input-json`."""
    _require_s3(config)
    task = {
        "family": NAME,
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "1024",
        "memory": "2048",
        "taskRoleArn": target.task_role_arn,
        "executionRoleArn": target.execution_role_arn,
        "containerDefinitions": [
            {
                "name": "tracer",
                "image": image,
                "essential": True,
                "environment": [{"name": "TRACER_CONFIG", "value": config_text}],
                "entryPoint": ["sh", "-c"],
            }
        ],
    }

    def schedule(name: str, cron: str, command: str) -> dict[str, Any]:
        prepare = f'mkdir -p {WORKSPACE} && printf %s "$TRACER_CONFIG" > {WORKSPACE}/tracer.yaml && '
        overrides = {"containerOverrides": [{"name": "tracer", "command": [prepare + command]}]}
        return {
            "Name": name,
            "ScheduleExpression": f"cron({cron.replace(' * * *', ' * * ? *')})",
            "ScheduleExpressionTimezone": "UTC",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {
                "Arn": target.cluster_arn,
                "RoleArn": target.scheduler_role_arn,
                "Input": json.dumps(overrides),
                "EcsParameters": {
                    "TaskDefinitionArn": f"{target.cluster_arn.split(':cluster/')[0]}:task-definition/{NAME}",
                    "LaunchType": "FARGATE",
                    "NetworkConfiguration": {
                        "awsvpcConfiguration": {"Subnets": list(target.subnets), "AssignPublicIp": "DISABLED"}
                    },
                },
            },
        }

    schedules = [
        schedule(f"{NAME}-scan-{a}", SCAN_CRON, f"tracer scan -w {WORKSPACE} --account {shlex.quote(a)}")
        for a in accounts
    ]
    schedules.append(schedule(f"{NAME}-merge", MERGE_CRON, merge_command(accounts)))
    return json.dumps({"taskDefinition": task, "schedules": schedules}, indent=2) + "\n"
