"""The catalog of checks as a Markdown table (README, `tracer checks`): generated, so it cannot drift."""

from __future__ import annotations

from evidence_tracer.checks.registry import specs


def checks_table() -> str:
    lines = ["| check | service | severity | criteria | passes when |", "|---|---|---|---|---|"]
    for spec in sorted(specs().values(), key=lambda s: (s.service, s.check_id)):
        lines.append(
            f"| `{spec.check_id}` | {spec.service} | {spec.severity.value} | {', '.join(spec.criteria)} | "
            f"{spec.title} |"
        )
    return "\n".join(lines) + "\n"
