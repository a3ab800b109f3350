"""What a new source costs: one plug-in package (tests/plugins/statuspage: its plug-in, value types, check and
catalog fragment) and its entry points — no file of Evidence Tracer changes. Installed here as a third-party
distribution's entry points would be, it is scanned, judged, weighed into readiness, stored, re-evaluated
from its snapshot and documented like a built-in source."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from importlib.metadata import EntryPoint, EntryPoints
from importlib.metadata import entry_points as installed
from pathlib import Path
from typing import Any

import pytest

from evidence_tracer.app.init import InitAnswers, create_workspace
from evidence_tracer.catalog import controls as catalog_controls
from evidence_tracer.catalog import fragments as catalog_fragments
from evidence_tracer.checks import registry as check_registry
from evidence_tracer.inventory import codec
from evidence_tracer.sources import registry as source_registry
from tests.cli.conftest import run_cli

PLUGIN_ENTRY_POINTS = {
    source_registry.ENTRY_POINT_GROUP: "tests.plugins.statuspage.plugin:PLUGIN",
    check_registry.ENTRY_POINT_GROUP: "tests.plugins.statuspage.checks",
    codec.ENTRY_POINT_GROUP: "tests.plugins.statuspage.values",
    catalog_fragments.ENTRY_POINT_GROUP: "tests.plugins.statuspage",
}
CACHED: tuple[Any, ...] = (
    source_registry.plugins,
    check_registry.all_checks,
    check_registry.specs,
    catalog_fragments.fragments,
    catalog_controls.controls,
    catalog_controls.criteria_of_check,
    catalog_controls.control_of_rule,
    codec._classes,
)


def _with_plugin(*, group: str) -> EntryPoints:
    found = list(installed(group=group))
    if group in PLUGIN_ENTRY_POINTS:
        found.append(EntryPoint("statuspage", PLUGIN_ENTRY_POINTS[group], group))
    return EntryPoints(found)


@pytest.fixture
def statuspage(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The plug-in's four entry points, as `pip install tracer-statuspage` would register them."""
    lookup: Callable[..., EntryPoints] = _with_plugin
    for module in (source_registry, check_registry, codec, catalog_fragments):
        monkeypatch.setattr(module, "entry_points", lookup)
    for cached in CACHED:
        cached.cache_clear()
    yield
    monkeypatch.undo()
    for cached in CACHED:
        cached.cache_clear()


def _workspace(tmp_path: Path, published: bool) -> Path:
    ws = tmp_path / "ws"
    create_workspace(ws, InitAnswers(company="Acme", owner="alice@acme.io"))
    export = tmp_path / "incidents.json"
    export.write_text(
        json.dumps(
            {
                "incidents": [
                    {"id": "inc-7", "title": "Login outage", "customer_impact": True, "published": published},
                    {"id": "inc-8", "title": "Internal CI outage", "customer_impact": False, "published": False},
                ]
            }
        )
    )
    config = ws / "tracer.yaml"
    config.write_text(
        config.read_text() + f"sources:\n  aws: {{enabled: false}}\n  statuspage:\n"
        f"    enabled: true\n    export_file: '{export}'\n"
    )
    return ws


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code, out, err = run_cli(capsys, *argv)
    return code, out + err


def test_a_plug_in_source_is_scanned_judged_stored_and_documented(
    statuspage: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = _workspace(tmp_path, published=False)
    code, out = _run(capsys, "scan", "-w", str(ws), "--format", "json", "--output", str(tmp_path / "scan.json"))
    assert code == 0, out
    report = json.loads((tmp_path / "scan.json").read_text())
    assert report["scan"]["sources"] == ["statuspage"]
    [finding] = report["findings"]
    assert finding["check_id"] == "statuspage_incidents_published" and finding["status"] == "fail"
    assert finding["criteria"] == ["CC7.4", "CC7.5"]  # from IR-02, the control its catalog fragment names
    assert "Publish incident inc-7" in finding["remediation"]

    code, out = _run(capsys, "status", "-w", str(ws), "--explain", "IR-02")
    assert code == 0 and "statuspage_incidents_published" in out, out

    # Re-evaluated from the stored snapshot: the plug-in's value types decode through their entry point.
    code, out = _run(capsys, "report", "-w", str(ws), "--reevaluate", "--format", "json")
    assert code == 0, out
    assert "statuspage_incidents_published" in out

    code, out = _run(capsys, "permissions", "-w", str(ws), "--source", "statuspage")
    assert code == 0 and "incidents:read" in out
    code, out = _run(capsys, "evidence", "verify", "-w", str(ws))
    assert code == 0, out


def test_a_plug_in_source_passes_and_errors_like_any_other(statuspage: None, tmp_path: Path) -> None:
    from evidence_tracer.app.scan import run_scan
    from evidence_tracer.config import load_config
    from evidence_tracer.models import Status

    ws = _workspace(tmp_path, published=True)
    config = load_config(ws)
    outcome = run_scan(source_registry.enabled_sources(config), config)
    assert {f.status for f in outcome.result.findings} == {Status.PASS}
    (tmp_path / "incidents.json").write_text("<html>login</html>")
    outcome = run_scan(source_registry.enabled_sources(config), config)
    assert {f.status for f in outcome.result.findings} == {Status.ERROR}


def test_the_registry_wide_meta_tests_see_the_plug_in(statuspage: None) -> None:
    from tests.sources.test_registry import needs_of

    assert "statuspage" in {p.name for p in source_registry.plugins()}
    assert needs_of("statuspage") == {("status:ListIncidents", "statuspage_incidents_published")}
    declared = {op.key for op in source_registry.plugin("statuspage").operations()}
    assert {op for op, _ in needs_of("statuspage")} <= declared


def test_a_section_no_source_claims_is_refused(tmp_path: Path) -> None:
    from evidence_tracer.config import load_config
    from evidence_tracer.errors import ConfigError

    ws = tmp_path / "ws"
    create_workspace(ws, InitAnswers(company="Acme", owner="alice@acme.io"))
    (ws / "tracer.yaml").write_text((ws / "tracer.yaml").read_text() + "sources:\n  githb: {enabled: true}\n")
    with pytest.raises(ConfigError, match=r"sources\.githb is not a registered source"):
        source_registry.enabled_sources(load_config(ws))
