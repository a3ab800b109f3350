"""Render the core policies from Jinja2 templates (StrictUndefined) with the workspace's parameters.

The same `parameters` section drives the checks, so a policy never promises a threshold the scan
does not test. A policy's controls (and so its criteria) come from the control library.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from evidence_tracer.atomic import write_atomic
from evidence_tracer.catalog.controls import Control, controls
from evidence_tracer.catalog.criteria import criteria, sort_key
from evidence_tracer.config import Parameters, WorkspaceConfig
from evidence_tracer.errors import GovernanceError
from evidence_tracer.evidence.items import sha256
from evidence_tracer.governance.owners import owners_of
from evidence_tracer.governance.registers import PoliciesFile, Registers
from evidence_tracer.yamlfile import safe_load

if TYPE_CHECKING:
    import jinja2

POLICY_NAMES = (
    "information_security",
    "access_control",
    "incident_response",
    "change_management",
    "risk_assessment",
    "vendor_management",
    "business_continuity",
    "acceptable_use",
    "data_handling",
    "security_training",
)
POLICIES_DIR = "policies"
_GENERATED = ".generated.json"
_TEMPLATES = ("evidence_tracer.policies", "templates")  # the package and its folder of templates


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
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader(*_TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # Markdown, not HTML
    )


def _split_front_matter(source: str, name: str) -> tuple[dict[str, str], str]:
    if not source.startswith("---\n"):
        raise GovernanceError(f"policy template {name} has no front matter")
    _, front, body = source.split("---\n", 2)
    try:
        meta = safe_load(front)
    except yaml.YAMLError as exc:
        raise GovernanceError(f"policy template {name}: invalid front matter: {exc}") from None
    if not isinstance(meta, dict) or "title" not in meta:
        raise GovernanceError(f"policy template {name}: front matter needs a title")
    return meta, body


@functools.cache
def _template(name: str) -> tuple[dict[str, str], str]:
    """A policy template's front matter and body, read without Jinja2 (which only rendering needs)."""
    if name not in POLICY_NAMES:
        raise GovernanceError(f"unknown policy {name!r}; the policies are: {', '.join(POLICY_NAMES)}")
    source = (resources.files(_TEMPLATES[0]) / _TEMPLATES[1] / f"{name}.md.j2").read_text(encoding="utf-8")
    return _split_front_matter(source, name)


def policy_title(name: str) -> str:
    return str(_template(name)[0]["title"])


def controls_of_policy(name: str) -> tuple[Control, ...]:
    return tuple(c for c in controls().values() if c.policy == name)


def policy_owner(name: str, config: WorkspaceConfig) -> str:
    owners = owners_of(config)
    for control in controls_of_policy(name):
        if control.id in owners:
            return owners[control.id]
    return "unassigned"


def approved_texts(policies: PoliciesFile, name: str) -> list[str]:
    """The SHA-256s of a policy's approved texts, oldest approval first: the text at index i is version i + 1."""
    ordered = sorted((a for a in policies.approvals if a.policy == name), key=lambda a: a.approved_at)
    return list(dict.fromkeys(a.sha256 for a in ordered))


def render_policy(name: str, config: WorkspaceConfig, policies: PoliciesFile | None = None) -> PolicyDoc:
    """The policy's text. Its version is the register's: the version it already holds when this exact text was
    approved, else the next one (one more than the texts approved so far) — so the text and `policies list`
    print the same number, and approving the text makes it that version."""
    texts = approved_texts(policies, name) if policies is not None else []
    for version in range(1, len(texts) + 1):
        doc = _render(name, config, version)
        if doc.sha256 == texts[version - 1]:
            return doc
    return _render(name, config, len(texts) + 1)


def _render(name: str, config: WorkspaceConfig, version: int) -> PolicyDoc:
    meta, body = _template(name)
    env = _environment()
    catalog = criteria()
    in_scope = set(config.scope.categories)
    # Controls whose criteria are all out of scope are not listed: the policy states what is examined.
    ctl = tuple(c for c in controls_of_policy(name) if any(catalog[k].category in in_scope for k in c.criteria))
    crit = tuple(
        sorted({c for control in ctl for c in control.criteria if catalog[c].category in in_scope}, key=sort_key)
    )
    template = env.from_string(body)
    params = _Parameters(config.parameters)
    context = {
        "company": config.company,
        "p": params,
        "boundary": config.boundary,
        "scope": [c.value for c in config.scope.categories],
        "owner": policy_owner(name, config),
        "owners": owners_of(config),
        "controls": ctl,
        "criteria": crit,
        "title": str(meta["title"]),
        "version": str(version),
        "stated_parameters": params.stated,
    }
    import jinja2

    try:
        template.render(**context)  # first pass: learn which parameters the text states
        text = template.render(**context)
    except jinja2.TemplateError as exc:
        raise GovernanceError(f"policy template {name}: {exc}") from None
    return PolicyDoc(name, str(meta["title"]), str(meta.get("summary", "")), text, ctl, crit)


def read_policy(path: Path) -> bytes:
    """A policy file's bytes; a symlink (or anything but a regular file) is refused."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise GovernanceError(
            f"{path} is not a regular file (a symlink?); a policy must be the workspace's own "
            "file: replace the link with the text itself"
        )
    try:
        return path.read_bytes()
    except OSError as exc:
        raise GovernanceError(f"cannot read {path}: {exc.strerror or exc}") from None


class _Parameters:
    """tracer.yaml's parameters as a template sees them, remembering which ones the text states."""

    def __init__(self, values: Parameters) -> None:
        self._values = values.model_dump()
        self._used: set[str] = set()

    def __getattr__(self, name: str) -> object:
        if name not in self._values:
            raise AttributeError(name)
        self._used.add(name)
        return self._values[name]

    def __getitem__(self, name: str) -> object:
        return self._values[name]

    def stated(self) -> list[str]:
        return sorted(self._used)


_PARAMETER_ROW = re.compile(r"^\|\s*([a-z0-9_]+)\s*\|\s*([^|]+?)\s*\|\s*$")
_TABLE_TITLE = "Parameters stated in this policy"


def stated_values(text: str) -> dict[str, str] | None:
    """The parameter table of a policy file (name -> value as written), or None when it has none."""
    if _TABLE_TITLE not in text:
        return None
    rows: dict[str, str] = {}
    for line in text.split(_TABLE_TITLE, 1)[1].splitlines()[1:]:
        if line.startswith("## "):
            break
        found = _PARAMETER_ROW.match(line.strip())
        if found and found.group(1) != "parameter":
            rows[found.group(1)] = found.group(2)
    return rows


def matches_parameters(text: str, config: WorkspaceConfig) -> bool | None:
    """Whether a (possibly hand-edited) policy states tracer.yaml's current values; None when it has no
    parameter table to compare (then only the generated text can be compared)."""
    stated = stated_values(text)
    if stated is None:
        return None
    current = config.parameters.model_dump()
    return all(name in current and str(current[name]) == value for name, value in stated.items())


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
    approvals = Registers(workspace).policies.load()
    for name in POLICY_NAMES:
        doc = render_policy(name, config, approvals)
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
