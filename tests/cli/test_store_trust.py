"""The store proves itself before any view uses it: attacks on a copy of the demo workspace, each reproduced
first as the attacker would do it, then shown to hold."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from evidence_tracer.evidence.blobs import STALE_SECONDS, BlobStore
from evidence_tracer.evidence.signing import TRUSTED_SIGNERS, VERIFY_COMMAND
from tests.cli.conftest import run_cli as _cli


def _ssh_keygen_verify(package: Path, signers: Path) -> subprocess.CompletedProcess[str]:
    """The auditor's own check of the package signature, as the package's README prints it."""
    return subprocess.run(
        VERIFY_COMMAND.replace(TRUSTED_SIGNERS, str(signers)),
        shell=True,
        cwd=package,
        capture_output=True,
        text=True,
        check=False,
    )


def _percent(out: str) -> int:
    found = re.search(r"(\d+)% SOC 2-aligned", out)
    assert found, out
    return int(found.group(1))


def _forge_an_all_pass_latest_scan(ws: Path) -> str:
    """H1 as found: one INSERT into index.sqlite (the triggers block only UPDATE and DELETE) adds a later scan
    whose every failure passes, its content a well-formed blob in the store."""
    index = ws / ".tracer" / "index.sqlite"
    db = sqlite3.connect(index)
    db.row_factory = sqlite3.Row
    real = db.execute("SELECT * FROM scans ORDER BY finished_at DESC LIMIT 1").fetchone()
    blobs = BlobStore(ws / ".tracer" / "blobs")
    stored = json.loads(blobs.read(real["result_sha256"]))
    for finding in stored["findings"]:
        if finding["status"] == "fail":
            finding["status"] = "pass"
    stored["scan"]["id"] = forged = "29991231T000000Z-forged00"
    digest = blobs.put(json.dumps(stored).encode())
    row = dict(real) | {"id": forged, "finished_at": "2026-12-31T23:00:00Z", "result_sha256": digest}
    db.execute(f"INSERT INTO scans ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", tuple(row.values()))
    db.commit()
    db.close()
    return forged


def test_an_inserted_scan_row_changes_no_figure_and_blocks_the_package(
    copy_demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _cli(capsys, "status", "-w", str(copy_demo))
    assert code == 0
    honest = _percent(out)
    forged = _forge_an_all_pass_latest_scan(copy_demo)

    code, out, err = _cli(capsys, "status", "-w", str(copy_demo))
    assert code == 0 and _percent(out) == honest and forged not in out
    assert f"scans row {forged} is in the index but not in the history" in err.replace("\n", " ")
    assert "read from the history" in err

    code, out, err = _cli(capsys, "scans", "-w", str(copy_demo))
    assert forged not in out

    package = tmp_path / "package.zip"
    code, _, err = _cli(capsys, "evidence", "export", "--out", str(package), "-w", str(copy_demo))
    assert code == 2 and "fails verification" in err and "Nothing was exported or signed" in err
    assert not package.exists()

    code, out, _ = _cli(capsys, "evidence", "verify", "-w", str(copy_demo))
    assert code == 1 and f"scans row {forged} is in the index but not in the history" in out.replace("\n", " ")


def test_an_edited_row_behind_dropped_triggers_is_caught_too(
    copy_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _cli(capsys, "status", "-w", str(copy_demo))
    honest = _percent(out)
    forged = _forge_an_all_pass_latest_scan(copy_demo)
    db = sqlite3.connect(copy_demo / ".tracer" / "index.sqlite")
    digest = db.execute("SELECT result_sha256 FROM scans WHERE id = ?", (forged,)).fetchone()[0]
    db.executescript("DROP TRIGGER scans_append_only_u; DROP TRIGGER scans_append_only_d;")
    db.execute("DELETE FROM scans WHERE id = ?", (forged,))
    db.execute("UPDATE scans SET result_sha256 = ? WHERE finished_at = (SELECT MAX(finished_at) FROM scans)", (digest,))
    db.commit()
    db.close()
    code, out, err = _cli(capsys, "status", "-w", str(copy_demo))
    assert code == 0 and _percent(out) == honest  # the real latest scan, as the history holds it
    assert "in the index differs from the history (edited)" in err.replace("\n", " ")
    code, out, _ = _cli(capsys, "evidence", "verify", "--rebuild-index", "-w", str(copy_demo))
    assert code == 0, out
    code, out, err = _cli(capsys, "status", "-w", str(copy_demo))
    assert _percent(out) == honest and "warning" not in err


def _export(capsys: pytest.CaptureFixture[str], ws: Path, out: Path) -> None:
    code, _, err = _cli(capsys, "evidence", "export", "--out", str(out), "-w", str(ws))
    assert code == 0, err


def _reforge(package: Path) -> None:
    """H2 as found: findings, SHA256SUMS and manifest rewritten and re-signed with a new key, whose public half
    replaces the package's allowed_signers."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from evidence_tracer.evidence import signing
    from evidence_tracer.evidence.items import sha256

    findings = package / "scan" / "findings.json"
    findings.write_text(findings.read_text().replace('"fail"', '"pass"'))
    files = {p.relative_to(package).as_posix(): p for p in package.rglob("*") if p.is_file()}
    outside = {"manifest.json", "manifest.json.sig", "allowed_signers", "SHA256SUMS"}
    sums = "".join(f"{sha256(files[n].read_bytes())}  {n}\n" for n in sorted(files) if n not in outside)
    (package / "SHA256SUMS").write_text(sums)
    manifest = json.loads((package / "manifest.json").read_text())
    for name, entry in manifest["files"].items():
        entry["sha256"] = sha256((package / name).read_bytes())
    forger = Ed25519PrivateKey.generate()
    manifest["signing_key"] = signing.fingerprint(forger.public_key())
    data = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    (package / "manifest.json").write_bytes(data)
    (package / "manifest.json.sig").write_bytes(signing.sign(data, forger))
    (package / "allowed_signers").write_bytes(signing.allowed_signers(forger.public_key()))


def test_a_package_re_signed_with_a_new_key_verifies_only_against_a_pinned_key(
    copy_demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from evidence_tracer.config import load_config

    real_key = load_config(copy_demo).signing.public_key_fingerprint
    company = tmp_path / TRUSTED_SIGNERS  # what the company handed the auditor out of band
    code, _, err = _cli(capsys, "evidence", "signers", "-o", str(company), "-w", str(copy_demo))
    assert code == 0 and real_key in err
    package = tmp_path / "package"
    _export(capsys, copy_demo, package)

    code, out, _ = _cli(capsys, "evidence", "verify", str(package))
    assert code == 1 and "signature valid, signer not pinned" in out.replace("\n", " ")
    assert "signing.public_key_fingerprint" in out.replace("\n", " ")
    for pin in (("--expect-key", real_key), ("--signers", str(company))):
        code, out, _ = _cli(capsys, "evidence", "verify", str(package), *pin)
        assert code == 0 and "Package verified" in out, out
    keys = tmp_path / "alice.keys"  # https://github.com/USER.keys serves the key this way
    keys.write_text(" ".join(company.read_text().split()[1:3]) + "\n")
    assert _cli(capsys, "evidence", "verify", str(package), "--signers", str(keys))[0] == 0
    good = _ssh_keygen_verify(package, company)
    assert good.returncode == 0, good.stderr

    _reforge(package)
    code, out, _ = _cli(capsys, "evidence", "verify", str(package))
    assert code == 1 and "not pinned" in out  # the forger's key is in the box, so the signature "holds"
    for pin in (("--expect-key", real_key), ("--signers", str(company)), ("--signers", str(keys))):
        code, out, _ = _cli(capsys, "evidence", "verify", str(package), *pin)
        assert code == 1 and "signing key mismatch" in out, out
    forged = _ssh_keygen_verify(package, company)
    assert forged.returncode != 0


@pytest.mark.parametrize("signers", [b"someone-else ssh-ed25519 {key}\n", b"evidence-tracer ssh-ed25519 !!notbase64\n"])
def test_allowed_signers_names_the_principal_and_bad_base64_is_one_error(
    copy_demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], signers: bytes
) -> None:
    package = tmp_path / "package"
    _export(capsys, copy_demo, package)
    key = (package / "allowed_signers").read_bytes().split()[2]
    (package / "allowed_signers").write_bytes(signers.replace(b"{key}", key))
    code, out, _ = _cli(capsys, "evidence", "verify", str(package))
    assert code == 1 and "signature" in out and "Traceback" not in out
    assert "names for evidence-tracer" in out.replace("\n", " ")


def test_a_history_cut_short_or_rewritten_fails_a_pinned_head(
    copy_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """M1 and L1 as found: the tail cut and the index deleted, or the whole chain recomputed — both prove
    themselves, and only a head kept outside the workspace shows what happened."""
    from evidence_tracer.evidence.history import History, entry_hash

    log = copy_demo / ".tracer" / "log.jsonl"
    pin = History(log).pinned()
    code, out, _ = _cli(capsys, "evidence", "verify", "--expect-head", pin, "-w", str(copy_demo))
    assert code == 0 and pin in out.replace("\n", "")
    original = log.read_bytes()

    log.write_bytes(b"".join(original.splitlines(keepends=True)[:-5]))
    (copy_demo / ".tracer" / "index.sqlite").unlink()
    code, out, _ = _cli(capsys, "evidence", "verify", "--rebuild-index", "-w", str(copy_demo))
    assert code == 0  # the shortened history proves itself...
    code, out, _ = _cli(capsys, "evidence", "verify", "--expect-head", pin, "-w", str(copy_demo))
    assert code == 1 and "cut short" in out  # ...but not the head kept before

    lines, prev = [], "0" * 64
    for seq, raw in enumerate(original.splitlines(), start=1):
        entry = json.loads(raw)
        if seq == 3:
            entry["row"]["note"] = "rewritten"
        entry["prev"], entry["hash"] = prev, entry_hash(seq, prev, entry["table"], entry["row"])
        prev = entry["hash"]
        lines.append(json.dumps(entry, sort_keys=True, separators=(",", ":")).encode() + b"\n")
    log.write_bytes(b"".join(lines))
    assert History(log).read()[1] == []  # a fully recomputed chain proves itself
    code, out, _ = _cli(capsys, "evidence", "verify", "--expect-head", pin, "-w", str(copy_demo))
    assert code == 1 and "rewritten" in out


def test_no_seeded_secret_reaches_the_demo_workspace_or_its_package(demo_workspace: Path) -> None:
    """The demo account holds a password in a tag and a token in a rule description: neither is in any file of
    the workspace, nor in any entry of its auditor package."""
    import zipfile

    from evidence_tracer.sources.aws.demo_account import SEEDED_SECRETS

    files = [p for p in demo_workspace.rglob("*") if p.is_file()]
    assert len(files) > 100
    # Not vacuous: the tag and the rule were collected, only their secrets are gone.
    assert any(b"db_password" in p.read_bytes() for p in files)
    assert any(b"office, key" in p.read_bytes() for p in files)
    for path in files:
        data = path.read_bytes()
        assert not any(secret.encode() in data for secret in SEEDED_SECRETS), path
    [package] = demo_workspace.glob("auditor-package-*.zip")
    with zipfile.ZipFile(package) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            assert not any(secret.encode() in data for secret in SEEDED_SECRETS), name


def test_verify_notes_what_a_killed_scan_left_and_stays_intact(
    copy_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blobs = copy_demo / ".tracer" / "blobs"
    left = blobs / ".0123456789ab.killed"
    left.write_bytes(b'{"staged": "by a scan killed with -9"}')
    day_ago = time.time() - STALE_SECONDS - 60
    os.utime(left, (day_ago, day_ago))
    code, out, _ = _cli(capsys, "evidence", "verify", "-w", str(copy_demo))
    flat = out.replace("\n", " ")
    assert code == 0 and "1 temporary files a killed run left" in flat and "Evidence store intact" in flat
