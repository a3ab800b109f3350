"""The fake GitHub API's change records: pull requests, reviews, check runs and commits, shaped as GitHub
documents them (validated against githubkit's models in the tests)."""

from __future__ import annotations

from typing import Any

from evidence_tracer.fakes.github import API, CREATED, FakeOrg, FakeRepo, repository, user


def pull(
    org: str,
    repo: str,
    number: int,
    title: str,
    author: str,
    merged_at: str | None,
    head_sha: str,
    merge_sha: str,
    base: str = "main",
) -> dict[str, Any]:
    """A PullRequestSimple (GET /repos/{o}/{r}/pulls?state=closed)."""
    url = f"{API}/repos/{org}/{repo}/pulls/{number}"
    html = f"https://github.com/{org}/{repo}/pull/{number}"
    owner = user(author, 3000 + number)
    where = repository(FakeOrg(org), FakeRepo(repo, default_branch=base))
    ref = {"label": f"{org}:{base}", "ref": base, "sha": "0" * 40, "user": user(org, 42), "repo": where}
    return {
        "url": url,
        "id": 9000 + number,
        "node_id": f"PR_{number}",
        "html_url": html,
        "diff_url": f"{html}.diff",
        "patch_url": f"{html}.patch",
        "issue_url": f"{API}/repos/{org}/{repo}/issues/{number}",
        "commits_url": f"{url}/commits",
        "review_comments_url": f"{url}/comments",
        "review_comment_url": f"{API}/repos/{org}/{repo}/pulls/comments{{/number}}",
        "comments_url": f"{API}/repos/{org}/{repo}/issues/{number}/comments",
        "statuses_url": f"{API}/repos/{org}/{repo}/statuses/{head_sha}",
        "number": number,
        "state": "closed",
        "locked": False,
        "title": title,
        "user": owner,
        "body": None,
        "labels": [],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": CREATED,
        "updated_at": merged_at or CREATED,
        "closed_at": merged_at or CREATED,
        "merged_at": merged_at,
        "merge_commit_sha": merge_sha,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "head": {
            "label": f"{author}:feature-{number}",
            "ref": f"feature-{number}",
            "sha": head_sha,
            "user": owner,
            "repo": where,
        },
        "base": ref,
        "_links": {
            k: {"href": url}
            for k in ("comments", "commits", "statuses", "html", "issue", "review_comments", "review_comment", "self")
        },
        "author_association": "MEMBER",
        "auto_merge": None,
        "draft": False,
    }


def review(org: str, repo: str, number: int, reviewer: str, state: str, rid: int) -> dict[str, Any]:
    """A PullRequestReview."""
    url = f"{API}/repos/{org}/{repo}/pulls/{number}"
    return {
        "id": rid,
        "node_id": f"PRR_{rid}",
        "user": user(reviewer, 4000 + rid % 100),
        "body": "",
        "state": state,
        "html_url": f"https://github.com/{org}/{repo}/pull/{number}#pullrequestreview-{rid}",
        "pull_request_url": url,
        "_links": {"html": {"href": f"https://github.com/{org}/{repo}/pull/{number}"}, "pull_request": {"href": url}},
        "submitted_at": CREATED,
        "commit_id": "1" * 40,
        "author_association": "MEMBER",
    }


def check_run(org: str, repo: str, sha: str, name: str, conclusion: str, rid: int) -> dict[str, Any]:
    """A CheckRun."""
    return {
        "id": rid,
        "head_sha": sha,
        "node_id": f"CR_{rid}",
        "external_id": str(rid),
        "url": f"{API}/repos/{org}/{repo}/check-runs/{rid}",
        "html_url": f"https://github.com/{org}/{repo}/runs/{rid}",
        "details_url": None,
        "status": "completed",
        "conclusion": conclusion,
        "started_at": CREATED,
        "completed_at": CREATED,
        "output": {
            "title": name,
            "summary": "",
            "text": None,
            "annotations_count": 0,
            "annotations_url": f"{API}/repos/{org}/{repo}/check-runs/{rid}/annotations",
        },
        "name": name,
        "check_suite": {"id": rid},
        "app": None,
        "pull_requests": [],
    }


def commit(org: str, repo: str, sha: str, author: str, when: str, message: str) -> dict[str, Any]:
    """A Commit (GET /repos/{o}/{r}/commits)."""
    person = {"name": author, "email": f"{author}@users.noreply.github.com", "date": when}
    return {
        "url": f"{API}/repos/{org}/{repo}/commits/{sha}",
        "sha": sha,
        "node_id": f"C_{sha[:8]}",
        "html_url": f"https://github.com/{org}/{repo}/commit/{sha}",
        "comments_url": f"{API}/repos/{org}/{repo}/commits/{sha}/comments",
        "commit": {
            "url": f"{API}/repos/{org}/{repo}/git/commits/{sha}",
            "author": person,
            "committer": person,
            "message": message,
            "comment_count": 0,
            "tree": {"sha": "2" * 40, "url": f"{API}/repos/{org}/{repo}/git/trees/{'2' * 40}"},
        },
        "author": user(author, 5000),
        "committer": user(author, 5000),
        "parents": [],
    }
