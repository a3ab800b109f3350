"""The source registry (the datasette / pip-audit model): one `SourcePlugin` per evidence source.

A plug-in says everything the use cases need to know about its source — whether tracer.yaml enables it,
how to build it from tracer.yaml, the operations it may perform (its allow-list and the registry-wide
"denied -> error" meta-test), its permissions document and the fake API the demo and the tests run it
against. Nothing else keeps a list of sources.

The layers below the use cases never import a source, so they find their own share of a plug-in the same
way: the inventory codec decodes the value types of every module of `evidence_tracer.inventory` and of the
entry-point group `evidence_tracer.inventory`; the check registry runs the @check functions of every module
of `evidence_tracer.checks` and of the group `evidence_tracer.checks`. A third-party source is one package
with its plug-in, its value types and its checks, named by three entry points.

Built-in sources are registered as a third-party one is (a module-level `PLUGIN`, group
`evidence_tracer.sources` in pyproject.toml); they are also listed here, so a checkout that was never
installed still knows them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ValidationError

from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.errors import ConfigError
from evidence_tracer.sources.base import EvidenceSource, Operation

if TYPE_CHECKING:
    from evidence_tracer.sources.aws.session import AwsContext

ENTRY_POINT_GROUP = "evidence_tracer.sources"
M = TypeVar("M", bound=BaseModel)
BUILTIN = (
    "evidence_tracer.sources.aws.plugin",
    "evidence_tracer.sources.github.plugin",
    "evidence_tracer.sources.okta.plugin",
    "evidence_tracer.sources.google.plugin",
)


@dataclass(frozen=True)
class BuildOptions:
    """What a command adds to tracer.yaml when it builds sources (AWS: --profile, --org/--no-org, a context)."""

    profile: str | None = None
    organization: str | None = None
    aws_context: AwsContext | None = None


@dataclass(frozen=True)
class SourcePlugin:
    name: str  # the `source` of its parts and findings; the key of its section under tracer.yaml `sources:`
    title: str
    enabled: Callable[[WorkspaceConfig], bool]
    build: Callable[[WorkspaceConfig, BuildOptions], EvidenceSource]
    operations: Callable[[], tuple[Operation, ...]]
    # The permissions document `tracer permissions --source NAME` prints (an IAM policy, token scopes).
    permissions: Callable[[WorkspaceConfig | None], str]
    # "module:callable" of the local fake API the demo and the tests read it from.
    fake: str = ""
    # The file under docs/ that ships the permissions document (scripts/generate_docs.py writes it).
    document: str = ""


@functools.cache
def plugins() -> tuple[SourcePlugin, ...]:
    """Every registered source, built-ins first, each once."""
    names = list(BUILTIN)
    names += [ep.value for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.value not in names]
    found: dict[str, SourcePlugin] = {}
    for module_name in names:
        module, _, attribute = module_name.partition(":")
        plugin = getattr(import_module(module), attribute or "PLUGIN")
        if not isinstance(plugin, SourcePlugin):
            raise ConfigError(f"entry point {module_name} is not a SourcePlugin")
        if plugin.name in found:
            if found[plugin.name] is plugin:
                continue
            raise ConfigError(f"two sources are named {plugin.name!r}")
        found[plugin.name] = plugin
    return tuple(found.values())


def plugin(name: str) -> SourcePlugin:
    by_name = {p.name: p for p in plugins()}
    if name not in by_name:
        raise ConfigError(f"--source {name!r}: the sources are {', '.join(by_name)}")
    return by_name[name]


def check_sections(config: WorkspaceConfig) -> None:
    """Every section under tracer.yaml `sources:` belongs to a registered source (a typo is not ignored)."""
    known = {p.name for p in plugins()}
    unknown = sorted(set(config.sources.model_extra or {}) - known)
    if unknown:
        raise ConfigError(
            f"tracer.yaml: sources.{unknown[0]} is not a registered source (the sources are {', '.join(sorted(known))})"
        )


def plugin_settings(config: WorkspaceConfig, name: str, model: type[M]) -> M:
    """A plug-in source's own section of tracer.yaml `sources:`, validated by its model (defaults when absent)."""
    raw = (config.sources.model_extra or {}).get(name) or {}
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise ConfigError(f"tracer.yaml: sources.{name}.{where}: {problem['msg']}") from None


def enabled_sources(
    config: WorkspaceConfig,
    profile: str | None = None,
    organization: str | None = None,
    aws_context: AwsContext | None = None,
) -> list[EvidenceSource]:
    """The sources tracer.yaml enables, built from it (in registry order)."""
    check_sections(config)
    options = BuildOptions(profile, organization, aws_context)
    return [p.build(config, options) for p in plugins() if p.enabled(config)]
