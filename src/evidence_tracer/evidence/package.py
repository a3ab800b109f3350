"""Auditor packages: a folder or zip organised by criterion, with a manifest of every file's SHA-256.

The package is self-verifying offline: `manifest.json` lists every other file with its digest, and the
manifest's own digest (the *fingerprint*) is printed at export so the auditor can pin it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from evidence_tracer.errors import EvidenceError
from evidence_tracer.evidence.store import sha256

MANIFEST = "manifest.json"
FORMAT = "evidence-tracer-package/1"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def manifest_for(files: Mapping[str, bytes], header: Mapping[str, object]) -> bytes:
    entries = {name: {"sha256": sha256(data), "size": len(data)} for name, data in sorted(files.items())}
    return (json.dumps({"format": FORMAT, **header, "files": entries}, indent=2, sort_keys=True) + "\n").encode()


def write_package(files: Mapping[str, bytes], header: Mapping[str, object], out: Path) -> str:
    """Write files + manifest to a new directory or a .zip; return the fingerprint (manifest SHA-256)."""
    if MANIFEST in files:
        raise EvidenceError("a package file may not be named manifest.json")
    manifest = manifest_for(files, header)
    everything = {**files, MANIFEST: manifest}
    if out.exists() and (out.is_file() or any(out.iterdir())):
        raise EvidenceError(f"{out} already exists; choose a new path (packages are never overwritten)")
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".zip":
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".package-", suffix=".zip")
        os.close(fd)
        try:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                for name in sorted(everything):
                    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    zf.writestr(info, everything[name])
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    else:
        tmp_dir = Path(tempfile.mkdtemp(dir=out.parent, prefix=".package-"))
        try:
            for name, data in everything.items():
                target = tmp_dir / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            if out.exists():
                out.rmdir()
            os.replace(tmp_dir, out)
        except BaseException:
            shutil.rmtree(tmp_dir, ignore_errors=True)
            raise
    return sha256(manifest)


@dataclass(frozen=True)
class Verification:
    fingerprint: str
    checked: int
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.extra)


def _read_package(path: Path) -> dict[str, bytes]:
    if not path.exists():
        raise EvidenceError(f"{path}: no such package")
    if path.is_dir():
        return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}
    try:
        with zipfile.ZipFile(path) as zf:
            return {i.filename: zf.read(i) for i in zf.infolist() if not i.is_dir()}
    except (zipfile.BadZipFile, OSError) as exc:
        raise EvidenceError(f"{path}: not a package directory or zip ({exc})") from None


def verify_package(path: Path) -> Verification:
    files = _read_package(path)
    if MANIFEST not in files:
        raise EvidenceError(f"{path}: no {MANIFEST}; this is not an Evidence Tracer package")
    try:
        manifest = json.loads(files[MANIFEST])
        listed: dict[str, dict[str, object]] = manifest["files"]
        if manifest.get("format") != FORMAT:
            raise EvidenceError(f"{path}: unknown package format {manifest.get('format')!r}")
    except (ValueError, KeyError, TypeError) as exc:
        raise EvidenceError(f"{path}: {MANIFEST} is unreadable ({exc})") from None
    result = Verification(fingerprint=sha256(files[MANIFEST]), checked=len(listed))
    for name, entry in sorted(listed.items()):
        if name not in files:
            result.missing.append(name)
        elif sha256(files[name]) != entry.get("sha256"):
            result.changed.append(name)
    result.extra.extend(sorted(set(files) - set(listed) - {MANIFEST}))
    return result
