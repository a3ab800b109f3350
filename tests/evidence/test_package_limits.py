"""Verify never blocks and never reads what it need not (issue 17, M6 and the low findings): FIFOs and devices
in an unpacked package, every zip entry judged by its ratio, deep YAML one line."""

from __future__ import annotations

import os
import threading
import time
import zipfile
from pathlib import Path

import pytest

from evidence_tracer.errors import ConfigError, EvidenceError
from evidence_tracer.evidence.package import verify_package, write_package


def _package(tmp_path: Path) -> Path:
    out = tmp_path / "pkg"
    write_package({"CC6.1-logical-access/a.json": b'{"a": 1}', "SHA256SUMS": b""}, {"as_of": "2026-11-30"}, out)
    return out


def test_a_fifo_in_an_unpacked_package_is_refused_without_blocking(tmp_path: Path) -> None:
    """M6 as found: verify opened the FIFO and waited forever for a writer."""
    out = _package(tmp_path)
    os.mkfifo(out / "CC6.1-logical-access" / "pipe.json")
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            verify_package(out)
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "verify blocked on a FIFO"
    assert isinstance(outcome[0], EvidenceError) and "not a regular file" in str(outcome[0])


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_in_an_unpacked_package_is_refused_before_it_is_read(tmp_path: Path) -> None:
    """M6 as found: 8 GiB were read from a character device before the size limit refused it."""
    out = _package(tmp_path)
    link_free = out / "CC6.1-logical-access" / "zero.json"
    os.mknod(link_free, 0o600 | 0o020000, os.makedev(1, 5)) if os.geteuid() == 0 else pytest.skip("needs root")
    started = time.perf_counter()
    with pytest.raises(EvidenceError, match="not a regular file"):
        verify_package(out)
    assert time.perf_counter() - started < 2


def test_every_zip_entry_is_judged_by_its_ratio(tmp_path: Path) -> None:
    """Low as found: entries of exactly 1 MiB skipped the ratio test (3 GiB unpacked before rejection)."""
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", b"{}")
        for n in range(96):  # 96 MiB of zeros, each entry exactly 1 MiB, from an archive of about 100 KiB
            zf.writestr(f"CC6.1-logical-access/{n}.json", b"\0" * (1 << 20))
    with pytest.raises(EvidenceError, match="zip bomb"):
        verify_package(bomb)


def test_a_real_package_zips_within_the_ratio(tmp_path: Path) -> None:
    out = tmp_path / "pkg.zip"
    write_package({"scan/findings.json": b'{"findings": [' + b'{"status": "pass"},' * 5000 + b"{}]}"}, {}, out)
    assert verify_package(out).checked == 1


def test_deeply_nested_yaml_is_one_line(tmp_path: Path) -> None:
    from evidence_tracer.config import load_config

    (tmp_path / "tracer.yaml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    assert "\n" not in str(raised.value) and "nested too deeply" in str(raised.value)
