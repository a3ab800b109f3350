from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import time
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from evidence_tracer.app.auditpack.export import export_package
from evidence_tracer.app.workspace import Workspace
from evidence_tracer.catalog.controls import resolve_target
from evidence_tracer.config import WorkspaceConfig
from evidence_tracer.errors import EvidenceError
from evidence_tracer.evidence.package import verify_package
from evidence_tracer.evidence.store import EvidenceStore
from tests.evidence.samples import scan

AS_OF = date(2026, 11, 15)


def _ws(store: EvidenceStore) -> Workspace:
    return Workspace(store.workspace, require=False, config=WorkspaceConfig())


@pytest.fixture
def store(tmp_path: Path) -> EvidenceStore:
    store = EvidenceStore(tmp_path / "ws")
    result, records = scan(datetime(2026, 11, 1, 12, tzinfo=UTC))
    store.save_scan(result, records)
    later, later_records = scan(datetime(2026, 11, 20, tzinfo=UTC))
    store.save_scan(later, later_records)
    memo = tmp_path / "access-review-q3.csv"
    memo.write_text("user,decision,reviewer\nalice,keep,cto@acme.io\n")
    store.add_manual(
        resolve_target("AC-06"), memo, "Q3 access review", "jane@acme.io", now=datetime(2026, 10, 2, tzinfo=UTC)
    )
    store.add_manual(
        resolve_target("CC1.2"),
        memo,
        "too late for the as-of date",
        "jane@acme.io",
        now=datetime(2026, 11, 16, tzinfo=UTC),
    )
    return store


def test_export_is_organised_by_criterion_with_sidecars(store: EvidenceStore, tmp_path: Path) -> None:
    out = tmp_path / "pkg"
    result = export_package(_ws(store), AS_OF, out, {"AC-06": "jane@acme.io"})
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {"manifest.json", "index.html", "SHA256SUMS", "scan/findings.json"} <= files
    review = [f for f in files if f.startswith("CC6.3-access-changes/manual-") and not f.endswith(".meta.json")]
    assert len(review) == 1 and (out / (review[0] + ".meta.json")).exists()
    assert any(f.startswith("CC6.2-user-provisioning/manual-") for f in files)  # the control maps to both
    api = [f for f in files if f.startswith("CC6.1-logical-access/iam-GetAccountSummary")]
    assert len(api) == 2  # content + sidecar
    meta = json.loads((out / sorted(api)[1]).read_text())
    assert meta["operation"] == "GetAccountSummary" and meta["account_id"] == "111122223333"
    assert meta["collected_at"].endswith("Z") and len(meta["sha256"]) == 64 and meta["request_id"]
    # As of 15 November: the 1 November scan, not the 20 November one; no evidence filed after the date.
    manifest = json.loads((out / "manifest.json").read_text())
    findings = json.loads((out / "scan/findings.json").read_text())
    assert manifest["scan_id"] == findings["scan"]["id"] == result.scan_id
    assert findings["scan"]["started_at"].startswith("2026-11-01")
    assert not any("CC1.2" in f for f in files)
    # Everything is in the manifest but the manifest itself, its signature and the public key that checks it.
    assert set(manifest["files"]) == files - {"manifest.json", "manifest.json.sig", "allowed_signers"}
    html = (out / "index.html").read_text()
    assert "jane@acme.io" in html and "AC-06" in html and "Who has access" in html and "alice" in html


@pytest.mark.parametrize("as_zip", [False, True])
def test_round_trip_and_tampering(store: EvidenceStore, tmp_path: Path, as_zip: bool) -> None:
    out = tmp_path / ("pkg.zip" if as_zip else "pkg")
    exported = export_package(_ws(store), AS_OF, out)
    clean = verify_package(out)
    assert clean.ok and clean.fingerprint == exported.fingerprint and clean.checked == exported.files - 3
    assert clean.signer is not None and clean.signer.startswith("SHA256:")

    def tamper(edit: dict[str, bytes | None]) -> Path:
        """A copy of the package with files changed (bytes), deleted (None) or added."""
        target = tmp_path / f"tampered-{len(list(tmp_path.iterdir()))}{'.zip' if as_zip else ''}"
        if as_zip:
            with zipfile.ZipFile(out) as src, zipfile.ZipFile(target, "w") as dst:
                for info in src.infolist():
                    if info.filename in edit:
                        continue
                    dst.writestr(info, src.read(info))
                for name, data in edit.items():
                    if data is not None:
                        dst.writestr(name, data)
        else:
            shutil.copytree(out, target)
            for name, data in edit.items():
                if data is None:
                    (target / name).unlink()
                else:
                    (target / name).parent.mkdir(parents=True, exist_ok=True)
                    (target / name).write_bytes(data)
        return target

    victim = next(n for n in json.loads(_read(out, "manifest.json"))["files"] if n.endswith(".json") and "CC6" in n)
    original = _read(out, victim)
    one_byte = original[:10] + bytes([original[10] ^ 1]) + original[11:]
    changed = verify_package(tamper({victim: one_byte}))
    assert not changed.ok and changed.changed == [victim] and not changed.missing and not changed.extra
    missing = verify_package(tamper({victim: None}))
    assert missing.missing == [victim] and not missing.changed
    extra = verify_package(tamper({"CC6.1-logical-access/forged.json": b"{}"}))
    assert extra.extra == ["CC6.1-logical-access/forged.json"] and not extra.changed
    # Rewriting the manifest to hide a change: SHA256SUMS still tells.
    manifest = json.loads(_read(out, "manifest.json"))
    manifest["files"][victim]["sha256"] = hashlib.sha256(one_byte).hexdigest()
    forged = verify_package(tamper({victim: one_byte, "manifest.json": json.dumps(manifest).encode()}))
    assert not forged.ok and forged.sums_mismatch == [victim]
    # Rewriting both consistently moves the fingerprint (a signature is what will catch it without one).
    sums = b"".join(
        f"{hashlib.sha256(one_byte).hexdigest()}  {victim}\n".encode()
        if line.endswith(f"  {victim}".encode())
        else line + b"\n"
        for line in _read(out, "SHA256SUMS").splitlines()
    )
    manifest["files"]["SHA256SUMS"]["sha256"] = hashlib.sha256(sums).hexdigest()
    both = verify_package(
        tamper({victim: one_byte, "manifest.json": json.dumps(manifest).encode(), "SHA256SUMS": sums})
    )
    # ...and the signature over manifest.json, which the forger cannot make without the workspace key.
    assert not both.ok and both.signature_problem is not None and "does not match" in both.signature_problem
    assert both.fingerprint != exported.fingerprint


def _read(package: Path, name: str) -> bytes:
    if package.suffix == ".zip":
        with zipfile.ZipFile(package) as zf:
            return zf.read(name)
    return (package / name).read_bytes()


def test_export_never_overwrites(store: EvidenceStore, tmp_path: Path) -> None:
    out = tmp_path / "pkg.zip"
    export_package(_ws(store), AS_OF, out)
    with pytest.raises(EvidenceError, match="already exists"):
        export_package(_ws(store), AS_OF, out)


def test_verify_rejects_what_is_not_a_package(tmp_path: Path) -> None:
    (tmp_path / "junk").mkdir()
    with pytest.raises(EvidenceError, match="manifest"):
        verify_package(tmp_path / "junk")
    (tmp_path / "junk.zip").write_bytes(b"not a zip")
    with pytest.raises(EvidenceError, match="not a package"):
        verify_package(tmp_path / "junk.zip")


def test_export_before_any_scan_still_packages_manual_evidence(tmp_path: Path) -> None:
    store = EvidenceStore(tmp_path / "ws")
    memo = tmp_path / "minutes.md"
    memo.write_text("minutes of the 2026 security programme review")
    store.add_manual(
        resolve_target("GOV-02"), memo, "board review", "ceo@acme.io", now=datetime(2026, 1, 5, tzinfo=UTC)
    )
    result = export_package(_ws(store), date(2026, 2, 1), tmp_path / "pkg")
    assert result.scan_id is None and verify_package(tmp_path / "pkg").ok
    assert (tmp_path / "pkg" / "CC1.2-board-oversight").is_dir()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../outside.txt", "points outside the package"),
        ("/etc/passwd", "points outside the package"),
        ("CC6.1-logical-access/../../x", "points outside the package"),
        ("C:/windows/x", "points outside the package"),
    ],
)
def test_entries_outside_the_package_are_refused(tmp_path: Path, name: str, message: str) -> None:
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("manifest.json", b"{}")
        zf.writestr(name, b"x")
    with pytest.raises(EvidenceError, match=message):
        verify_package(bad)


def test_duplicate_and_symlinked_entries_are_refused(store: EvidenceStore, tmp_path: Path) -> None:
    dup = tmp_path / "dup.zip"
    with zipfile.ZipFile(dup, "w") as zf, pytest.warns(UserWarning):
        zf.writestr("manifest.json", b"{}")
        zf.writestr("SHA256SUMS", b"a")
        zf.writestr("SHA256SUMS", b"b")
    with pytest.raises(EvidenceError, match="appears twice"):
        verify_package(dup)
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as zf:
        zf.writestr("manifest.json", b"{}")
        info = zipfile.ZipInfo("evidence.txt")
        info.external_attr = 0o120777 << 16  # a symbolic link to /etc/passwd
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(EvidenceError, match="symbolic link"):
        verify_package(link)
    folder = tmp_path / "pkg"
    export_package(_ws(store), AS_OF, folder)
    (folder / "scan" / "peek").symlink_to("/etc/passwd")
    with pytest.raises(EvidenceError, match="symbolic link"):
        verify_package(folder)


def test_a_zip_bomb_is_refused_quickly_without_inflating_it(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", b"{}")
        with zf.open("zeros.bin", "w", force_zip64=True) as entry:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):  # 300 MB of zeros, about 300 KB compressed
                entry.write(chunk)
    assert bomb.stat().st_size < 2_000_000
    started = time.perf_counter()
    with pytest.raises(EvidenceError, match="zip bomb"):
        verify_package(bomb)
    assert time.perf_counter() - started < 1.0


def test_an_auditor_verifies_the_signature_with_ssh_keygen(store: EvidenceStore, tmp_path: Path) -> None:
    """With OpenSSH's own tool (Debian's openssh-client), not with Evidence Tracer."""
    from evidence_tracer.evidence.signing import TRUSTED_SIGNERS, VERIFY_COMMAND, allowed_signers, load_or_create_key

    out = tmp_path / "pkg"
    export_package(_ws(store), AS_OF, out)
    # The company's allowed_signers, as the auditor obtained it out of band (never the package's own copy).
    company = tmp_path / TRUSTED_SIGNERS
    company.write_bytes(allowed_signers(load_or_create_key(store.root).public_key()))
    command = VERIFY_COMMAND.replace(TRUSTED_SIGNERS, str(company))
    good = subprocess.run(command, shell=True, cwd=out, capture_output=True, text=True, check=False)
    assert good.returncode == 0 and 'Good "evidence-tracer" signature' in good.stdout + good.stderr
    manifest = out / "manifest.json"
    manifest.write_bytes(manifest.read_bytes().replace(b'"size"', b'"size" ', 1))
    bad = subprocess.run(command, shell=True, cwd=out, capture_output=True, text=True, check=False)
    assert bad.returncode != 0
    assert (store.root / "signing-key").stat().st_mode & 0o077 == 0  # the private key stays private
    assert not any("PRIVATE KEY" in p.read_text(errors="ignore") for p in out.rglob("*") if p.is_file())


def test_endpoints_say_whether_they_are_the_provider_itself() -> None:
    from evidence_tracer.app.completeness import endpoint_of
    from evidence_tracer.inventory import SourcePart

    assert endpoint_of(SourcePart("aws", "1", attributes={"endpoint": ""}))["real"]
    assert not endpoint_of(SourcePart("aws", "1", attributes={"endpoint": "http://localhost:4566"}))["real"]
    assert endpoint_of(SourcePart("github", "acme", attributes={"api_url": "https://api.github.com"}))["real"]
    assert not endpoint_of(SourcePart("github", "acme", attributes={"api_url": "http://127.0.0.1:9"}))["real"]
    assert endpoint_of(SourcePart("okta", "acme.okta.com", attributes={"org_url": "https://acme.okta.com"}))["real"]
    assert not endpoint_of(SourcePart("okta", "x", attributes={"org_url": "https://okta.com.evil.example"}))["real"]
