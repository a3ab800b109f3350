"""Self-contained, printable HTML gap report (inline CSS, no scripts, no external assets)."""

from __future__ import annotations

import functools
from importlib import resources
from typing import TYPE_CHECKING

from evidence_tracer.models import ScanResult, Status
from evidence_tracer.report.grouping import DISCLAIMER, by_criterion
from evidence_tracer.report.inert import inert
from evidence_tracer.report.json_report import scan_to_dict

if TYPE_CHECKING:
    import jinja2


@functools.cache
def environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("evidence_tracer.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=inert,
    )


def stylesheet() -> str:
    return resources.files("evidence_tracer.report").joinpath("templates/base.css").read_text("utf-8")


def render(result: ScanResult) -> str:
    counts = {s.value: result.count(s) for s in Status}
    return (
        environment()
        .get_template("scan.html.j2")
        .render(
            scan=scan_to_dict(result.scan),
            counts=counts,
            groups=by_criterion(result.findings),
            disclaimer=DISCLAIMER,
            css=stylesheet(),
        )
    )
