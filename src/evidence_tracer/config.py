"""The workspace configuration (`tracer.yaml`): the single home of every threshold and scope fact.

Parsed with pydantic; every error names the file, the line and the dotted field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from evidence_tracer.catalog.criteria import Category
from evidence_tracer.errors import ConfigError, GovernanceError
from evidence_tracer.governance.names import validate_person

CONFIG_FILE = "tracer.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Parameters(_Strict):
    """Policy parameters. Each one appears in policy text *and* drives a check or a register."""

    access_key_max_age_days: int = Field(90, ge=1, le=730)
    password_min_length: int = Field(14, ge=8, le=128)
    log_retention_days: int = Field(365, ge=30, le=3650)
    access_review_cadence_days: int = Field(90, ge=7, le=366)
    policy_review_cadence_days: int = Field(365, ge=30, le=730)
    training_cadence_days: int = Field(365, ge=30, le=730)
    vendor_review_cadence_days: int = Field(365, ge=30, le=730)
    risk_review_cadence_days: int = Field(365, ge=30, le=730)
    tabletop_cadence_days: int = Field(365, ge=30, le=730)
    bcdr_test_cadence_days: int = Field(365, ge=30, le=730)
    incident_notification_hours: int = Field(72, ge=1, le=720)


class CriticalTag(_Strict):
    key: str = "tracer:critical"
    value: str = "true"


class S3Settings(_Strict):
    critical_buckets: tuple[str, ...] = ()
    critical_tag: CriticalTag = CriticalTag()


class Boundary(_Strict):
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    ci_cd: tuple[str, ...] = ()


class Company(_Strict):
    name: str = "Example Co"
    security_contact: str = ""


class Scope(_Strict):
    """Trust Services Criteria categories in scope. Security (the common criteria) is always in."""

    categories: tuple[Category, ...] = (Category.SECURITY,)

    @field_validator("categories")
    @classmethod
    def _security_is_mandatory(cls, value: tuple[Category, ...]) -> tuple[Category, ...]:
        if Category.SECURITY not in value:
            raise ValueError("security is mandatory in every SOC 2 examination; add it to the list")
        return tuple(dict.fromkeys(value))


def _person(value: str) -> str:
    try:
        return validate_person(value, "person")
    except GovernanceError as exc:
        raise ValueError(str(exc).removeprefix("person: ")) from None


def _control_ref(value: str) -> str:
    from evidence_tracer.catalog.controls import controls

    library = controls()
    if value not in library and value not in {cid.rsplit("-", 1)[0] for cid in library}:
        raise ValueError(f"{value!r} is not a control id (e.g. AC-06) or control family (e.g. AC)")
    return value


Person = Annotated[str, AfterValidator(_person)]
ControlRef = Annotated[str, AfterValidator(_control_ref)]


class WorkspaceConfig(_Strict):
    company: Company = Company()
    scope: Scope = Scope()
    # Control id (AC-06) or family (AC) -> the one person who owns it. A specific id beats its family.
    owners: dict[ControlRef, Person] = Field(default_factory=dict)
    boundary: Boundary = Boundary()
    parameters: Parameters = Parameters()
    s3: S3Settings = S3Settings()


def _line_of(node: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the YAML node at `loc`, or of its nearest existing ancestor."""
    line: int | None = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if found is None:
                key = next((k for k, _ in node.value if getattr(k, "value", None) == part), None)
                return key.start_mark.line + 1 if key is not None else line
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def parse_config(text: str, source: str) -> WorkspaceConfig:
    """Parse and validate config text; `source` names the file in error messages."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise ConfigError(f"{source}:{line}: invalid YAML: {exc.problem or exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}:1: the top level must be a mapping of sections")
    try:
        return WorkspaceConfig.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            dotted = ".".join(str(p) for p in loc) or "(top level)"
            at = _line_of(root, loc) or 1
            lines.append(f"{source}:{at}: {dotted}: {err['msg']}")
        raise ConfigError("\n".join(lines)) from None


def load_config(workspace: Path) -> WorkspaceConfig:
    """Load `tracer.yaml` from the workspace; a workspace without one uses the defaults."""
    path = workspace / CONFIG_FILE
    if not path.exists():
        return WorkspaceConfig()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    return parse_config(text, str(path))
