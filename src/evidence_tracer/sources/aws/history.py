"""Reading a past day back from AWS Config, for every account of the boundary: the caller's own and, in an
Organization, each member through the same read-only role the scan assumes. AWS Config keeps the history in
each account and region (an aggregator's SelectAggregateResourceConfig and BatchGetAggregateResourceConfig
answer only with the current configuration), so the history is read where it is kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from evidence_tracer.inventory import GLOBAL, Failure, SourcePart
from evidence_tracer.inventory.aws_config import CONFIG_TYPES, RegionHistory, reconstructed_part
from evidence_tracer.models import ApiRecord
from evidence_tracer.sources.aws.account import identify, organization_accounts, resolve_regions
from evidence_tracer.sources.aws.caller import CallFailed, Recorder
from evidence_tracer.sources.aws.collectors.config_history import history_at, timeline
from evidence_tracer.sources.aws.session import AwsContext
from evidence_tracer.sources.aws.source import AwsSource
from evidence_tracer.sources.base import EvidenceSource, SourceError


@dataclass(frozen=True)
class AccountHistory:
    """One account's answer for one resource type: per region, or why the account could not be read."""

    account: str
    partition: str
    resource_type: str
    regions: tuple[RegionHistory, ...] = ()
    failure: Failure | None = None

    def part(self, moment: datetime) -> SourcePart:
        """The inventory part this history rebuilds for `moment` (read with `history_at`)."""
        part = reconstructed_part(self.account, self.partition, self.resource_type, moment, self.regions)
        if self.failure is None:
            return part
        failure = Failure(self.failure.service, self.failure.operation, GLOBAL, self.failure.code, self.failure.message)
        return SourcePart(part.source, self.account, attributes=part.attributes, failure=failure)


@dataclass(frozen=True)
class HistoryRead:
    accounts: tuple[AccountHistory, ...]
    records: tuple[ApiRecord, ...]


def _targets(source: AwsSource, ctx: AwsContext, rec: Recorder) -> tuple[str, str, list[str]]:
    account, partition = identify(ctx, rec)
    rec.account_id = account
    mode = source.settings.organization
    members = [] if mode == "never" else (organization_accounts(ctx, rec, mode == "always") or [])
    return account, partition, source.targets(account, members)


def read_history(
    source: EvidenceSource,
    resource_types: Sequence[str],
    regions: Sequence[str] | None,
    moment: datetime,
    since: datetime | None = None,
) -> HistoryRead:
    """Each account's configuration items of the types in force at `moment` (or, with `since`, every item between
    `since` and `moment`). An account whose role cannot be assumed, or a region without a recorder, is a
    failure of its own: never an empty history."""
    if not isinstance(source, AwsSource):
        raise SourceError("AWS Config's history is read by the AWS source")
    unknown = [t for t in resource_types if t not in CONFIG_TYPES]
    if unknown:
        raise SourceError(
            f"{', '.join(unknown)}: not a resource type Evidence Tracer rebuilds from AWS Config "
            f"(it rebuilds {', '.join(CONFIG_TYPES)})"
        )
    ctx = source.context()
    rec = Recorder()
    home, partition, targets = _targets(source, ctx, rec)
    names, _ = resolve_regions(ctx, rec, regions, partition)
    found: list[AccountHistory] = []
    for account in targets:
        account_rec = rec if account == home else Recorder(account_id=account)
        try:
            account_ctx = ctx if account == home else source.assume(ctx, account_rec, account, partition)
        except CallFailed as exc:
            found += [AccountHistory(account, partition, t, failure=exc.failure) for t in resource_types]
            rec.records.extend(account_rec.records)
            continue
        for kind in resource_types:
            histories = tuple(
                history_at(account_ctx.client("config", r), account_rec, kind, r, moment)
                if since is None
                else timeline(account_ctx.client("config", r), account_rec, kind, r, since, moment)
                for r in names
            )
            found.append(AccountHistory(account, partition, kind, histories))
        if account_rec is not rec:
            rec.records.extend(account_rec.records)
    return HistoryRead(tuple(found), tuple(rec.records))
