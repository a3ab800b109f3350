"""Auditor packages: a folder or zip organised by criterion, with a manifest of every file's SHA-256.

The package is self-verifying offline: `manifest.json` lists every other file with its digest, and the
manifest's own digest (the *fingerprint*) is printed at export so the auditor can pin it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from evidence_tracer.errors import EvidenceError
from evidence_tracer.evidence import signing
from evidence_tracer.evidence.items import sha256

MANIFEST = "manifest.json"
FORMAT = "evidence-tracer-package/1"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def manifest_for(files: Mapping[str, bytes], header: Mapping[str, object]) -> bytes:
    entries = {name: {"sha256": sha256(data), "size": len(data)} for name, data in sorted(files.items())}
    return (json.dumps({"format": FORMAT, **header, "files": entries}, indent=2, sort_keys=True) + "\n").encode()


def write_package(
    files: Mapping[str, bytes], header: Mapping[str, object], out: Path, key: Ed25519PrivateKey | None = None
) -> str:
    """Write files + manifest (+ its OpenSSH signature and the public key, when a key is given) to a new
    directory or a .zip; return the fingerprint (manifest SHA-256)."""
    if set(files) & {MANIFEST, signing.SIGNATURE_FILE, signing.SIGNERS_FILE}:
        raise EvidenceError("a package file may not be named manifest.json, manifest.json.sig or allowed_signers")
    manifest = manifest_for(files, header)
    everything = {**files, MANIFEST: manifest}
    if key is not None:
        everything[signing.SIGNATURE_FILE] = signing.sign(manifest, key)
        everything[signing.SIGNERS_FILE] = signing.allowed_signers(key.public_key())
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


SUMS = "SHA256SUMS"
MAX_ENTRIES = 100_000
MAX_TOTAL_BYTES = 8 * 1024**3  # what one package may unpack to
# A zip whose entries together claim to inflate to more than this many times the archive (beyond a floor any
# real package stays under) is a bomb, not evidence; so is one entry claiming more than deflate can achieve.
MAX_RATIO = 100
RATIO_FLOOR = 64 * 1024**2
MAX_ENTRY_RATIO = 1100
_SMALL_FILE_LIMIT = 64 * 1024**2  # manifest.json and SHA256SUMS are read whole; nothing else is
_CHUNK = 1 << 20
_OUTSIDE_MANIFEST = frozenset({MANIFEST, signing.SIGNATURE_FILE, signing.SIGNERS_FILE})
_KEPT = frozenset({*_OUTSIDE_MANIFEST, SUMS})  # small files read whole


@dataclass(frozen=True)
class Verification:
    fingerprint: str
    checked: int
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    sums_mismatch: list[str] = field(default_factory=list)  # SHA256SUMS lines that disagree with the files
    signer: str | None = None  # the fingerprint of the key whose signature over manifest.json holds
    history_pin: str | None = None  # the store's history head the package records (HASH:LENGTH)
    signature_problem: str | None = None

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.extra or self.sums_mismatch or self.signature_problem)


def _safe_name(name: str, seen: set[str]) -> str:
    """An entry name that stays inside the package, once; refuse anything else."""
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in parts or "" in parts[:-1]:
        raise EvidenceError(f"refused: the entry {name!r} points outside the package")
    if name in seen:
        raise EvidenceError(f"refused: the entry {name!r} appears twice")
    seen.add(name)
    if len(seen) > MAX_ENTRIES:
        raise EvidenceError(f"refused: more than {MAX_ENTRIES} entries")
    return name


def _hash_stream(read: Callable[[int], bytes], limit: int, name: str, keep: bool) -> tuple[str, bytes]:
    hasher, kept, size = hashlib.sha256(), bytearray(), 0
    while chunk := read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise EvidenceError(f"refused: {name} is larger than it may be ({limit} bytes)")
        hasher.update(chunk)
        if keep:
            kept += chunk
    return hasher.hexdigest(), bytes(kept)


def _scan_dir(path: Path) -> tuple[dict[str, str], dict[str, bytes]]:
    digests: dict[str, str] = {}
    small: dict[str, bytes] = {}
    seen: set[str] = set()
    total = 0
    for root, dirs, names in os.walk(path, followlinks=False):
        for entry in [*dirs, *names]:
            full = Path(root) / entry
            if full.is_symlink():
                raise EvidenceError(f"refused: {full.relative_to(path).as_posix()} is a symbolic link")
        for entry in sorted(names):
            full = Path(root) / entry
            name = _safe_name(full.relative_to(path).as_posix(), seen)
            info = full.lstat()
            if not stat.S_ISREG(info.st_mode):  # a FIFO would block, a device would never end
                raise EvidenceError(f"refused: {name} is not a regular file (a FIFO, device or socket)")
            total += info.st_size
            if total > MAX_TOTAL_BYTES:
                raise EvidenceError(f"refused: the package holds more than {MAX_TOTAL_BYTES} bytes")
            keep = name in _KEPT
            with full.open("rb") as handle:  # never more than it said it held a moment ago
                limit = min(info.st_size, _SMALL_FILE_LIMIT if keep else MAX_TOTAL_BYTES)
                digests[name], data = _hash_stream(handle.read, limit, name, keep)
            if keep:
                small[name] = data
    return digests, small


def _scan_zip(path: Path) -> tuple[dict[str, str], dict[str, bytes]]:
    digests: dict[str, str] = {}
    small: dict[str, bytes] = {}
    seen: set[str] = set()
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise EvidenceError(f"refused: more than {MAX_ENTRIES} entries")
        declared, allowed = 0, max(RATIO_FLOOR, MAX_RATIO * path.stat().st_size)
        for info in infos:
            if stat.S_ISLNK(info.external_attr >> 16):
                raise EvidenceError(f"refused: {info.filename} is a symbolic link")
            declared += info.file_size  # every entry counts, the smallest too: many add up to gigabytes
            lying = info.file_size > 65536 and info.file_size > MAX_ENTRY_RATIO * max(info.compress_size, 1)
            if declared > MAX_TOTAL_BYTES or declared > allowed or lying:
                raise EvidenceError(
                    f"refused: the entries up to {info.filename} would inflate to {declared} bytes from an archive of "
                    f"{path.stat().st_size} (a zip bomb, not a package)"
                )
        for info in infos:
            if info.is_dir():
                _safe_name(info.filename.rstrip("/") + "/x", set())  # a directory must stay inside too
                continue
            name = _safe_name(info.filename, seen)
            keep = name in _KEPT
            with zf.open(info) as handle:  # never more than the entry declared (zip headers can lie)
                digests[name], data = _hash_stream(handle.read, min(info.file_size, MAX_TOTAL_BYTES), name, keep)
            if keep:
                small[name] = data
    return digests, small


def _scan(path: Path) -> tuple[dict[str, str], dict[str, bytes]]:
    if path.is_symlink():
        raise EvidenceError(f"refused: {path} is a symbolic link; name the package itself")
    if not path.exists():
        raise EvidenceError(f"{path}: no such package")
    if path.is_dir():
        return _scan_dir(path)
    try:
        return _scan_zip(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise EvidenceError(f"{path}: not a package directory or zip ({exc})") from None


def _sums(data: bytes | None) -> dict[str, str] | None:
    if data is None:
        return None
    out: dict[str, str] = {}
    for line in data.decode("utf-8", "replace").splitlines():
        digest, sep, name = line.partition("  ")
        if sep and len(digest) == 64:
            out[name] = digest
    return out


def verify_package(path: Path) -> Verification:
    """Every file against manifest.json and against SHA256SUMS, streamed (bounded memory), with traversal,
    absolute, duplicate and symlinked entries and zip bombs refused before anything is trusted."""
    digests, small = _scan(path)
    if MANIFEST not in small:
        raise EvidenceError(f"{path}: no {MANIFEST}; this is not an Evidence Tracer package")
    try:
        manifest = json.loads(small[MANIFEST])
        listed: dict[str, dict[str, object]] = manifest["files"]
        if manifest.get("format") != FORMAT:
            raise EvidenceError(f"{path}: unknown package format {manifest.get('format')!r}")
    except (ValueError, KeyError, TypeError) as exc:
        raise EvidenceError(f"{path}: {MANIFEST} is unreadable ({exc})") from None
    signer, problem = None, None
    if signing.SIGNATURE_FILE not in small or signing.SIGNERS_FILE not in small:
        problem = "the package is not signed (no manifest.json.sig and allowed_signers)"
    else:
        try:
            signer = signing.verify(small[MANIFEST], small[signing.SIGNATURE_FILE], small[signing.SIGNERS_FILE])
        except EvidenceError as exc:
            problem = str(exc)
    result = Verification(
        fingerprint=sha256(small[MANIFEST]),
        checked=len(listed),
        signer=signer,
        signature_problem=problem,
        history_pin=str(manifest.get("store_history_pin") or manifest.get("store_history_head") or "") or None,
    )
    for name, entry in sorted(listed.items()):
        if name not in digests:
            result.missing.append(name)
        elif digests[name] != entry.get("sha256"):
            result.changed.append(name)
    result.extra.extend(sorted(set(digests) - set(listed) - _OUTSIDE_MANIFEST))
    sums = _sums(small.get(SUMS))
    if sums is None:
        result.sums_mismatch.append(f"{SUMS} is missing")
    else:
        for name in sorted(set(sums) | (set(digests) - _OUTSIDE_MANIFEST - {SUMS})):
            if sums.get(name) != digests.get(name):
                result.sums_mismatch.append(name)
    return result
