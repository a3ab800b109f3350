"""botocore's service models, cut down to what the read-only guard lets a client call.

A service model describes every operation of its service (EC2's, 700 of them, parse into 16 MB), and botocore
keeps each model it has loaded for the life of its loader. Evidence Tracer calls a few operations of each of
its services, so its loader keeps, per model: every operation's name and HTTP binding (an undeclared operation
still exists, and the guard refuses it, as before), the input, output and error shapes of the allowed
operations with every shape they reach, and every exception shape (botocore names the errors a service can
answer from them); no documentation. The 34 models of a scan then hold a few MB instead of 81.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import Any

from botocore.loaders import Loader, create_loader

_SHAPE_REFERENCES = ("input", "output", "errors")
_DROPPED = frozenset({"documentation", "documentationUrl"})


def _references(node: Any) -> Iterator[str]:
    """The shape names a (part of a) model refers to: every `{"shape": name}` inside it."""
    if isinstance(node, dict):
        name = node.get("shape")
        if isinstance(name, str):
            yield name
        for child in node.values():
            yield from _references(child)
    elif isinstance(node, list):
        for child in node:
            yield from _references(child)


def _undocumented(node: dict[str, Any]) -> dict[str, Any]:
    return {k: _without_documentation(v) for k, v in node.items()}


def _without_documentation(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_documentation(v) for k, v in node.items() if k not in _DROPPED}
    if isinstance(node, list):
        return [_without_documentation(v) for v in node]
    return node


def prune(model: dict[str, Any], operations: Iterable[str]) -> dict[str, Any]:
    """A copy of a `service-2` model keeping only what calling `operations` (names, as AWS spells them) needs."""
    kept = frozenset(operations)
    shapes: dict[str, Any] = model.get("shapes", {})
    ops: dict[str, Any] = {}
    wanted: list[str] = [name for name, shape in shapes.items() if shape.get("exception")]
    for name, op in model.get("operations", {}).items():
        if name in kept:
            ops[name] = op
            wanted.extend(_references({k: op[k] for k in _SHAPE_REFERENCES if k in op}))
        else:  # its name and binding only: enough for the guard to refuse it by name
            ops[name] = {k: v for k, v in op.items() if k not in _SHAPE_REFERENCES}
    reached: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name in reached or name not in shapes:
            continue
        reached.add(name)
        wanted.extend(_references(shapes[name]))
    # Documentation goes from operations and shapes only: botocore reads it elsewhere (clientContextParams).
    return {**model, "operations": _undocumented(ops), "shapes": _undocumented({n: shapes[n] for n in reached})}


class DeclaredModels(Loader):  # type: ignore[misc]  # botocore is untyped
    """botocore's loader (same search paths, same cache of everything else) whose service models are pruned to
    the `allowed` operations ("service:Operation" keys) as they are loaded; the full model is not kept."""

    def __init__(self, allowed: Iterable[str], data_path: str | None = None) -> None:
        base = create_loader(data_path)
        super().__init__(extra_search_paths=base.search_paths, include_default_search_paths=False)
        self.allowed = frozenset(allowed)
        self._pruned: dict[tuple[str, str | None], dict[str, Any]] = {}
        self._pruning = threading.Lock()

    def covers(self, allowed: Iterable[str]) -> bool:
        """Whether a context allowed to call these operations can share this loader."""
        return self.allowed.issuperset(allowed)

    def load_service_model(self, service_name: str, type_name: str, api_version: str | None = None) -> Any:
        if type_name != "service-2":
            return super().load_service_model(service_name, type_name, api_version)
        key = (service_name, api_version)
        with self._pruning:  # one parse per model, whichever worker asks first
            found = self._pruned.get(key)
            if found is None:
                full = super().load_service_model(service_name, type_name, api_version)
                prefix = f"{service_name}:"
                found = prune(full, (k.removeprefix(prefix) for k in self.allowed if k.startswith(prefix)))
                self._forget(full)
                self._pruned[key] = found
            return found

    def _forget(self, full: dict[str, Any]) -> None:
        """Drop the full model from botocore's own cache (kept there under the method's and the file's keys)."""
        for key, value in list(self._cache.items()):
            if value is full or (isinstance(value, tuple) and value and value[0] is full):
                del self._cache[key]
