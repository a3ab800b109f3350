#!/usr/bin/env python3
"""Write the documents generated from the declarations: each source's permissions document (docs/, named by
its plug-in) and the README's checks table. `--check` writes nothing and fails when any is out of date (the
tests run the same comparison).

Usage: .venv/bin/python scripts/generate_docs.py [--check]
"""

from __future__ import annotations

import sys
from pathlib import Path

from evidence_tracer.report.checks_table import checks_table
from evidence_tracer.sources.registry import plugins

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "<!-- checks:begin -->\n", "<!-- checks:end -->"


def expected() -> dict[Path, str]:
    out = {ROOT / "docs" / p.document: p.permissions(None) for p in plugins() if p.document}
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    out[readme] = head + BEGIN + checks_table() + END + rest.split(END, 1)[1]
    return out


def main(argv: list[str]) -> int:
    stale = [path for path, text in expected().items() if not path.is_file() or path.read_text("utf-8") != text]
    if "--check" in argv:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)} (run scripts/generate_docs.py)", file=sys.stderr)
        return 1 if stale else 0
    for path, text in expected().items():
        if path in stale:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
