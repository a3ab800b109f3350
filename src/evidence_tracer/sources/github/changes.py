"""The change population an auditor samples for CC8.1: every pull request merged into a repository's default
branch in a period (author, approvers other than the author, CI conclusion, merge time) and every commit that
reached the default branch without one (a direct push that bypassed review), with the exact queries, pages
and counts that make the population complete."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from evidence_tracer.sources.github.source import GitHubSettings, reader
from evidence_tracer.sources.http import CallFailed, HttpReader


@dataclass(frozen=True)
class Change:
    repository: str
    kind: str  # pull request | direct push
    reference: str  # "#123" or the commit sha
    title: str
    author: str
    approvers: tuple[str, ...]  # reviewers whose latest review approves, the author excluded
    ci: str  # success | failure | none | mixed: ...
    merged_at: str
    url: str

    @property
    def concerns(self) -> tuple[str, ...]:
        out = []
        if self.kind == "direct push":
            out.append("reached the default branch without a pull request")
        elif not self.approvers:
            out.append("merged without an approval by someone other than its author")
        if self.ci not in ("success",):
            out.append(f"CI: {self.ci}")
        return tuple(out)


@dataclass(frozen=True)
class Population:
    start: datetime
    end: datetime
    changes: tuple[Change, ...]
    queries: tuple[dict[str, Any], ...]
    counts: dict[str, int]
    failures: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "period": {"from": self.start.isoformat(), "to": self.end.isoformat()},
            "counts": self.counts,
            "queries": list(self.queries),
            "failures": list(self.failures),
            "changes": [asdict(c) | {"concerns": list(c.concerns)} for c in self.changes],
        }


def _ci(api: HttpReader, org: str, repo: str, sha: str) -> str:
    answer = api.get(
        "checks:ListCheckRuns", {"org": org, "repo": repo, "sha": sha}, params={"per_page": 100}, region=f"{org}/{repo}"
    )
    conclusions = sorted({str(r.get("conclusion")) for r in answer.body["check_runs"]})
    if not conclusions:
        return "none"
    return conclusions[0] if len(conclusions) == 1 else "mixed: " + ", ".join(conclusions)


def _approvers(api: HttpReader, org: str, repo: str, number: int, author: str) -> tuple[str, ...]:
    reviews, _ = api.all(
        "pulls:ListReviews",
        {"org": org, "repo": repo, "number": number},
        params={"per_page": 100},
        region=f"{org}/{repo}",
    )
    latest: dict[str, str] = {}
    for r in reviews:  # in submission order: the last review of each reviewer counts
        if r.get("user") and r["state"] in ("APPROVED", "CHANGES_REQUESTED", "DISMISSED"):
            latest[str(r["user"]["login"])] = str(r["state"])
    return tuple(sorted(login for login, state in latest.items() if state == "APPROVED" and login != author))


def _stamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def repo_changes(
    api: HttpReader, org: str, repo: str, start: datetime, end: datetime
) -> tuple[list[Change], dict[str, int]]:
    where = f"{org}/{repo}"
    branch = str(api.get("repos:GetRepo", {"org": org, "repo": repo}, region=where).body["default_branch"])
    pulls, _ = api.all(
        "pulls:ListPulls",
        {"org": org, "repo": repo},
        region=where,
        params={"state": "closed", "base": branch, "per_page": 100},
    )
    merged = [p for p in pulls if p.get("merged_at") and _stamp(start) <= p["merged_at"] <= _stamp(end)]
    changes = [
        Change(
            where,
            "pull request",
            f"#{p['number']}",
            str(p["title"]),
            str(p["user"]["login"]),
            _approvers(api, org, repo, int(p["number"]), str(p["user"]["login"])),
            _ci(api, org, repo, str(p["head"]["sha"])),
            str(p["merged_at"]),
            str(p["html_url"]),
        )
        for p in merged
    ]
    commits, _ = api.all(
        "repos:ListCommits",
        {"org": org, "repo": repo},
        region=where,
        params={"sha": branch, "since": _stamp(start), "until": _stamp(end), "per_page": 100},
    )
    direct = 0
    for c in commits:
        answer = api.get("repos:ListPullsForCommit", {"org": org, "repo": repo, "sha": c["sha"]}, region=where)
        if not answer.body:
            direct += 1
            author = (c.get("author") or {}).get("login") or c["commit"]["author"]["name"]
            changes.append(
                Change(
                    where,
                    "direct push",
                    str(c["sha"]),
                    str(c["commit"]["message"]).splitlines()[0],
                    str(author),
                    (),
                    _ci(api, org, repo, str(c["sha"])),
                    str(c["commit"]["committer"]["date"]),
                    str(c["html_url"]),
                )
            )
    return changes, {
        "pull_requests_listed": len(pulls),
        "merged_in_period": len(merged),
        "commits_on_default_branch": len(commits),
        "direct_pushes": direct,
    }


def change_population(
    settings: GitHubSettings, token: str, repositories: Iterable[str], start: datetime, end: datetime
) -> tuple[Population, list[Any]]:
    """The population across `repositories`, and the API records behind it (to store as evidence)."""
    api = reader(settings, token)
    changes: list[Change] = []
    counts: dict[str, int] = {}
    failures: list[str] = []
    try:
        for repo in repositories:
            try:
                found, repo_counts = repo_changes(api, settings.organization, repo, start, end)
            except CallFailed as exc:
                failures.append(f"{settings.organization}/{repo}: {exc.failure.describe()}")
                continue
            except (KeyError, TypeError, ValueError) as exc:
                failures.append(
                    f"{settings.organization}/{repo}: the answer is not shaped as GitHub documents "
                    f"it ({type(exc).__name__}: {exc})"
                )
                continue
            changes += found
            for k, v in repo_counts.items():
                counts[k] = counts.get(k, 0) + v
    finally:
        api.close()
    queries = tuple(
        {
            "operation": f"{r.service}:{r.operation}",
            "parameters": r.parameters,
            "scope": r.region,
            "request_id": r.request_id,
            "evidence_id": r.record_id,
            "error": r.error_code or None,
        }
        for r in api.records
    )
    ordered = tuple(sorted(changes, key=lambda c: (c.merged_at, c.repository, c.reference)))
    return Population(start, end, ordered, queries, counts, tuple(failures)), list(api.records)
