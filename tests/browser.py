"""Headless Chromium (Debian's package) for tests of the pages we ship."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise RuntimeError("headless Chromium is required for browser tests: apt-get install chromium")
    return found


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )


def dump_dom(page: Path) -> str:
    """The DOM after Chromium has loaded and laid out the page (a file:// URL, offline)."""
    return _run(["--dump-dom", page.resolve().as_uri()]).stdout


def print_pdf(page: Path, out: Path) -> Path:
    _run(["--no-pdf-header-footer", f"--print-to-pdf={out}", page.resolve().as_uri()])
    return out


def screenshot(page: Path, out: Path, size: str = "1280,2000") -> Path:
    _run([f"--window-size={size}", f"--screenshot={out}", page.resolve().as_uri()])
    return out
