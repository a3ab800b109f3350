"""Where each policy stands: generated, approved for exactly its current text, acknowledged, due for review."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.errors import GovernanceError
from evidence_tracer.evidence.items import sha256
from evidence_tracer.governance.registers import (
    PoliciesFile,
    PolicyAck,
    PolicyApproval,
    Registers,
    build,
    find_person,
    signer,
)
from evidence_tracer.names import validate_person
from evidence_tracer.policies.forms import Layout
from evidence_tracer.policies.render import (
    POLICIES_DIR,
    POLICY_NAMES,
    approved_texts,
    matches_parameters,
    policy_title,
    read_policy,
    render_policy,
)


class PolicyState(StrEnum):
    MISSING = "missing"  # never generated
    DRAFT = "draft"  # generated, never approved
    VOID = "approval void"  # approved, then the text changed
    OVERDUE = "review overdue"  # approved, but the annual review date has passed
    APPROVED = "approved"


@dataclass(frozen=True)
class PolicyStatus:
    name: str
    title: str
    state: PolicyState
    file_sha256: str | None
    approval: PolicyApproval | None
    review_due: date | None
    acknowledged_by: tuple[str, ...]
    stale: bool  # the file states parameter values other than tracer.yaml's (hand edits elsewhere are fine)


def _file(workspace: Path, name: str) -> Path:
    return workspace / POLICIES_DIR / f"{name}.md"


def _digest(path: Path) -> str | None:
    """The SHA-256 of a policy file, None when it does not exist. A symlink is refused: the approved text must
    be the workspace's own file, not whatever a link points at (and may later point at)."""
    return sha256(read_policy(path)) if path.exists() or path.is_symlink() else None


def policy_statuses(
    workspace: Path, config: WorkspaceConfig, policies: PoliciesFile, now: datetime
) -> list[PolicyStatus]:
    out = []
    cadence = timedelta(days=config.parameters.policy_review_cadence_days)
    for name in POLICY_NAMES:
        path = _file(workspace, name)
        digest = _digest(path)
        approvals = [a for a in policies.approvals if a.policy == name]
        latest = max(approvals, key=lambda a: a.approved_at) if approvals else None
        due = (latest.approved_at + cadence).date() if latest else None
        if digest is None:
            state = PolicyState.MISSING
        elif latest is None:
            state = PolicyState.DRAFT
        elif latest.sha256 != digest:
            state = PolicyState.VOID
        elif due is not None and due < now.date():
            state = PolicyState.OVERDUE
        else:
            state = PolicyState.APPROVED
        acks = tuple(sorted({a.person for a in policies.acknowledgments if a.policy == name and a.sha256 == digest}))
        stale = False
        if digest is not None:
            matches = matches_parameters(read_policy(path).decode("utf-8", "replace"), config)
            # Rendering (Jinja2) only for a file without its parameter table: then only the text can be compared.
            stale = (digest != render_policy(name, config, policies).sha256) if matches is None else not matches
        out.append(PolicyStatus(name, policy_title(name), state, digest, latest, due, acks, stale=stale))
    return out


def _current_digest(workspace: Path, name: str) -> str:
    if name not in POLICY_NAMES:
        raise GovernanceError(f"unknown policy {name!r}; the policies are: {', '.join(POLICY_NAMES)}")
    digest = _digest(_file(workspace, name))
    if digest is None:
        raise GovernanceError(f"{_file(workspace, name)} does not exist; run `tracer policies generate` first")
    return digest


def _registered(workspace: Path, by: str, when: datetime, management: bool = False) -> str:
    """The person, in the people register and active on the day; for an approval, marked as management."""
    people = Registers(workspace).people.load()
    return signer(people, validate_person(by, "--by"), when.date(), management=management, what="a policy approval")


def approve(workspace: Path, name: str, by: str, now: datetime) -> PolicyApproval:
    """Record approval of the policy's current text (its SHA-256): any later edit voids it."""
    record = build(
        PolicyApproval,
        policy=name,
        approved_by=_registered(workspace, by, now, management=True),
        approved_at=now,
        sha256=_current_digest(workspace, name),
    )
    Registers(workspace).policies.update(
        lambda current: (
            PoliciesFile(approvals=(*current.approvals, record), acknowledgments=current.acknowledgments),
            None,
        )
    )
    return record


def acknowledge(
    workspace: Path,
    name: str,
    by: str,
    now: datetime,
    signed_in: tuple[str, str] | None = None,
    operator: str | None = None,
) -> PolicyAck:
    """Record that a person has read and accepted the policy's current text: `signed_in`, the (issuer, subject) of
    the ID token of a person who acknowledged it in the portal; else `operator`, who typed it at the CLI."""
    digest = _current_digest(workspace, name)
    person = _registered(workspace, by, now)

    def add(current: PoliciesFile) -> tuple[PoliciesFile, PolicyAck]:
        if not any(a.policy == name and a.sha256 == digest for a in current.approvals):
            raise GovernanceError(f"{name} is not approved in its current form; approve it before acknowledgments")
        how: dict[str, object] = (
            {"method": f"signed in through {signed_in[0]}", "issuer": signed_in[0], "subject": signed_in[1]}
            if signed_in is not None
            else {"method": f"recorded by {operator} (tracer policies ack)"}
            if operator
            else {}
        )
        record = build(PolicyAck, policy=name, person=person, acknowledged_at=now, sha256=digest, **how)
        return PoliciesFile(approvals=current.approvals, acknowledgments=(*current.acknowledgments, record)), record

    return Registers(workspace).policies.update(add)


def version_of(policies: PoliciesFile, name: str, sha256: str) -> int | None:
    """The approved version number of a policy text: 1 for the first text approved, 2 for the next…"""
    texts = approved_texts(policies, name)
    return texts.index(sha256) + 1 if sha256 in texts else None


@dataclass(frozen=True)
class ImportResult:
    recorded: int
    already: int


def import_acknowledgments(
    workspace: Path, csv_file: Path, now: datetime, layout: Layout | None = None
) -> ImportResult:
    """Acknowledgments collected outside the tool (a form, an HR system) as CSV: by default the columns email,
    policy, version and timestamp; `layout` maps a form's own headers (policies/forms.py). The policy may be
    named or titled; an absent version is the approved one. Every row is checked against the people register and
    the approved version before anything is written; one bad row stops the import, naming file, line and problem."""
    layout = layout or Layout.of("plain", {}, None)
    try:
        raw = csv_file.read_bytes()
        table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise GovernanceError(f"{csv_file}: cannot read it as CSV: {exc}") from None
    if not table or layout.missing(list(table[0])):
        wanted = ", ".join(layout.missing(list(table[0]))) if table else "a header and rows"
        raise GovernanceError(
            f"{csv_file}:1: the header must name {wanted} (map a form's columns with --form/--*-column)"
        )
    rows = [layout.read(r) for r in table]
    from evidence_tracer.config import load_config

    config = load_config(workspace)
    titles = {render_policy(n, config).title.lower(): n for n in POLICY_NAMES}
    method = f"imported from {csv_file.name} (sha256 {sha256(raw)})"
    people = Registers(workspace).people.load()

    def add(current: PoliciesFile) -> tuple[PoliciesFile, ImportResult]:
        problems: list[str] = []
        new: list[PolicyAck] = []
        have = {(a.policy, a.person.lower(), a.sha256) for a in current.acknowledgments}
        already = 0
        for line, row in enumerate(rows, start=2):
            where = f"{csv_file}:{line}"
            try:
                name = titles.get(row["policy"].lower(), row["policy"].lower())
                digest = _current_digest(workspace, name)
                approvals = [a for a in current.approvals if a.policy == name and a.sha256 == digest]
                if not approvals:
                    raise GovernanceError(f"{name} is not approved in its current form")
                version = version_of(current, name, digest)
                if row["version"] and row["version"] != str(version):
                    raise GovernanceError(
                        f"version {row['version'].strip()!r} is not the approved version {version} of {name}"
                    )
                found = find_person(people, row["email"].strip())
                person = found.email
                when = layout.moment(row["timestamp"])
                if not found.active_on(when.date()):
                    raise GovernanceError(f"{person} was not an active person on {when:%Y-%m-%d} ({found.tenure()})")
                if when < min(a.approved_at for a in approvals):
                    raise GovernanceError(f"acknowledged at {when:%Y-%m-%d %H:%M} before the text was approved")
                record = build(
                    PolicyAck, policy=name, person=person, acknowledged_at=when, sha256=digest, method=method
                )
            except (GovernanceError, ValueError, KeyError) as exc:
                problems.append(f"{where}: {exc}")
                continue
            key = (record.policy, record.person.lower(), record.sha256)
            if key in have:
                already += 1
                continue
            have.add(key)
            new.append(record)
        if problems:
            raise GovernanceError("nothing imported:\n" + "\n".join(problems))
        return (
            PoliciesFile(approvals=current.approvals, acknowledgments=(*current.acknowledgments, *new)),
            ImportResult(len(new), already),
        )

    return Registers(workspace).policies.update(add)
