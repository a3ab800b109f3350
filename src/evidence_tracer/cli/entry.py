"""The console command's entry point: `tracer version` and `tracer --version` answer before the commands (and
everything they import) are loaded; anything else runs the full command line."""

from __future__ import annotations

import sys

QUICK = (["version"], ["--version"])


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args in QUICK:
        from evidence_tracer import __version__

        print(__version__)
        return
    from evidence_tracer.cli.allocator import cap_arenas

    cap_arenas()
    from evidence_tracer.cli.app import main as run

    run(argv)
