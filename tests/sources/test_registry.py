"""Registry-wide meta-tests over every SourcePlugin: what a source declares is what the checks need, every
source has its "denied -> error" test over all of its needs, and nothing else keeps a list of sources."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest

from evidence_tracer.checks.registry import all_checks, check_modules, specs
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.errors import ConfigError
from evidence_tracer.inventory.codec import value_modules
from evidence_tracer.sources.registry import enabled_sources, plugin, plugins

# For each registered source, the test module that denies each operation its checks need (through its real
# client, against moto or the source's fake) and shows the check turns to `error`. A new source adds its own.
DENIAL_TESTS = {
    "aws": "tests.checks.test_needs",
    "github": "tests.sources.github.test_github_source",
    "okta": "tests.sources.okta.test_okta_source",
    "google": "tests.sources.google.test_google_source",
}
SRC = Path(__file__).resolve().parents[2] / "src" / "evidence_tracer"


def needs_of(source: str) -> set[tuple[str, str]]:
    return {(op, cid) for cid, spec in specs().items() if spec.judges(source) for op in spec.needs_of(source)}


def test_built_in_sources_are_registered_as_entry_points_like_any_plug_in() -> None:
    from importlib.metadata import entry_points

    from evidence_tracer.sources.registry import ENTRY_POINT_GROUP

    registered = {ep.name: ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)}
    assert {name: p.name for name, p in registered.items()} == {p.name: p.name for p in plugins()}
    assert all(registered[p.name] is p for p in plugins())


def test_every_registered_source_has_a_denial_test_over_every_need() -> None:
    assert set(DENIAL_TESTS) == {p.name for p in plugins()}
    for name, module in DENIAL_TESTS.items():
        denied = import_module(module).DENIED
        assert needs_of(name), f"no check judges {name}"
        assert denied == needs_of(name), (name, needs_of(name) ^ denied)


@pytest.mark.parametrize("source", sorted(DENIAL_TESTS))
def test_every_need_is_an_operation_its_source_declares(source: str) -> None:
    declared = {op.key for op in plugin(source).operations()}
    assert all(op.source == source for op in plugin(source).operations())
    missing = {(op, cid) for op, cid in needs_of(source) if op not in declared}
    assert not missing, missing


def test_every_check_judges_registered_sources_only() -> None:
    names = {p.name for p in plugins()}
    for cid, spec in specs().items():
        assert set(spec.sources or (spec.source,)) <= names, cid
        assert set(spec.needs_by_source) == set(spec.sources or (spec.source,)), cid


def test_tracer_yaml_decides_which_sources_run() -> None:
    assert [s.name for s in enabled_sources(WorkspaceConfig())] == ["aws"]
    config = WorkspaceConfig.model_validate(
        {"sources": {"aws": {"enabled": False}, "okta": {"enabled": True, "org_url": "https://acme.okta.com"}}}
    )
    assert [s.name for s in enabled_sources(config)] == ["okta"]
    broken = WorkspaceConfig.model_validate({"sources": {"github": {"enabled": True}}})
    with pytest.raises(ConfigError, match=r"sources\.github\.organization"):
        enabled_sources(broken)


@pytest.mark.parametrize("source", sorted(DENIAL_TESTS))
def test_every_source_prints_its_permissions_and_names_a_fake(source: str) -> None:
    entry = plugin(source)
    document = entry.permissions(None)
    assert document.strip()
    module, _, name = entry.fake.partition(":")
    assert callable(getattr(import_module(module), name))


def test_an_unknown_source_is_one_clear_error() -> None:
    with pytest.raises(ConfigError, match="the sources are aws, github, okta, google"):
        plugin("jira")


def test_checks_and_value_types_are_found_without_a_list() -> None:
    """Every check module and every inventory module is discovered: none is left out, none is listed by hand."""
    on_disk = {
        f"evidence_tracer.checks.{p.stem}"
        for p in (SRC / "checks").glob("*.py")
        if p.stem not in ("__init__", "registry")
    }
    assert set(check_modules()) == on_disk
    implemented = {fn.__module__ for fn in all_checks().values()}
    assert implemented <= on_disk and len(implemented) >= 10
    modules = {m.__name__ for m in value_modules()}
    assert {
        f"evidence_tracer.inventory.{p.stem}" for p in (SRC / "inventory").glob("*.py") if p.stem != "__init__"
    } <= modules


def test_no_source_is_named_outside_its_plug_in() -> None:
    """The use cases and the CLI build sources through the registry: no hand-kept list of source classes."""
    for path in (SRC / "app").rglob("*.py"):
        text = path.read_text()
        for cls in ("AwsSource(", "GitHubSource(", "OktaSource(", "GoogleSource("):
            assert cls not in text, (path, cls)
    for path in (SRC / "cli").rglob("*.py"):
        assert 'source == "' not in path.read_text(), path  # `permissions` asks the registry, not an if-chain


def test_the_registry_loads_no_source_that_is_not_built() -> None:
    """Every command reads the registry (its allow-list, its permissions documents): a source's HTTP client and
    key signing load only when tracer.yaml enables it and a command builds it."""
    probe = (
        "import json, sys\n"
        "from evidence_tracer.sources.registry import plugins\n"
        "[(p.operations(), p.permissions(None)) for p in plugins()]\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True).stdout))
    assert not {m for m in loaded if m.split(".")[0] in ("httpx", "cryptography")}
    built = {f"evidence_tracer.sources.{name}.source" for name in ("github", "okta", "google")}
    assert not loaded & built
