"""The fake GitHub REST API's routes: what each endpoint answers for a fake organisation (the payloads are
in github.py and github_changes.py, validated against githubkit's models in the tests)."""

from __future__ import annotations

from evidence_tracer.fakes.github import FakeOrg, FakeRepo, _ids, content, organization, repository, user
from evidence_tracer.fakes.server import FakeApi, Reply, Request, paginate


def github_api(org: FakeOrg) -> FakeApi:
    """The routes of the fake, over `org` (which a test may change between calls)."""
    api = FakeApi()

    def ids() -> dict[str, int]:
        return _ids(org.members + org.admins + org.without_2fa + org.outside_collaborators)

    def auth(request: Request) -> Reply | None:
        if request.headers.get("authorization") != f"Bearer {org.token}":
            return Reply(401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
        return None

    def headers(reply: Reply) -> Reply:
        reply.headers.setdefault("X-GitHub-Request-Id", "C0DE:1234:5678:9ABC:6560A0B0")
        if org.scopes is not None:
            reply.headers.setdefault("X-OAuth-Scopes", org.scopes)
        return reply

    def repo_of(request: Request) -> FakeRepo | None:
        return org.repos.get(request.groups["repo"]) if request.groups.get("org") == org.login else None

    def get_org(request: Request) -> Reply:
        if request.groups["org"] != org.login:
            return Reply(404, {"message": "Not Found"})
        return headers(Reply(200, organization(org)))

    def members(request: Request) -> Reply:
        if request.query.get("filter") == "2fa_disabled":
            logins = org.without_2fa
        elif request.query.get("role") == "admin":
            logins = org.admins
        else:
            logins = org.members
        return headers(paginate([user(m, ids()[m]) for m in logins], request, api.base_url))

    def outside(request: Request) -> Reply:
        return headers(paginate([user(m, ids()[m]) for m in org.outside_collaborators], request, api.base_url))

    def repos(request: Request) -> Reply:
        return headers(paginate([repository(org, r) for r in org.repos.values()], request, api.base_url))

    def get_repo(request: Request) -> Reply:
        repo = repo_of(request)
        return headers(Reply(200, repository(org, repo)) if repo else Reply(404, {"message": "Not Found"}))

    def get_protection(request: Request) -> Reply:
        repo = repo_of(request)
        if repo is None or repo.protection is None:
            return headers(
                Reply(
                    404,
                    {"message": "Branch not protected", "documentation_url": "https://docs.github.com/rest/branches"},
                )
            )
        return headers(Reply(200, repo.protection))

    def branch_rules(request: Request) -> Reply:
        repo = repo_of(request)
        return headers(paginate(repo.rules if repo else [], request, api.base_url))

    def get_ruleset(request: Request) -> Reply:
        repo = repo_of(request)
        found = repo.rulesets.get(int(request.groups["id"])) if repo else None
        return headers(Reply(200, found) if found else Reply(404, {"message": "Not Found"}))

    def get_content(request: Request) -> Reply:
        repo = repo_of(request)
        if repo is None or repo.codeowners != request.groups["path"]:
            return headers(Reply(404, {"message": "Not Found"}))
        return headers(Reply(200, content(request.groups["path"])))

    def environments(request: Request) -> Reply:
        repo = repo_of(request)
        envs = repo.environments if repo else []
        return headers(Reply(200, {"total_count": len(envs), "environments": envs}))

    def keys(request: Request) -> Reply:
        repo = repo_of(request)
        return headers(paginate(repo.deploy_keys if repo else [], request, api.base_url))

    def alerts(request: Request) -> Reply:
        repo = repo_of(request)
        return headers(Reply(204) if repo and repo.vulnerability_alerts else Reply(404, {"message": "Not Found"}))

    def pulls(request: Request) -> Reply:
        repo = repo_of(request)
        found = [
            p
            for p in (repo.pulls if repo else [])
            if p["state"] == request.query.get("state", "open") or request.query.get("state") == "all"
        ]
        return headers(paginate(found, request, api.base_url))

    def reviews(request: Request) -> Reply:
        repo = repo_of(request)
        return headers(
            paginate(repo.reviews.get(int(request.groups["number"]), []) if repo else [], request, api.base_url)
        )

    def check_runs(request: Request) -> Reply:
        repo = repo_of(request)
        runs = repo.check_runs.get(request.groups["sha"], []) if repo else []
        return headers(Reply(200, {"total_count": len(runs), "check_runs": runs}))

    def commits(request: Request) -> Reply:
        repo = repo_of(request)
        since, until = request.query.get("since", ""), request.query.get("until", "9999")
        found = [c for c in (repo.commits if repo else []) if since <= c["commit"]["committer"]["date"] <= until]
        return headers(paginate(found, request, api.base_url))

    def commit_pulls(request: Request) -> Reply:
        repo = repo_of(request)
        numbers = repo.commit_pulls.get(request.groups["sha"], []) if repo else []
        return headers(Reply(200, [p for p in repo.pulls if p["number"] in numbers] if repo else []))

    api.check_auth = auth
    r = r"(?P<org>[^/]+)/(?P<repo>[^/]+)"
    api.route(r"/orgs/(?P<org>[^/]+)", get_org)
    api.route(r"/orgs/(?P<org>[^/]+)/members", members)
    api.route(r"/orgs/(?P<org>[^/]+)/outside_collaborators", outside)
    api.route(r"/orgs/(?P<org>[^/]+)/repos", repos)
    api.route(rf"/repos/{r}", get_repo)
    api.route(rf"/repos/{r}/branches/(?P<branch>[^/]+)/protection", get_protection)
    api.route(rf"/repos/{r}/rules/branches/(?P<branch>[^/]+)", branch_rules)
    api.route(rf"/repos/{r}/rulesets/(?P<id>\d+)", get_ruleset)
    api.route(rf"/repos/{r}/contents/(?P<path>.+)", get_content)
    api.route(rf"/repos/{r}/environments", environments)
    api.route(rf"/repos/{r}/keys", keys)
    api.route(rf"/repos/{r}/vulnerability-alerts", alerts)
    api.route(rf"/repos/{r}/pulls", pulls)
    api.route(rf"/repos/{r}/pulls/(?P<number>\d+)/reviews", reviews)
    api.route(rf"/repos/{r}/commits/(?P<sha>[0-9a-f]+)/check-runs", check_runs)
    api.route(rf"/repos/{r}/commits", commits)
    api.route(rf"/repos/{r}/commits/(?P<sha>[0-9a-f]+)/pulls", commit_pulls)
    return api
