"""Render the core policies from Jinja2 templates (StrictUndefined) with the workspace's parameters.

The same `parameters` section drives the checks, so a policy never promises a threshold the scan
does not test. A policy's controls (and so its criteria) come from the control library.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import jinja2
import yaml

from evidence_tracer.atomic import write_atomic
from evidence_tracer.catalog.controls import Control, controls
from evidence_tracer.catalog.criteria import sort_key
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.errors import GovernanceError
from evidence_tracer.evidence.store import sha256
from evidence_tracer.governance.owners import owners_of

POLICY_NAMES = (
    "information_security", "access_control", "incident_response", "change_management", "risk_assessment",
    "vendor_management", "business_continuity", "acceptable_use", "data_handling", "security_training",
)
POLICIES_DIR = "policies"
_GENERATED = ".generated.json"


@dataclass(frozen=True)
class PolicyDoc:
    name: str
    title: str
    summary: str
    text: str
    controls: tuple[Control, ...]
    criteria: tuple[str, ...]

    @property
    def sha256(self) -> str:
        return sha256(self.text.encode("utf-8"))

    @property
    def filename(self) -> str:
        return f"{self.name}.md"


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("evidence_tracer.policies", "templates"),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        autoescape=False,  # Markdown, not HTML
    )


def _split_front_matter(source: str, name: str) -> tuple[dict[str, str], str]:
    if not source.startswith("---\n"):
        raise GovernanceError(f"policy template {name} has no front matter")
    _, front, body = source.split("---\n", 2)
    try:
        meta = yaml.safe_load(front)
    except yaml.YAMLError as exc:
        raise GovernanceError(f"policy template {name}: invalid front matter: {exc}") from None
    if not isinstance(meta, dict) or "title" not in meta:
        raise GovernanceError(f"policy template {name}: front matter needs a title")
    return meta, body


def controls_of_policy(name: str) -> tuple[Control, ...]:
    return tuple(c for c in controls().values() if c.policy == name)


def policy_owner(name: str, config: WorkspaceConfig) -> str:
    owners = owners_of(config)
    for control in controls_of_policy(name):
        if control.id in owners:
            return owners[control.id]
    return "unassigned"


def render_policy(name: str, config: WorkspaceConfig) -> PolicyDoc:
    if name not in POLICY_NAMES:
        raise GovernanceError(f"unknown policy {name!r}; the policies are: {', '.join(POLICY_NAMES)}")
    env = _environment()
    loader = env.loader
    assert loader is not None
    source, _, _ = loader.get_source(env, f"{name}.md.j2")
    meta, body = _split_front_matter(source, name)
    ctl = controls_of_policy(name)
    crit = tuple(sorted({c for control in ctl for c in control.criteria}, key=sort_key))
    try:
        text = env.from_string(body).render(
            company=config.company, p=config.parameters, boundary=config.boundary,
            scope=[c.value for c in config.scope.categories], owner=policy_owner(name, config),
            owners=owners_of(config), controls=ctl, criteria=crit,
        )
    except jinja2.TemplateError as exc:
        raise GovernanceError(f"policy template {name}: {exc}") from None
    return PolicyDoc(name, str(meta["title"]), str(meta.get("summary", "")), text, ctl, crit)


def read_policy(path: Path) -> bytes:
    """A policy file's bytes; a symlink (or anything but a regular file) is refused."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise GovernanceError(f"{path} is not a regular file (a symlink?); a policy must be the workspace's own "
                              "file: replace the link with the text itself")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise GovernanceError(f"cannot read {path}: {exc.strerror or exc}") from None


def _generated_hashes(folder: Path) -> dict[str, str]:
    path = folder / _GENERATED
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(k): str(v) for k, v in data.items()}
    except (OSError, ValueError):
        return {}


def generate(workspace: Path, config: WorkspaceConfig, force: bool = False) -> list[tuple[PolicyDoc, str]]:
    """Write every policy to `policies/NAME.md`. A file edited by hand since it was generated is kept
    (and reported) unless `force`. Returns (policy, what happened) pairs."""
    folder = workspace / POLICIES_DIR
    previous = _generated_hashes(folder)
    outcome = []
    for name in POLICY_NAMES:
        doc = render_policy(name, config)
        path = folder / doc.filename
        current = sha256(read_policy(path)) if path.exists() or path.is_symlink() else None
        if current == doc.sha256:
            outcome.append((doc, "unchanged"))
            continue
        if current is not None and current != previous.get(name) and not force:
            outcome.append((doc, "kept: edited by hand (use --force to replace)"))
            continue
        write_atomic(path, doc.text)
        previous[name] = doc.sha256
        outcome.append((doc, "written" if current is None else "updated"))
    write_atomic(folder / _GENERATED, json.dumps(previous, indent=2, sort_keys=True) + "\n")
    return outcome
