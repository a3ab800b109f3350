"""The workspace signing key and OpenSSH signatures (`ssh-keygen -Y sign` format, PROTOCOL.sshsig).

An auditor verifies a package with a tool they already have, against the company's allowed_signers file they
obtained out of band (`tracer evidence signers` writes it; the copy inside the package proves nothing alone):

    ssh-keygen -Y verify -f company_allowed_signers -I evidence-tracer -n evidence-tracer -s manifest.json.sig \
        < manifest.json

The private key lives in the workspace's `.tracer/signing-key` (mode 0600) and is never exported; packages
carry only the public key (`allowed_signers`) and the signature. Its fingerprint (`SHA256:…`, as
`ssh-keygen -l` prints it) is stored in tracer.yaml and printed by export and the readiness report, so an
auditor can check that the key in a package is the company's.
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from evidence_tracer.errors import EvidenceError

NAMESPACE = "evidence-tracer"
PRINCIPAL = "evidence-tracer"
KEY_FILE = "signing-key"
SIGNATURE_FILE = "manifest.json.sig"
SIGNERS_FILE = "allowed_signers"
_MAGIC = b"SSHSIG"
_HASH = "sha512"
_KEY_TYPE = b"ssh-ed25519"
# The company's allowed_signers, as the auditor obtained it out of band (`tracer evidence signers` writes it):
# never the copy inside the package, which a forger re-signing the package would replace too.
TRUSTED_SIGNERS = "company_allowed_signers"
VERIFY_COMMAND = (
    f"ssh-keygen -Y verify -f {TRUSTED_SIGNERS} -I {PRINCIPAL} -n {NAMESPACE} -s {SIGNATURE_FILE} < manifest.json"
)


def _string(data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + data


def _read_string(data: bytes, offset: int) -> tuple[bytes, int]:
    if offset + 4 > len(data):
        raise EvidenceError("the signature is truncated")
    (length,) = struct.unpack(">I", data[offset : offset + 4])
    end = offset + 4 + length
    if end > len(data):
        raise EvidenceError("the signature is truncated")
    return data[offset + 4 : end], end


def load_or_create_key(state_dir: Path) -> Ed25519PrivateKey:
    path = state_dir / KEY_FILE
    if path.exists():
        key = serialization.load_ssh_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise EvidenceError(f"{path} is not an Ed25519 key")
        return key
    key = Ed25519PrivateKey.generate()
    state_dir.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    return key


def public_blob(key: Ed25519PublicKey) -> bytes:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return _string(_KEY_TYPE) + _string(raw)


def fingerprint(key: Ed25519PublicKey) -> str:
    digest = base64.b64encode(hashlib.sha256(public_blob(key)).digest()).decode().rstrip("=")
    return f"SHA256:{digest}"


def allowed_signers(key: Ed25519PublicKey) -> bytes:
    return f"{PRINCIPAL} ssh-ed25519 {base64.b64encode(public_blob(key)).decode()}\n".encode()


def _signed_data(message: bytes) -> bytes:
    return (
        _MAGIC
        + _string(NAMESPACE.encode())
        + _string(b"")
        + _string(_HASH.encode())
        + _string(hashlib.sha512(message).digest())
    )


def sign(message: bytes, key: Ed25519PrivateKey) -> bytes:
    """An armored OpenSSH signature of `message`, verifiable with `ssh-keygen -Y verify`."""
    signature = _string(_KEY_TYPE) + _string(key.sign(_signed_data(message)))
    blob = (
        _MAGIC
        + struct.pack(">I", 1)
        + _string(public_blob(key.public_key()))
        + _string(NAMESPACE.encode())
        + _string(b"")
        + _string(_HASH.encode())
        + _string(signature)
    )
    body = base64.b64encode(blob).decode()
    lines = [body[i : i + 70] for i in range(0, len(body), 70)]
    return ("-----BEGIN SSH SIGNATURE-----\n" + "\n".join(lines) + "\n-----END SSH SIGNATURE-----\n").encode()


def _key_blob(encoded: str) -> bytes | None:
    try:
        blob = base64.b64decode(encoded, validate=True)
    except ValueError:
        return None
    return blob if blob.startswith(_string(_KEY_TYPE)) else None


def _allowed_blobs(signers: bytes, principal: str | None) -> list[bytes]:
    """The ssh-ed25519 keys of an allowed_signers file for `principal` (or any principal when None); lines
    that are comments, other key types or bad base64 allow nothing."""
    found = []
    for line in signers.decode("ascii", "replace").splitlines():
        parts = line.split()
        if len(parts) < 3 or parts[0].startswith("#") or parts[1] != "ssh-ed25519":
            continue
        if principal is not None and principal not in parts[0].split(","):
            continue
        blob = _key_blob(parts[2])
        if blob is not None:
            found.append(blob)
    return found


def pinned_fingerprints(data: bytes) -> set[str]:
    """The key fingerprints a file the auditor obtained out of band names: an OpenSSH allowed_signers file
    (`principal ssh-ed25519 AAAA…`) or an authorized_keys-style list (`ssh-ed25519 AAAA… comment`, as
    https://github.com/USER.keys serves it)."""
    blobs = _allowed_blobs(data, None)
    for line in data.decode("ascii", "replace").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "ssh-ed25519":
            blob = _key_blob(parts[1])
            if blob is not None:
                blobs.append(blob)
    return {"SHA256:" + base64.b64encode(hashlib.sha256(b).digest()).decode().rstrip("=") for b in blobs}


def verify(message: bytes, armored: bytes, signers: bytes) -> str:
    """The fingerprint of the key that signed `message`, which must be the key in `signers`; else an error."""
    text = armored.decode("ascii", "replace").strip().splitlines()
    if len(text) < 3 or text[0] != "-----BEGIN SSH SIGNATURE-----" or text[-1] != "-----END SSH SIGNATURE-----":
        raise EvidenceError("the signature is not an OpenSSH signature")
    try:
        blob = base64.b64decode("".join(text[1:-1]), validate=True)
    except ValueError:
        raise EvidenceError("the signature is not valid base64") from None
    if not blob.startswith(_MAGIC) or blob[6:10] != struct.pack(">I", 1):
        raise EvidenceError("the signature is not an SSHSIG version 1 signature")
    offset = 10
    key_blob, offset = _read_string(blob, offset)
    namespace, offset = _read_string(blob, offset)
    _, offset = _read_string(blob, offset)
    hash_name, offset = _read_string(blob, offset)
    signature, offset = _read_string(blob, offset)
    if namespace != NAMESPACE.encode() or hash_name != _HASH.encode():
        raise EvidenceError(f"the signature is for namespace {namespace!r} with {hash_name!r}, not {NAMESPACE}")
    if key_blob not in _allowed_blobs(signers, PRINCIPAL):
        raise EvidenceError(f"the signing key is not one allowed_signers names for {PRINCIPAL}")
    key_type, rest = _read_string(key_blob, 0)
    raw_key, _ = _read_string(key_blob, rest)
    sig_type, rest = _read_string(signature, 0)
    raw_sig, _ = _read_string(signature, rest)
    if key_type != _KEY_TYPE or sig_type != _KEY_TYPE:
        raise EvidenceError("only ssh-ed25519 signatures are accepted")
    public = Ed25519PublicKey.from_public_bytes(raw_key)
    try:
        public.verify(raw_sig, _signed_data(message))
    except InvalidSignature:
        raise EvidenceError(
            "the signature does not match manifest.json (the package was changed after signing)"
        ) from None
    return fingerprint(public)
