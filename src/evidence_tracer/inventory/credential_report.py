"""The IAM credential report: parsing (shared by the collector and the evidence package) and the
reviewer's view of it — who has access, when they last signed in, MFA, key ages."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from evidence_tracer.inventory.aws import AccessKeySlot, CredentialReportRow


def _when(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None  # N/A, no_information, not_supported


def parse_credential_report(content: str) -> tuple[CredentialReportRow, ...]:
    rows = []
    for row in csv.DictReader(io.StringIO(content)):
        keys = tuple(
            AccessKeySlot(
                slot=n,
                active=row.get(f"access_key_{n}_active", "false") == "true",
                last_rotated=_when(row.get(f"access_key_{n}_last_rotated", "")),
                last_used=_when(row.get(f"access_key_{n}_last_used_date", "")),
            )
            for n in (1, 2)
        )
        rows.append(
            CredentialReportRow(
                user=row["user"],
                arn=row["arn"],
                created=_when(row.get("user_creation_time", "")),
                password_enabled=row.get("password_enabled") == "true",
                password_last_used=_when(row.get("password_last_used", "")),
                mfa_active=row.get("mfa_active") == "true",
                access_keys=keys,
            )
        )
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class AccessRow:
    user: str
    console: bool
    last_sign_in: str
    mfa: bool
    active_keys: str
    oldest_key_days: int | None
    concerns: tuple[str, ...]


def access_table(
    rows: tuple[CredentialReportRow, ...], now: datetime, max_key_age_days: int, inactive_days: int
) -> list[AccessRow]:
    """One row per identity, with what a reviewer should question (`inactive_days`: tracer.yaml's
    parameters.inactive_credential_days)."""
    table = []
    for r in rows:
        active = [k for k in r.access_keys if k.active]
        ages = [(now - k.last_rotated).days for k in active if k.last_rotated]
        concerns = []
        if r.password_enabled and not r.mfa_active:
            concerns.append("console without MFA")
        if ages and max(ages) > max_key_age_days:
            concerns.append(f"key older than {max_key_age_days} days")
        if r.is_root and active:
            concerns.append("root access key")
        if r.password_enabled and r.password_last_used and (now - r.password_last_used).days > inactive_days:
            concerns.append(f"no sign-in for {inactive_days}+ days")
        table.append(
            AccessRow(
                user=r.user,
                console=r.password_enabled,
                last_sign_in=r.password_last_used.date().isoformat() if r.password_last_used else "never",
                mfa=r.mfa_active,
                active_keys=", ".join(f"key {k.slot}" for k in active) or "none",
                oldest_key_days=max(ages) if ages else None,
                concerns=tuple(concerns),
            )
        )
    return table
