"""A policy's text as a page of its own (`tracer policies render --format html|pdf`, the portal's reading view):
its Markdown as escaped blocks — headings, items, paragraphs — in the report's stylesheet."""

from __future__ import annotations

__all__ = ["policy_blocks", "policy_page"]


def policy_blocks(text: str) -> list[tuple[str, str]]:
    """A policy's Markdown as (kind, text) blocks — heading, item or paragraph — for the template to escape."""
    blocks: list[tuple[str, str]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            blocks.append(("h", stripped.lstrip("#").strip()))
        elif stripped.startswith(("- ", "* ")):
            blocks.append(("li", stripped[2:]))
        else:
            blocks.append(("p", stripped))
    return blocks


def policy_page(title: str, company: str, text: str) -> str:
    from evidence_tracer.report.html import environment, stylesheet

    return (
        environment()
        .get_template("policy.html.j2")
        .render(title=title, company=company, blocks=policy_blocks(text), css=stylesheet())
    )
