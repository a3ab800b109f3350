"""Secrets never reach the evidence store: they are replaced before hashing and storage."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from evidence_tracer.jsontext import iter_compact

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
_PEM = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----.*?(?:-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----|\Z)", re.S
)
# Secrets recognised by their value wherever they appear (tag values, descriptions, free text), keeping the
# name of an assignment (`password=…` -> `password=[REDACTED…]`) so the evidence still says what was there.
_VALUE_SECRETS = (
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{20,}"),  # GitHub tokens
    re.compile(r"\bglpat-[A-Za-z0-9_-]{20,}"),  # GitLab tokens
    re.compile(r"\bxox[abposre]-[A-Za-z0-9-]{10,}"),  # Slack tokens
    re.compile(r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_-]+"),  # Slack webhooks
    re.compile(r"discord(?:app)?\.com/api/webhooks/[0-9]+/[A-Za-z0-9_-]+"),  # Discord webhooks
    re.compile(r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{10,}"),  # Stripe keys
    re.compile(r"\bwhsec_[A-Za-z0-9]{20,}"),  # Stripe webhook secrets
    re.compile(r"\bAIza[0-9A-Za-z_-]{35}"),  # Google API keys
    re.compile(r"\bya29\.[0-9A-Za-z_-]{20,}"),  # Google OAuth access tokens
    re.compile(r"\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{32,}"),  # OpenAI / Anthropic keys
    re.compile(r"\bnpm_[A-Za-z0-9]{36}\b"),  # npm tokens
    re.compile(r"\bpypi-[A-Za-z0-9_-]{50,}"),  # PyPI tokens
    re.compile(r"\bdckr_pat_[A-Za-z0-9_-]{20,}"),  # Docker Hub tokens
    re.compile(r"\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b"),  # Shopify tokens
    re.compile(r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}"),  # SendGrid keys
    re.compile(r"\bdop_v1_[a-f0-9]{64}\b"),  # DigitalOcean tokens
    re.compile(r"\bhv[sb]\.[A-Za-z0-9_-]{20,}"),  # HashiCorp Vault tokens
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),  # JWTs
    re.compile(
        r"(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=]))(?=[A-Za-z0-9/+]*[0-9])"
        r"(?=[A-Za-z0-9/+]*[a-z])(?=[A-Za-z0-9/+]*[A-Z])[A-Za-z0-9/+]{40}"
    ),  # AWS secret access keys (40 characters mixing upper and lower case and digits)
)
# A secret in a URL's user information (postgres://app:pw@db, https://user:pw@host): the password goes.
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+:)(?!\[REDACTED)([^@\s/]+)(@)")
# `Authorization: Bearer …`, `Basic …`, Okta's `SSWS …`.
_AUTH_SCHEME = re.compile(
    r"(?i)((?:\bauthorization\s*[:=]\s*(?:bearer|basic|ssws|token)|\bbearer|\bssws)\s+)(?!\[REDACTED)"
    r"(?=[A-Za-z0-9._~+/=-]*[0-9])([A-Za-z0-9._~+/=-]{12,})"
)
# NAME=value and "name": "value" for names that hold secrets, with any prefix (DB_PASSWORD, PGPASSWORD,
# MYSQL_PWD, AWS_SECRET_ACCESS_KEY, x-api-key). Not after ':' (an ARN's `secret:name` is an id, not a secret).
_SECRET_NAME = (
    r"[A-Za-z0-9_.-]*(?:secret_access_key|password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key"
    r"|accountkey|client[_-]?secret|private[_-]?key|credentials?)"
)
_ASSIGNMENT = re.compile(rf"(?i)(?<![:A-Za-z0-9_.-])({_SECRET_NAME}\s*[=:]\s*)(?!\[REDACTED)([^\s&;,'\"]+)")
_QUOTED_ASSIGNMENT = re.compile(rf'(?i)("{_SECRET_NAME}"\s*:\s*")(?!\[REDACTED)([^"]+)(")')


# The cheap test before the patterns: a string none of them can match holds none of these (every pattern above
# needs one of these fragments, or a run of 40 key characters). Most values — ids, ARNs, names, dates — pass
# through it alone. tests/evidence/test_redact.py checks that it lets through whatever a pattern would catch.
# It is searched in the lower-cased text, without re.IGNORECASE: the same answer, seven times faster (1.4 µs a
# short string instead of 10). The four non-ASCII letters (?i) takes for ASCII ones are mapped first.
_MAYBE = re.compile(
    r"gh[pousr]_|github_pat_|glpat-|xox[abposre]-|slack\.com|discord|k_(?:live|test)_|whsec_|aiza|ya29\.|sk-"
    r"|npm_|pypi-|dckr_pat_|shp(?:at|ss|ca|pa)_|sg\.|dop_v1_|hv[sb]\.|eyj|://|bearer|ssws|authorization"
    r"|pass|pwd|secret|token|key|credential"
)
_KEY_RUN = re.compile(r"[A-Za-z0-9/+]{40}")
# The dotted and the dotless i, the long s, the Kelvin sign.
_IGNORECASE_ALIKES = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _may_hold_secret(text: str) -> bool:
    folded = (text if text.isascii() else text.translate(_IGNORECASE_ALIKES)).lower()
    return _MAYBE.search(folded) is not None or (len(text) >= 40 and _KEY_RUN.search(text) is not None)


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
    if not _may_hold_secret(text):
        return text, 0
    return _scrub_patterns(text)


def _scrub_patterns(text: str) -> tuple[str, int]:
    count = 0
    if "PRIVATE KEY" in text:
        text, n = _PEM.subn(MARK, text)
        count += n
    for pattern in _VALUE_SECRETS:
        text, n = pattern.subn(MARK, text)
        count += n
    for pattern in (_URL_PASSWORD, _QUOTED_ASSIGNMENT):
        text, n = pattern.subn(lambda m: m.group(1) + MARK + m.group(3), text)
        count += n
    for pattern in (_AUTH_SCHEME, _ASSIGNMENT):
        text, n = pattern.subn(lambda m: m.group(1) + MARK, text)
        count += n
    return text, count


def _key_value(node: dict[Any, Any]) -> tuple[str, str] | None:
    """The name and the value field of a Key/Value pair (AWS tags, parameters), if `node` is one."""
    for name, value in (("Key", "Value"), ("key", "value"), ("Name", "Value"), ("name", "value")):
        if name in node and value in node and isinstance(node[name], str):
            return node[name], value
    return None


def _redact(value: Any, by_key: bool) -> tuple[Any, int]:
    count = 0
    # A document repeats its strings (an inventory snapshot: 140,000 strings, 12,000 distinct, at 16x): each
    # distinct one is judged once. `_scrub_text` is a function of the text alone, so this changes no output.
    scrubbed: dict[str, tuple[str, int]] = {}

    def scrub(text: str) -> str:
        nonlocal count
        found = scrubbed.get(text)
        if found is None:
            found = scrubbed[text] = _scrub_text(text)
        count += found[1]
        return found[0]

    def walk(node: Any, by_key: bool = by_key) -> Any:
        nonlocal count
        if isinstance(node, dict):
            pair = _key_value(node) if "Value" in node or "value" in node else None
            if pair is not None and _is_secret_key(pair[0]) and node[pair[1]] not in (None, ""):
                count += 1  # {"Key": "db_password", "Value": …}: judged by its key, wherever it is
                return {**{k: walk(v) for k, v in node.items() if k != pair[1]}, pair[1]: MARK}
            out = {}
            for raw_key, child in node.items():
                key = scrub(raw_key) if isinstance(raw_key, str) else raw_key  # a token as a tag key goes too
                if raw_key == "_map" and isinstance(child, dict):
                    out[key] = walk(child, True)  # a snapshot's mapping: its keys are data, judged by name
                elif by_key and _is_secret_key(str(key)) and isinstance(child, str | bytes | dict | list) and child:
                    out[key] = MARK
                    count += 1
                elif by_key and _SECRET_TREE.match(str(key)) and isinstance(child, dict | list) and child:
                    out[key] = _scrub_all(child)
                    count += 1
                elif isinstance(child, str):  # the leaves, most of a document, without a call each
                    out[key] = scrub(child)
                elif isinstance(child, dict | list):
                    out[key] = walk(child, by_key and raw_key != "_map")
                else:
                    out[key] = child
            return out
        if isinstance(node, list):
            return [scrub(v) if isinstance(v, str) else walk(v) if isinstance(v, dict | list) else v for v in node]
        if isinstance(node, str):
            return scrub(node)
        return node

    return walk(value), count


def redact(value: Any) -> tuple[Any, int]:
    """A copy of `value` with secrets replaced by MARK (by key name and by value), and how many were."""
    return _redact(value, by_key=True)


def redact_values(value: Any) -> tuple[Any, int]:
    """Only the value-recognised secrets, for structures whose keys are ours (inventory snapshots)."""
    return _redact(value, by_key=False)


def redacted_snapshot_chunks(snapshot: Mapping[str, Any]) -> Iterator[str]:
    """An inventory snapshot (a JSON document) as the text to store — `json.dumps(redact_values(snapshot),
    sort_keys=True)`, every value-recognised secret removed (tag values, descriptions…): the snapshot must not
    keep what the stored API responses redacted. In pieces: each part of the inventory (an account's) redacted
    and encoded in turn, so neither the redacted copy nor the text of a whole Organization is ever held at once.
    The levels above the parts ({"format", "inventory": {"_t", "parts": [...]}}) hold no data of their own."""
    return iter_compact(snapshot, SNAPSHOT_PART_DEPTH, lambda value: redact_values(value)[0])


SNAPSHOT_PART_DEPTH = 3  # the document, the inventory, its list of parts
