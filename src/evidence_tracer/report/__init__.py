"""Renderers: the same scan result as JSON (the contract), Markdown, CSV or self-contained HTML."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from evidence_tracer.models import ScanResult


class Format(StrEnum):
    JSON = "json"
    MARKDOWN = "markdown"
    CSV = "csv"
    HTML = "html"

    @property
    def suffix(self) -> str:
        return {"json": ".json", "markdown": ".md", "csv": ".csv", "html": ".html"}[self.value]


def render_pieces(result: ScanResult, fmt: Format) -> Iterable[str]:
    """`render`'s text in pieces: the JSON report a finding at a time (an Organization's is tens of MB), the
    others whole."""
    if fmt is Format.JSON:
        from evidence_tracer.report import json_report

        return json_report.render_pieces(result)
    return (render(result, fmt),)


def render(result: ScanResult, fmt: Format) -> str:
    from evidence_tracer.report import csv_report, html, json_report, markdown

    renderers = {
        Format.JSON: json_report.render,
        Format.MARKDOWN: markdown.render,
        Format.CSV: csv_report.render,
        Format.HTML: html.render,
    }
    return renderers[fmt](result)
