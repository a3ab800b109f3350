"""Secrets never reach the evidence store: they are replaced before hashing and storage."""

from __future__ import annotations

import re
from typing import Any

MARK = "[REDACTED by Evidence Tracer]"

# Keys whose values are secrets wherever they appear (case-insensitive, matched on the whole key).
_SECRET_KEY = re.compile(
    r"(?i)^(.*password.*|.*passwd.*|.*secret(access)?key.*|.*secret(string|binary|value)?|.*sessiontoken.*"
    r"|.*privatekey.*|.*private_key.*|.*apikey.*|.*api_key.*|authorization|.*credentials?|.*auth_?token.*"
    r"|.*clientsecret.*|userdata|connectionstring)$"
)
# Pagination tokens, ids, and facts *about* secrets (length, age, last use, policy) are not secrets.
_NOT_SECRET = re.compile(
    r"(?i)(^(nexttoken|marker|nextmarker|continuationtoken)$|id$|arn$|date$|time$|lastused|length|age$|policy"
    r"|enabled|reuse|require|changed|expir|rotat|status|type$|present$|quota$|count$)"
)
# Whole subtrees of values that hold configuration secrets (e.g. Lambda / ECS environment variables).
_SECRET_TREE = re.compile(r"(?i)^(variables|environment|environmentvariables|secrets)$")
_PEM = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S)


def _is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.match(key)) and not _NOT_SECRET.search(key)


def _scrub_all(value: Any) -> Any:
    """Every leaf value becomes MARK; mapping keys and `name` fields (variable names) are kept."""
    if isinstance(value, dict):
        return {k: v if str(k).lower() == "name" and isinstance(v, str) else _scrub_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_all(v) for v in value]
    return MARK if value not in (None, "") else value


def redact(value: Any) -> tuple[Any, int]:
    """A copy of `value` with secrets replaced by MARK, and how many were replaced."""
    count = 0

    def walk(node: Any) -> Any:
        nonlocal count
        if isinstance(node, dict):
            out = {}
            for key, child in node.items():
                if _is_secret_key(str(key)) and isinstance(child, str | bytes | dict | list) and child:
                    out[key] = MARK
                    count += 1
                elif _SECRET_TREE.match(str(key)) and isinstance(child, dict | list) and child:
                    out[key] = _scrub_all(child)
                    count += 1
                else:
                    out[key] = walk(child)
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, str) and "PRIVATE KEY-----" in node:
            replaced, n = _PEM.subn(MARK, node)
            count += n
            return replaced
        return node

    return walk(value), count
