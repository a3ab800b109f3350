"""The AWS evidence source: identity, regions, then every collector concurrently by region and service,
for one account or for every account of an Organization (through a read-only role in each)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from evidence_tracer.errors import CollectionError
from evidence_tracer.inventory import GLOBAL, Failure, Observed, SourcePart
from evidence_tracer.inventory.aws import (
    AUTHORIZATION,
    DETECTORS,
    IDENTITY_CENTER,
    SECURITY_GROUPS,
    TRAIL_BUCKET_LOGGING,
    TRAILS,
)
from evidence_tracer.inventory.aws_resources import SPECS
from evidence_tracer.inventory.base import ORGANIZATION_ACCOUNTS
from evidence_tracer.sources.aws.account import (
    AwsSourceError,
    Misshapen,
    identify,
    organization_accounts,
    resolve_regions,
)
from evidence_tracer.sources.aws.caller import CallFailed, Recorder
from evidence_tracer.sources.aws.calls import SOURCE
from evidence_tracer.sources.aws.collectors import iam, s3
from evidence_tracer.sources.aws.collectors.cloudtrail import collect_trails
from evidence_tracer.sources.aws.collectors.declarative import collect_spec
from evidence_tracer.sources.aws.collectors.ec2 import collect_security_groups
from evidence_tracer.sources.aws.collectors.guardduty import collect_detectors
from evidence_tracer.sources.aws.collectors.iam import collect_iam
from evidence_tracer.sources.aws.collectors.iam_authorization import collect_authorization
from evidence_tracer.sources.aws.collectors.identity_center import collect_identity_center
from evidence_tracer.sources.aws.collectors.s3 import Critical, collect_s3, collect_trail_bucket_logging
from evidence_tracer.sources.aws.declared import aws_operations
from evidence_tracer.sources.aws.session import AwsContext, Timeouts
from evidence_tracer.sources.base import Collected, EvidenceSource, Operation, Progress, RecordSink, Scope

DEFAULT_ROLE = "EvidenceTracerReadOnly"


@dataclass(frozen=True)
class AwsSettings:
    profile: str | None = None
    organization: str = "auto"  # auto | always | never
    role_name: str = DEFAULT_ROLE
    accounts: tuple[str, ...] = ()  # only these accounts of an Organization (empty: all)
    max_concurrent_accounts: int = 4
    workers: int = 8  # collections (a service in a region) at once, per account
    resource_workers: int = 16  # per-resource reads (S3's per-bucket calls) at once, in their own pool
    timeouts: Timeouts = field(default_factory=Timeouts)
    # Whether a resource (name, tags) is critical: critical buckets get their versioning and encryption read.
    critical: Critical = field(default=lambda name, tags: True)


def _regional_datasets() -> list[Any]:
    return [TRAILS, DETECTORS, SECURITY_GROUPS, IDENTITY_CENTER, *(s for s in SPECS if s.regional)]


Job = Callable[[], dict[str, Observed[Any]]]
Key = tuple[str, str]  # (botocore service, region) of a client


@dataclass(frozen=True)
class _Job:
    label: str
    uses: tuple[Key, ...]  # the clients it makes (inside the worker that runs it), released once no job needs them
    run: Job


def _jobs(
    ctx: AwsContext,
    rec: Recorder,
    account_id: str,
    partition: str,
    home: str,
    live: list[str],
    wanted: Callable[[tuple[str, ...]], bool],
    critical: Critical,
    resource_workers: int,
) -> Iterator[_Job]:
    """Every wanted collection of one account. No client is made here: each job makes the clients it uses when a
    worker first runs it, so that building them overlaps the other workers' calls and none is built for nothing."""
    c = ctx.client
    if wanted(tuple(d.key for d in iam.DATASETS)):
        yield _Job("iam", (("iam", home),), lambda: collect_iam(c("iam", home), rec))
    if wanted((AUTHORIZATION.key,)):
        yield _Job(
            "iam authorization",
            (("iam", home),),
            lambda: {AUTHORIZATION.slot(): collect_authorization(c("iam", home), rec)},
        )
    if wanted(tuple(d.key for d in s3.DATASETS)):
        yield _Job(
            "s3",
            (("s3control", home), *(("s3", r) for r in live)),
            partial(collect_s3, c, rec, home, account_id, partition, set(live), critical, resource_workers),
        )
    for spec in SPECS:
        if not spec.regional and wanted((spec.key,)):
            yield _Job(
                spec.key,
                ((spec.service, home),),
                partial(lambda s: {s.slot(): collect_spec(c(s.service, home), rec, s, GLOBAL)}, spec),
            )
    for region in live:
        if wanted((TRAILS.key,)):
            yield _Job(
                f"cloudtrail {region}",
                (("cloudtrail", region),),
                partial(lambda r: {TRAILS.slot(r): collect_trails(c("cloudtrail", r), rec, r, live)}, region),
            )
        if wanted((DETECTORS.key,)):
            yield _Job(
                f"guardduty {region}",
                (("guardduty", region),),
                partial(lambda r: {DETECTORS.slot(r): collect_detectors(c("guardduty", r), rec)}, region),
            )
        if wanted((IDENTITY_CENTER.key,)):
            yield _Job(
                f"identity center {region}",
                (("sso-admin", region), ("identitystore", region)),
                partial(
                    lambda r: {
                        IDENTITY_CENTER.slot(r): collect_identity_center(
                            c("sso-admin", r), c("identitystore", r), rec, account_id
                        )
                    },
                    region,
                ),
            )
        if wanted((SECURITY_GROUPS.key,)):
            yield _Job(
                f"ec2 {region}",
                (("ec2", region),),
                partial(
                    lambda r: {
                        SECURITY_GROUPS.slot(r): collect_security_groups(c("ec2", r), rec, r, account_id, partition)
                    },
                    region,
                ),
            )
        for spec in SPECS:
            if spec.regional and wanted((spec.key,)):
                yield _Job(
                    f"{spec.key} {region}",
                    ((spec.service, region),),
                    partial(lambda s, r: {s.slot(r): collect_spec(c(s.service, r), rec, s, r)}, spec, region),
                )


def collect_account(
    ctx: AwsContext,
    rec: Recorder,
    account_id: str,
    partition: str,
    scope: Scope,
    progress: Progress | None = None,
    workers: int = 8,
    critical: Critical = lambda name, tags: True,
    resource_workers: int = 16,
    sink: RecordSink | None = None,
) -> SourcePart:
    """What `scope` asks of the AWS source in one account: its regions (default: every enabled one), its
    datasets (default: all). Each client is released when the last job that uses it is done, so that at most
    the running jobs' clients are held at once. With a `sink`, the records made so far are handed to it each
    time a job finishes, by this thread while the pool's keep calling."""
    regions, unusable = resolve_regions(ctx, rec, scope.regions, partition)
    live = [r for r in regions if r not in unusable]
    home = ctx.home_region if ctx.home_region in live or not live else live[0]
    jobs = list(_jobs(ctx, rec, account_id, partition, home, live, scope.wants, critical, resource_workers))
    users = Counter(key for job in jobs for key in set(job.uses))
    lock = threading.Lock()

    def run(job: _Job) -> dict[str, Observed[Any]]:
        try:
            return job.run()
        finally:
            with lock:
                users.subtract(set(job.uses))
                done = [key for key in set(job.uses) if users[key] <= 0]
            for key in done:
                ctx.release(*key)

    data: dict[str, Observed[Any]] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(run, job): job.label for job in jobs}
        for done, future in enumerate(as_completed(futures), start=1):
            data.update(future.result())
            if progress:
                progress(f"{account_id} {futures[future]}", done, len(futures))
            if sink is not None:
                sink(rec.take())
    if scope.wants((TRAIL_BUCKET_LOGGING.key,)):
        data.update(collect_trail_bucket_logging(ctx.client, rec, home, data))
    if sink is not None:
        sink(rec.take())
    ctx.release_all()
    for region, failure in unusable.items():
        for dataset in _regional_datasets():
            data[dataset.slot(region)] = Observed.failed(failure)
    return SourcePart(
        source=SOURCE,
        account=account_id,
        regions=regions,
        attributes={"partition": partition, "endpoint": ctx.endpoint},
        data=data,
    )


class AwsSource(EvidenceSource):
    name = SOURCE

    def __init__(self, settings: AwsSettings | None = None, context: AwsContext | None = None) -> None:
        self.settings = settings or AwsSettings()
        self._context = context

    def operations(self) -> tuple[Operation, ...]:
        return aws_operations()

    @property
    def connections(self) -> int:
        """Connections a client keeps: every thread of an account's collection may be calling the same one."""
        return self.settings.workers + self.settings.resource_workers

    def context(self) -> AwsContext:
        if self._context is None:
            self._context = AwsContext(
                profile=self.settings.profile, timeouts=self.settings.timeouts, connections=self.connections
            )
        return self._context

    def assume(self, ctx: AwsContext, rec: Recorder, account: str, partition: str) -> AwsContext:
        role = f"arn:{partition}:iam::{account}:role/{self.settings.role_name}"
        raw, _ = rec.call(ctx.client("sts"), "assume_role", RoleArn=role, RoleSessionName="evidence-tracer")
        assert raw is not None
        creds = raw["Credentials"]
        return AwsContext(
            region=ctx.home_region,
            timeouts=self.settings.timeouts,
            credentials={
                "aws_access_key_id": creds["AccessKeyId"],
                "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"],
            },
            simulated=ctx.simulated,
            models=ctx,  # one copy of botocore's service models for every account, not one per account
            connections=self.connections,
        )

    def _member(
        self,
        ctx: AwsContext,
        account: str,
        partition: str,
        scope: Scope,
        progress: Progress | None,
        sink: RecordSink | None,
    ) -> tuple[SourcePart, list[Any]]:
        rec = Recorder(account_id=account)
        try:
            member = self.assume(ctx, rec, account, partition)
            return collect_account(
                member,
                rec,
                account,
                partition,
                scope,
                progress,
                self.settings.workers,
                self.settings.critical,
                self.settings.resource_workers,
                sink,
            ), rec.records
        except CallFailed as exc:
            failure = exc.failure
        except (AwsSourceError, CollectionError) as exc:
            failure = Failure("sts", "AssumeRole", GLOBAL, "AccountUnreadable", str(exc))
        return SourcePart(
            source=SOURCE,
            account=account,
            attributes={"partition": partition, "endpoint": self.context().endpoint},
            failure=failure,
        ), rec.records

    def collect(self, scope: Scope, progress: Progress | None = None) -> Collected:
        return self._collect(scope, progress, None)

    def collect_into(self, scope: Scope, sink: RecordSink, progress: Progress | None = None) -> Collected:
        return self._collect(scope, progress, sink)

    def _collect(self, scope: Scope, progress: Progress | None, sink: RecordSink | None) -> Collected:
        ctx = self.context()
        rec = Recorder()
        try:
            account_id, partition = identify(ctx, rec)
        except Misshapen as exc:  # every AWS check says `error`: nothing could be attributed to an account
            return Collected((self._unread("unknown", exc.failure),), tuple(rec.records))
        rec.account_id = account_id
        mode = self.settings.organization
        try:
            members = [] if mode == "never" else (organization_accounts(ctx, rec, mode == "always") or [])
        except Misshapen as exc:
            if mode == "always":
                raise AwsSourceError(f"cannot list the Organization's accounts: {exc.failure.describe()}") from None
            # The caller's own account is still scanned; the Organization's listing is an error of its own.
            organization = self._unread(f"organization (listed by {account_id})", exc.failure)
            collected = self.collect_accounts(ctx, rec, account_id, partition, [], scope, progress, sink)
            return Collected((*collected.parts, organization), collected.records)
        return self.collect_accounts(ctx, rec, account_id, partition, members, scope, progress, sink)

    def targets(self, account_id: str, members: list[str]) -> list[str]:
        """The accounts to read: the caller's and, in an Organization, its members within the boundary."""
        targets = list(dict.fromkeys([account_id, *members]))
        if members and self.settings.accounts:  # an Organization: only the accounts of the boundary
            targets = [a for a in targets if a in self.settings.accounts]
        return targets

    def _unread(self, account: str, failure: Failure) -> SourcePart:
        return SourcePart(
            source=SOURCE, account=account, attributes={"endpoint": self.context().endpoint}, failure=failure
        )

    def collect_accounts(
        self,
        ctx: AwsContext,
        rec: Recorder,
        account_id: str,
        partition: str,
        members: list[str],
        scope: Scope,
        progress: Progress | None,
        sink: RecordSink | None = None,
    ) -> Collected:
        targets = self.targets(account_id, members)
        parts: list[SourcePart] = []
        if account_id in targets:
            parts.append(
                collect_account(
                    ctx,
                    rec,
                    account_id,
                    partition,
                    scope,
                    progress,
                    self.settings.workers,
                    self.settings.critical,
                    self.settings.resource_workers,
                    sink,
                )
            )
        records = list(rec.records)
        others = [a for a in targets if a != account_id]
        if others:
            with ThreadPoolExecutor(max_workers=self.settings.max_concurrent_accounts) as pool:
                for part, recs in pool.map(lambda a: self._member(ctx, a, partition, scope, progress, sink), others):
                    parts.append(part)
                    records.extend(recs)
        if members:  # the Organization's own accounts are known to the checks (a grant to one is not "unknown")
            known = ",".join(dict.fromkeys([account_id, *members]))
            parts = [replace(p, attributes={**p.attributes, ORGANIZATION_ACCOUNTS: known}) for p in parts]
        return Collected(tuple(parts), tuple(records))
