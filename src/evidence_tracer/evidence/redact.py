"""Secrets never reach the evidence store: they are replaced before hashing and storage."""

from __future__ import annotations

import json
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
_PEM = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)", re.S)
# Secrets recognised by their value wherever they appear (tag values, descriptions, free text), keeping the
# name of an assignment (`password=…` -> `password=[REDACTED…]`) so the evidence still says what was there.
_VALUE_SECRETS = (
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{20,}"),  # GitHub tokens
    re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),  # Slack tokens
    re.compile(r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{10,}"),  # Stripe keys
    re.compile(
        r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]*[/+])(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[A-Z])"
        r"[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
    ),  # AWS secret access keys
)
_ASSIGNMENT = re.compile(
    r"(?i)\b((?:aws_)?(?:secret_access_key|password|passwd|pwd|secret|token|api[_-]?key|auth)\s*[=:]\s*)"
    r"(?!\[REDACTED)([^\s&;,'\"]+)"
)


def _is_secret_key(key: str) -> bool:
    return bool(_SECRET_KEY.match(key)) and not _NOT_SECRET.search(key)


def _scrub_all(value: Any) -> Any:
    """Every leaf value becomes MARK; mapping keys and `name` fields (variable names) are kept."""
    if isinstance(value, dict):
        return {k: v if str(k).lower() == "name" and isinstance(v, str) else _scrub_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_all(v) for v in value]
    return MARK if value not in (None, "") else value


def _scrub_text(text: str) -> tuple[str, int]:
    """A string with every secret recognised by its value replaced, and how many were."""
    count = 0
    if "PRIVATE KEY-----" in text:
        text, n = _PEM.subn(MARK, text)
        count += n
    for pattern in _VALUE_SECRETS:
        text, n = pattern.subn(MARK, text)
        count += n
    text, n = _ASSIGNMENT.subn(lambda m: m.group(1) + MARK, text)
    return text, count + n


def _redact(value: Any, by_key: bool) -> tuple[Any, int]:
    count = 0

    def walk(node: Any) -> Any:
        nonlocal count
        if isinstance(node, dict):
            out = {}
            for key, child in node.items():
                if by_key and _is_secret_key(str(key)) and isinstance(child, str | bytes | dict | list) and child:
                    out[key] = MARK
                    count += 1
                elif by_key and _SECRET_TREE.match(str(key)) and isinstance(child, dict | list) and child:
                    out[key] = _scrub_all(child)
                    count += 1
                else:
                    out[key] = walk(child)
            return out
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, str):
            text, n = _scrub_text(node)
            count += n
            return text
        return node

    return walk(value), count


def redact(value: Any) -> tuple[Any, int]:
    """A copy of `value` with secrets replaced by MARK (by key name and by value), and how many were."""
    return _redact(value, by_key=True)


def redact_values(value: Any) -> tuple[Any, int]:
    """Only the value-recognised secrets, for structures whose keys are ours (inventory snapshots)."""
    return _redact(value, by_key=False)


def redacted_snapshot(snapshot: bytes) -> bytes:
    """An inventory snapshot (JSON) with every value-recognised secret removed (tag values, descriptions…):
    the snapshot must not keep what the stored API responses redacted."""
    clean, _ = redact_values(json.loads(snapshot))
    return json.dumps(clean, sort_keys=True).encode("utf-8")
