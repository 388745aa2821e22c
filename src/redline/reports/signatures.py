"""Detached signatures over sealed reports: Ed25519 (default) and SM2 with SM3 (国密).

What is signed
    A signature object is JSON::

        {"schema": "redline/signature", "version": 1, "algorithm": "ed25519" | "sm2-sm3",
         "signer": ..., "public_key": <base64 of the raw public key>, "key_id": <16 hex>,
         "payload_sha256": <hex>, "signed_at": <ISO 8601 UTC>, "signature": <base64>}

    The signature covers the canonical JSON (``canonical.canonical_bytes``) of this object without its
    ``signature`` member, so the signer's name, the key, the time and ``payload_sha256`` are all bound by
    it; the payload itself is bound through ``payload_sha256``. For a report the payload is
    ``payload_for_report``: the report's seal digest and the evidence manifest's digest, so a change to
    either breaks the signature.

Keys
    ``public_key`` is the raw key: Ed25519 the 32-byte key of RFC 8032; SM2 the 65-byte uncompressed
    point ``04 || x || y``. ``key_id`` is the first 16 hex digits of SHA-256 over those bytes.

Key files (text, written by ``redline keys new``)
    A few ``name: value`` header lines (``redline-key: private|public``, ``algorithm``, ``signer``,
    ``key-id``) after a ``#`` comment, then the key. Ed25519: a PEM block, PKCS#8 for the private key,
    SubjectPublicKeyInfo for the public key (OpenSSL reads both files as they are: text before the
    ``-----BEGIN`` line is ignored). SM2: ``private-key-hex`` (the scalar d, 64 hex digits) and
    ``public-key-hex`` (``04 || x || y``, 130 hex digits), big-endian.

SM2
    See reports/sm2.py: GB/T 32918.2-2016 with SM3, the default user ID, around gmssl.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from redline.errors import CheckFailedError, InputError
from redline.reports import sm2
from redline.reports.canonical import canonical_bytes, digest
from redline.yamldoc import read_text_file

SCHEMA = "redline/signature"
VERSION = 1
SIGNATURE_KEY = "signature"

CHANGED = "signature does not match: the report or the evidence manifest changed after signing"
ALTERED = "signature does not match: the signature file was altered after signing"
UNTRUSTED = "signed by a different key than the one you trust"


class Algorithm(StrEnum):
    ED25519 = "ed25519"
    SM2_SM3 = "sm2-sm3"


class KeyPair(NamedTuple):
    """The two files of a new key, as text."""

    private_text: str
    public_text: str


@dataclass(frozen=True)
class PublicKey:
    algorithm: Algorithm
    signer: str
    raw: bytes  # Ed25519: 32 bytes; SM2: 04 || x || y

    @property
    def key_id(self) -> str:
        return key_id(self.raw)


@dataclass(frozen=True)
class PrivateKey:
    algorithm: Algorithm
    signer: str
    public: PublicKey
    ed25519: Ed25519PrivateKey | None = None
    sm2_scalar: int | None = None


def key_id(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


# --- key files ------------------------------------------------------------------------------------

_PRIVATE_NOTE = (
    "# redline signing key: PRIVATE, keep it secret. Sign with `redline report sign REPORT.json --key THIS_FILE`."
)
_PUBLIC_NOTE = (
    "# redline public key: give it to whoever checks your signatures "
    "(`redline report verify REPORT.json --trust THIS_FILE`)."
)
_SM2_NOTE = (
    "# SM2 (GB/T 32918) on the SM2 recommended curve, signatures with SM3 and the default user ID "
    "1234567812345678; keys in big-endian hex."
)
_HEADER = re.compile(r"^([a-z][a-z0-9-]*):[ \t]*(.*?)\s*$")
_PEM = re.compile(r"-----BEGIN ([A-Z ]+)-----.*?-----END \1-----\s*", re.DOTALL)


def _check_signer(signer: str) -> str:
    name = signer.strip()
    if not name:
        raise InputError("the signer's name is empty", field="signer")
    if len(name) > 200 or any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise InputError("the signer's name must be one line of at most 200 characters", field="signer")
    return name


def new_key(algorithm: Algorithm | str, signer: str) -> KeyPair:
    """A new key pair for `signer`: the private key file's text and the public key file's text."""
    algo = Algorithm(algorithm)
    name = _check_signer(signer)
    if algo is Algorithm.ED25519:
        key = Ed25519PrivateKey.generate()
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        private_body = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode("ascii")
        public_body = (
            key.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode("ascii")
        )
        notes = ""
    else:
        scalar = secrets.randbelow(sm2.N - 2) + 1  # d in [1, n-2], as GB/T 32918.1 requires
        raw = sm2.public_key(scalar)
        private_body = f"private-key-hex: {scalar:064x}\npublic-key-hex: {raw.hex()}\n"
        public_body = f"public-key-hex: {raw.hex()}\n"
        notes = _SM2_NOTE + "\n"
    head = f"algorithm: {algo.value}\nsigner: {name}\nkey-id: {key_id(raw)}\n"
    return KeyPair(
        f"{_PRIVATE_NOTE}\n{notes}redline-key: private\n{head}{private_body}",
        f"{_PUBLIC_NOTE}\n{notes}redline-key: public\n{head}{public_body}",
    )


def _parse_key_file(path: Path, kind: str) -> tuple[Algorithm, str, dict[str, str], str | None]:
    """The algorithm, signer, other header values and PEM block of a redline key file."""
    source = str(path)
    text = read_text_file(path)
    pem_match = _PEM.search(text)
    head = text[: pem_match.start()] if pem_match else text
    fields: dict[str, str] = {}
    for number, line in enumerate(head.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _HEADER.match(line)
        if not match:
            raise InputError("not a redline key file (make one with `redline keys new`)", source=source, line=number)
        fields[match.group(1)] = match.group(2)
    stated = fields.get("redline-key")
    if stated is None:
        raise InputError(
            "not a redline key file: no 'redline-key:' line (make one with `redline keys new`)", source=source
        )
    if stated != kind:
        hint = "pass the .key file to sign" if kind == "private" else "pass the signer's .pub file"
        raise InputError(f"this is a {stated} key, expected a {kind} key: {hint}", source=source)
    try:
        algorithm = Algorithm(fields.get("algorithm", ""))
    except ValueError:
        raise InputError(
            f"unknown algorithm {fields.get('algorithm')!r} (known: {', '.join(a.value for a in Algorithm)})",
            source=source,
            field="algorithm",
        ) from None
    try:
        signer = _check_signer(fields.get("signer", ""))
    except InputError as exc:
        raise InputError(exc.message, source=source, field="signer") from None
    return algorithm, signer, fields, pem_match.group(0) if pem_match else None


def _hex_field(fields: dict[str, str], name: str, length: int, source: str) -> bytes:
    value = fields.get(name)
    if value is None:
        raise InputError("missing", source=source, field=name)
    if len(value) != length or not re.fullmatch(r"[0-9a-fA-F]+", value):
        raise InputError(f"expected {length} hex digits", source=source, field=name)
    return bytes.fromhex(value)


def _check_key_id(fields: dict[str, str], raw: bytes, source: str) -> None:
    if "key-id" in fields and fields["key-id"] != key_id(raw):
        raise InputError(
            "does not match the key in this file: the file was edited or damaged", source=source, field="key-id"
        )


def load_public_key(path: Path) -> PublicKey:
    """A redline public key file (`*.pub`); an InputError naming the file when it is missing or bad."""
    source = str(path)
    algorithm, signer, fields, pem = _parse_key_file(path, "public")
    if algorithm is Algorithm.ED25519:
        if pem is None:
            raise InputError("no '-----BEGIN PUBLIC KEY-----' block", source=source)
        try:
            key = serialization.load_pem_public_key(pem.encode("ascii"))
        except (ValueError, UnsupportedAlgorithm, UnicodeEncodeError):
            raise InputError("the PEM block is not a valid public key", source=source) from None
        if not isinstance(key, Ed25519PublicKey):
            raise InputError("the PEM block is not an Ed25519 public key", source=source)
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    else:
        raw = _hex_field(fields, "public-key-hex", 130, source)
        if not sm2.point_ok(raw):
            raise InputError(
                "not a point on the SM2 curve (expected 04 || x || y)", source=source, field="public-key-hex"
            )
    _check_key_id(fields, raw, source)
    return PublicKey(algorithm, signer, raw)


def load_private_key(path: Path) -> PrivateKey:
    """A redline private key file (`*.key`); an InputError naming the file when it is missing or bad."""
    source = str(path)
    algorithm, signer, fields, pem = _parse_key_file(path, "private")
    if algorithm is Algorithm.ED25519:
        if pem is None:
            raise InputError("no '-----BEGIN PRIVATE KEY-----' block", source=source)
        try:
            key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm, UnicodeEncodeError):
            raise InputError("the PEM block is not a valid unencrypted private key", source=source) from None
        if not isinstance(key, Ed25519PrivateKey):
            raise InputError("the PEM block is not an Ed25519 private key", source=source)
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        _check_key_id(fields, raw, source)
        return PrivateKey(algorithm, signer, PublicKey(algorithm, signer, raw), ed25519=key)
    scalar = int.from_bytes(_hex_field(fields, "private-key-hex", 64, source), "big")
    if not 0 < scalar < sm2.N - 1:
        raise InputError("out of range for SM2 (1 <= d <= n-2)", source=source, field="private-key-hex")
    raw = sm2.public_key(scalar)
    if "public-key-hex" in fields and _hex_field(fields, "public-key-hex", 130, source) != raw:
        raise InputError("does not belong to the private key in this file", source=source, field="public-key-hex")
    _check_key_id(fields, raw, source)
    return PrivateKey(algorithm, signer, PublicKey(algorithm, signer, raw), sm2_scalar=scalar)


# --- signing and verifying ------------------------------------------------------------------------


def _message(signature: dict[str, Any]) -> bytes:
    return canonical_bytes({k: v for k, v in signature.items() if k != SIGNATURE_KEY})


def utc_stamp(at: dt.datetime) -> str:
    """`at` in UTC to the second, as ISO 8601 with a Z: the time format of every signed redline document."""
    return at.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def sign(payload: bytes, private_key_path: Path) -> dict[str, Any]:
    """A detached signature object over `payload` with the key in `private_key_path`."""
    return sign_with(payload, load_private_key(private_key_path))


def sign_with(payload: bytes, key: PrivateKey) -> dict[str, Any]:
    """A detached signature object over `payload` with a key already loaded."""
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "version": VERSION,
        "algorithm": key.algorithm.value,
        "signer": key.signer,
        "public_key": base64.b64encode(key.public.raw).decode("ascii"),
        "key_id": key.public.key_id,
        "payload_sha256": hashlib.sha256(payload).hexdigest(),
        "signed_at": utc_stamp(dt.datetime.now(dt.UTC)),
    }
    message = _message(document)
    if key.ed25519 is not None:
        value = key.ed25519.sign(message)
    else:
        assert key.sm2_scalar is not None
        value = sm2.sign(key.sm2_scalar, key.public.raw, message)
    document[SIGNATURE_KEY] = base64.b64encode(value).decode("ascii")
    return document


def _text_field(signature: dict[str, Any], name: str) -> str:
    if name not in signature:
        raise InputError("missing from the signature", field=name)
    value = signature[name]
    if not isinstance(value, str) or not value:
        raise InputError("must be a non-empty string", field=name)
    return value


def _base64_field(signature: dict[str, Any], name: str) -> bytes:
    try:
        return base64.b64decode(_text_field(signature, name), validate=True)
    except binascii.Error:
        raise InputError("not valid base64", field=name) from None


def verify(payload: bytes, signature: dict[str, Any], trusted_public_key: Path | None = None) -> str:
    """Check a signature object over `payload`; return the signer's name.

    CheckFailedError when it does not hold (changed payload, altered signature, untrusted key, unknown
    algorithm); InputError naming the field when the object is malformed, or naming the file when the
    trusted key cannot be read. Without `trusted_public_key` this proves only that the holder of the key
    inside the signature signed this payload: anyone can make a key with any name.
    """
    if not isinstance(signature, dict):
        raise InputError("a signature must be a JSON object")
    if signature.get("schema") != SCHEMA:
        raise InputError(f"expected {SCHEMA!r}: this is not a redline signature", field="schema")
    if signature.get("version") != VERSION:
        raise InputError(
            f"unsupported signature version {signature.get('version')!r} (this redline reads version {VERSION})",
            field="version",
        )
    algorithm_name = _text_field(signature, "algorithm")
    signer = _check_signer(_text_field(signature, "signer"))
    public_raw = _base64_field(signature, "public_key")
    stated_id = _text_field(signature, "key_id")
    stated_payload = _text_field(signature, "payload_sha256")
    if not re.fullmatch(r"[0-9a-f]{64}", stated_payload):
        raise InputError("expected 64 lowercase hex digits", field="payload_sha256")
    signed_at = _text_field(signature, "signed_at")
    try:
        dt.datetime.fromisoformat(signed_at)
    except ValueError:
        raise InputError("not an ISO 8601 date and time", field="signed_at") from None
    value = _base64_field(signature, SIGNATURE_KEY)
    try:
        algorithm = Algorithm(algorithm_name)
    except ValueError:
        raise CheckFailedError(
            f"unknown algorithm {algorithm_name!r}: this redline checks {', '.join(a.value for a in Algorithm)}"
        ) from None

    if trusted_public_key is not None:
        trusted = load_public_key(trusted_public_key)
        if trusted.algorithm is not algorithm or trusted.raw != public_raw:
            raise CheckFailedError(
                f"{UNTRUSTED}: signed with key {stated_id} ({algorithm.value}, claims to be "
                f"{signer}), you trust key {trusted.key_id} ({trusted.algorithm.value}, "
                f"{trusted.signer})",
                source=str(trusted_public_key),
            )
        if trusted.signer != signer:
            raise CheckFailedError(
                f"the signature names the signer {signer!r} but the trusted key belongs to {trusted.signer!r}",
                source=str(trusted_public_key),
            )
    if stated_id != key_id(public_raw):
        raise CheckFailedError(f"{ALTERED} (key_id {stated_id} is not the id of public_key)")
    if hashlib.sha256(payload).hexdigest() != stated_payload:
        raise CheckFailedError(CHANGED)
    message = _message(signature)
    if algorithm is Algorithm.ED25519:
        try:
            Ed25519PublicKey.from_public_bytes(public_raw).verify(value, message)
            valid = True
        except (InvalidSignature, ValueError):
            valid = False
    else:
        valid = sm2.verify(public_raw, value, message)
    if not valid:
        raise CheckFailedError(ALTERED)
    return signer


def payload_for_report(
    report_text: str, manifest_text: str | None, *, report_source: str | None = None, manifest_source: str | None = None
) -> bytes:
    """What a report's signature covers: its seal digest (recomputed) and its evidence manifest's digest.

    The canonical JSON of ``{"report_sha256": <canonical.digest of the report>, "manifest_sha256":
    <SHA-256 of the manifest's canonical JSON, or null>}``. Both digests are recomputed from the content,
    so layout does not matter and any change of content does.
    """
    report = _json_object(report_text, report_source, "report")
    manifest_sha256 = None
    if manifest_text is not None:
        manifest = _json_object(manifest_text, manifest_source, "evidence manifest")
        manifest_sha256 = hashlib.sha256(canonical_bytes(manifest)).hexdigest()
    return canonical_bytes({"report_sha256": digest(report), "manifest_sha256": manifest_sha256})


def _json_object(text: str, source: str | None, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"the {what} is not JSON: {exc.msg}", source=source, line=exc.lineno) from None
    if not isinstance(value, dict):
        raise InputError(f"the {what} must be a JSON object", source=source)
    return value
