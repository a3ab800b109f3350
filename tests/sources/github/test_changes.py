"""`tracer changes`: the CC8.1 change population through the real client against the fake GitHub API."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import httpx
import pytest

from evidence_tracer.app.init import InitAnswers, create_workspace
from evidence_tracer.cli.app import main
from evidence_tracer.evidence.items import Kind
from evidence_tracer.evidence.store import EvidenceStore
from evidence_tracer.fakes.github import FakeOrg
from evidence_tracer.fakes.github_changes import check_run, commit, pull, review
from evidence_tracer.fakes.server import FakeApi
from evidence_tracer.governance.registers import PeopleFile, PersonRecord, Registers
from evidence_tracer.sources.github.source import GitHubSettings


def seed(org: FakeOrg) -> None:
    app = org.repos["app"]
    app.pulls = [
        pull("acme", "app", 1, "Add login rate limit", "bob", "2026-11-03T10:00:00Z", "a1" * 20, "b1" * 20),
        pull("acme", "app", 2, "Hotfix config", "dave", "2026-11-05T10:00:00Z", "a2" * 20, "b2" * 20),
        pull("acme", "app", 3, "Old change", "bob", "2026-09-01T10:00:00Z", "a3" * 20, "b3" * 20),
        pull("acme", "app", 4, "Abandoned", "bob", None, "a4" * 20, "b4" * 20),
    ]
    app.reviews = {
        1: [
            review("acme", "app", 1, "alice", "CHANGES_REQUESTED", 11),
            review("acme", "app", 1, "alice", "APPROVED", 12),
        ],
        2: [review("acme", "app", 2, "dave", "APPROVED", 21)],
    }
    app.check_runs = {
        "a1" * 20: [check_run("acme", "app", "a1" * 20, "ci", "success", 31)],
        "a2" * 20: [check_run("acme", "app", "a2" * 20, "ci", "failure", 32)],
        "c9" * 20: [],
    }
    app.commits = [
        commit("acme", "app", "b1" * 20, "bob", "2026-11-03T10:00:00Z", "Add login rate limit (#1)"),
        commit("acme", "app", "b2" * 20, "dave", "2026-11-05T10:00:00Z", "Hotfix config (#2)"),
        commit("acme", "app", "c9" * 20, "dave", "2026-11-06T22:00:00Z", "quick fix on main\n\nno PR"),
    ]
    app.commit_pulls = {"b1" * 20: [1], "b2" * 20: [2]}


def test_the_population_names_every_change_and_its_concerns(
    github: tuple[FakeApi, GitHubSettings], org: FakeOrg, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(org)
    create_workspace(tmp_path, InitAnswers(company="Acme", owner="alice@acme.io"))
    Registers(tmp_path).people.save(
        PeopleFile(people=(PersonRecord(email="alice@acme.io", role="CTO", joined=date(2025, 1, 1)),))
    )
    config = tmp_path / "tracer.yaml"
    config.write_text(
        config.read_text() + f"sources:\n  github:\n    organization: acme\n    repositories: [app]\n"
        f"    api_url: {github[1].api_url}\n    token_env: {github[1].token_env}\n"
    )
    with pytest.raises(SystemExit) as done:
        main(["changes", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "alice@acme.io", "-w", str(tmp_path)])
    out = capsys.readouterr().out
    assert done.value.code == 0, out
    assert "3 changes" in out
    store = EvidenceStore(tmp_path)
    [population] = [i for i in store.items(kind=Kind.MANUAL) if i.control == "CM-01"]
    data = json.loads(store.content(population))
    assert data["counts"] == {
        "pull_requests_listed": 4,
        "merged_in_period": 2,
        "commits_on_default_branch": 3,
        "direct_pushes": 1,
    }
    rows = {c["reference"]: c for c in data["changes"]}
    assert rows["#1"]["approvers"] == ["alice"] and rows["#1"]["ci"] == "success" and rows["#1"]["concerns"] == []
    assert rows["#2"]["approvers"] == [] and "without an approval" in rows["#2"]["concerns"][0]
    assert "CI: failure" in rows["#2"]["concerns"]
    direct = rows["c9" * 20]
    assert direct["kind"] == "direct push" and direct["author"] == "dave"
    assert direct["concerns"][0] == "reached the default branch without a pull request"
    api_items = {i.id for i in store.items(kind=Kind.API)}
    assert {q["evidence_id"] for q in data["queries"]} <= api_items and len(data["queries"]) >= 8
    assert any(
        q["operation"] == "github.pulls:ListPulls" and q["parameters"]["state"] == "closed" for q in data["queries"]
    )


def test_the_fake_change_answers_are_shaped_as_github_documents(
    github: tuple[FakeApi, GitHubSettings], org: FakeOrg
) -> None:
    from githubkit_schemas.latest import models as m
    from pydantic import TypeAdapter

    seed(org)
    client = httpx.Client(base_url=github[0].base_url, headers={"Authorization": f"Bearer {org.token}"})
    TypeAdapter(list[m.PullRequestSimple]).validate_python(client.get("/repos/acme/app/pulls?state=all").json())
    TypeAdapter(list[m.PullRequestReview]).validate_python(client.get("/repos/acme/app/pulls/1/reviews").json())
    runs = client.get(f"/repos/acme/app/commits/{'a1' * 20}/check-runs").json()
    TypeAdapter(list[m.CheckRun]).validate_python(runs["check_runs"])
    TypeAdapter(list[m.Commit]).validate_python(client.get("/repos/acme/app/commits").json())
    client.close()
