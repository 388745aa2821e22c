"""Detached signatures: Ed25519 and SM2/SM3 round trips, tampering, trust, malformed objects, key files."""

from __future__ import annotations

import base64
import copy
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from redline.errors import CheckFailedError, InputError
from redline.reports import signatures
from redline.reports.canonical import dumps, seal, verify_text
from redline.reports.signatures import Algorithm, load_private_key, load_public_key, new_key, payload_for_report, sign

ALGORITHMS = list(Algorithm)
REPORT = dumps(seal({"title": "安全评估报告", "conclusion": "compliant", "items": [1, 2]}))
MANIFEST = json.dumps({"files": [{"path": "evidence/measures.md", "sha256": "ab" * 32}]})


def make_key(directory: Path, algorithm: Algorithm, signer: str = "张三 (ACME)") -> tuple[Path, Path]:
    pair = new_key(algorithm, signer)
    private = directory / f"{algorithm}-{len(list(directory.iterdir()))}.key"
    public = private.with_suffix(".pub")
    private.write_text(pair.private_text, encoding="utf-8")
    public.write_text(pair.public_text, encoding="utf-8")
    return private, public


def flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


@pytest.fixture(params=ALGORITHMS)
def keys(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Path]:
    return make_key(tmp_path, request.param)


def test_round_trip_names_the_signer_and_binds_key_and_payload(keys: tuple[Path, Path]) -> None:
    private, public = keys
    payload = payload_for_report(REPORT, MANIFEST)
    signature = sign(payload, private)
    assert signature["schema"] == "redline/signature" and signature["version"] == 1
    assert signature["signer"] == "张三 (ACME)"
    assert (
        signature["key_id"]
        == load_public_key(public).key_id
        == signatures.key_id(base64.b64decode(signature["public_key"]))
    )
    assert len(signature["key_id"]) == 16
    assert signature["signed_at"].endswith("Z")
    assert signatures.verify(payload, signature) == "张三 (ACME)"
    assert signatures.verify(payload, signature, public) == "张三 (ACME)"
    # the object survives its file form
    assert signatures.verify(payload, json.loads(dumps(signature)), public) == "张三 (ACME)"


def test_the_payload_covers_the_report_content_and_the_manifest_not_their_layout() -> None:
    compact = json.dumps(json.loads(REPORT), ensure_ascii=True)
    assert payload_for_report(REPORT, MANIFEST) == payload_for_report(
        compact, json.dumps(json.loads(MANIFEST), indent=4)
    )
    payload = json.loads(payload_for_report(REPORT, None))
    assert payload == {"report_sha256": json.loads(REPORT)["seal"]["digest"], "manifest_sha256": None}
    assert payload_for_report(REPORT, MANIFEST) != payload_for_report(REPORT, None)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_any_changed_byte_of_the_report_or_manifest_breaks_the_signature(algorithm: Algorithm, tmp_path: Path) -> None:
    private, public = make_key(tmp_path, algorithm)
    signature = sign(payload_for_report(REPORT, MANIFEST), private)
    for text, is_report in ((REPORT, True), (MANIFEST, False)):
        raw = text.encode("utf-8")
        checked = 0
        for index in range(0, len(raw), 7):
            changed = flip(raw, index)
            try:
                changed_text = changed.decode("utf-8")
                json.loads(changed_text)
            except (UnicodeDecodeError, json.JSONDecodeError):
                continue
            if is_report and json.loads(changed_text)["seal"] != json.loads(text)["seal"]:
                # inside the seal member: the seal's own digest check answers for it, not the signature
                if json.loads(changed_text)["seal"].get("digest") != json.loads(text)["seal"]["digest"]:
                    with pytest.raises(CheckFailedError, match="seal broken"):
                        verify_text(changed_text, "r.json")
                continue
            payload = (
                payload_for_report(changed_text, MANIFEST) if is_report else payload_for_report(REPORT, changed_text)
            )
            with pytest.raises(CheckFailedError, match="report or the evidence manifest changed after signing"):
                signatures.verify(payload, signature, public)
            checked += 1
        assert checked > 3
    with pytest.raises(CheckFailedError, match="changed after signing"):
        signatures.verify(payload_for_report(REPORT, None), signature, public)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_any_changed_byte_of_the_signature_value_or_public_key_fails(algorithm: Algorithm, tmp_path: Path) -> None:
    private, public = make_key(tmp_path, algorithm)
    payload = payload_for_report(REPORT, MANIFEST)
    signature = sign(payload, private)
    for field in ("signature", "public_key"):
        value = base64.b64decode(signature[field])
        for index in range(len(value)):
            altered = dict(signature, **{field: base64.b64encode(flip(value, index)).decode()})
            with pytest.raises(CheckFailedError, match="signature does not match"):
                signatures.verify(payload, altered)
            if field == "public_key":
                with pytest.raises(CheckFailedError, match="signed by a different key than the one you trust"):
                    signatures.verify(payload, altered, public)
            elif algorithm is Algorithm.ED25519 or index % 8 == 0:  # SM2 is pure Python: sample it
                with pytest.raises(CheckFailedError, match="signature file was altered"):
                    signatures.verify(payload, altered, public)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_the_signed_fields_are_bound_by_the_signature(algorithm: Algorithm, tmp_path: Path) -> None:
    private, _ = make_key(tmp_path, algorithm)
    payload = payload_for_report(REPORT, None)
    signature = sign(payload, private)
    for field, value in (("signer", "李四"), ("signed_at", "2020-01-01T00:00:00Z"), ("key_id", "0" * 16)):
        with pytest.raises(CheckFailedError, match="signature does not match"):
            signatures.verify(payload, dict(signature, **{field: value}))
    with pytest.raises(CheckFailedError, match="signature does not match"):
        signatures.verify(payload, dict(signature, extra="added later"))


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_a_different_trusted_key_fails(algorithm: Algorithm, tmp_path: Path) -> None:
    private, _ = make_key(tmp_path, algorithm)
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    for other_algorithm in ALGORITHMS:
        _, other_public = make_key(other_dir, other_algorithm)
        payload = payload_for_report(REPORT, None)
        with pytest.raises(CheckFailedError, match="signed by a different key than the one you trust"):
            signatures.verify(payload, sign(payload, private), other_public)


def test_a_trusted_key_under_another_name_fails(tmp_path: Path) -> None:
    private, public = make_key(tmp_path, Algorithm.ED25519, "张三")
    public.write_text(public.read_text(encoding="utf-8").replace("signer: 张三", "signer: 李四"), encoding="utf-8")
    payload = payload_for_report(REPORT, None)
    with pytest.raises(CheckFailedError, match="trusted key belongs to '李四'"):
        signatures.verify(payload, sign(payload, private), public)


def test_an_unknown_algorithm_is_a_failed_check(tmp_path: Path) -> None:
    private, _ = make_key(tmp_path, Algorithm.ED25519)
    payload = payload_for_report(REPORT, None)
    with pytest.raises(CheckFailedError, match="unknown algorithm 'rsa'"):
        signatures.verify(payload, dict(sign(payload, private), algorithm="rsa"))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda s: s.pop("signer"), "signer"),
        (lambda s: s.pop("signature"), "signature"),
        (lambda s: s.update(signature="not base64!"), "signature"),
        (lambda s: s.update(public_key=42), "public_key"),
        (lambda s: s.update(payload_sha256="abc"), "payload_sha256"),
        (lambda s: s.update(signed_at="yesterday"), "signed_at"),
        (lambda s: s.update(schema="something/else"), "schema"),
        (lambda s: s.update(version=2), "version"),
        (lambda s: s.pop("algorithm"), "algorithm"),
        (lambda s: s.pop("key_id"), "key_id"),
        (lambda s: s.update(signer="a\nb"), "signer"),
    ],
)
def test_a_malformed_signature_object_is_an_input_error_naming_the_field(
    change: Any, field: str, tmp_path: Path
) -> None:
    private, _ = make_key(tmp_path, Algorithm.ED25519)
    payload = payload_for_report(REPORT, None)
    signature = copy.deepcopy(sign(payload, private))
    change(signature)
    with pytest.raises(InputError) as info:
        signatures.verify(payload, signature)
    assert info.value.field == field


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_key_files_carry_algorithm_and_signer_and_the_private_one_reads_back(
    algorithm: Algorithm, tmp_path: Path
) -> None:
    private, public = make_key(tmp_path, algorithm, "ACME 安全部")
    for path in (private, public):
        text = path.read_text(encoding="utf-8")
        assert f"algorithm: {algorithm.value}\n" in text and "signer: ACME 安全部\n" in text
    key = load_private_key(private)
    assert key.public == load_public_key(public)
    assert key.signer == "ACME 安全部" and key.algorithm is algorithm


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("redline-key: private\n", ""), "no 'redline-key:' line"),
        (lambda t: t.replace("algorithm: ", "algorithm: x"), "unknown algorithm"),
        (lambda t: t.replace("signer: ", "signer:   \nx: "), "empty"),
        (lambda t: t.replace("private-key-hex: ", "private-key-hex: 0"), "expected 64 hex digits"),
        (lambda t: t.replace("private-key-hex: ", "private-key-hex: f").replace("\npublic", "x\npublic"), "hex"),
        (
            lambda t: t.replace(
                "private-key-hex: " + t.split("private-key-hex: ")[1][:64], "private-key-hex: " + "0" * 64
            ),
            "out of range",
        ),
        (lambda t: t.replace("key-id: ", "key-id: 0"), "does not match the key"),
    ],
)
def test_a_bad_sm2_private_key_file_is_an_input_error_naming_it(edit: Any, message: str, tmp_path: Path) -> None:
    private, _ = make_key(tmp_path, Algorithm.SM2_SM3)
    private.write_text(edit(private.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(InputError, match=message) as info:
        sign(b"x", private)
    assert info.value.source == str(private)


def test_bad_or_missing_key_files_are_input_errors_naming_them(tmp_path: Path) -> None:
    private, public = make_key(tmp_path, Algorithm.ED25519)
    with pytest.raises(InputError, match="file not found") as info:
        sign(b"x", tmp_path / "nobody.key")
    assert info.value.source == str(tmp_path / "nobody.key")
    with pytest.raises(InputError, match="this is a public key") as info:
        sign(b"x", public)
    assert info.value.source == str(public)
    with pytest.raises(InputError, match="this is a private key"):
        load_public_key(private)
    text = private.read_text(encoding="utf-8")
    body = text.split("-----BEGIN PRIVATE KEY-----\n")[1]
    private.write_text(text.replace(body, "A" + body[1:]), encoding="utf-8")
    with pytest.raises(InputError, match="not a valid") as info:
        sign(b"x", private)
    assert info.value.source == str(private)
    _, sm2_public = make_key(tmp_path, Algorithm.SM2_SM3)
    text = sm2_public.read_text(encoding="utf-8")
    point = text.split("public-key-hex: ")[1].strip()
    sm2_public.write_text(text.replace(point, point[:-1] + ("0" if point[-1] != "0" else "1")), encoding="utf-8")
    with pytest.raises(InputError, match="not a point on the SM2 curve"):
        load_public_key(sm2_public)
    garbage = tmp_path / "garbage.pub"
    garbage.write_text("hello world\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a redline key file") as info:
        load_public_key(garbage)
    assert info.value.source == str(garbage)


def test_the_signer_name_is_checked() -> None:
    for bad in ("", "   ", "a\nb"):
        with pytest.raises(InputError):
            new_key(Algorithm.ED25519, bad)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_openssl_verifies_an_sm2_signature_with_the_default_user_id(tmp_path: Path) -> None:
    """Interoperability: GM/T 0009 DER signature, SM3, ID 1234567812345678, as OpenSSL 3 checks it."""
    private, public = make_key(tmp_path, Algorithm.SM2_SM3)
    signature = sign(b"payload", private)
    spki = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200") + load_public_key(public).raw
    (tmp_path / "pub.der").write_bytes(spki)
    (tmp_path / "message").write_bytes(signatures._message(signature))
    (tmp_path / "sig.der").write_bytes(base64.b64decode(signature["signature"]))
    result = subprocess.run(
        [
            "openssl",
            "pkeyutl",
            "-verify",
            "-pubin",
            "-keyform",
            "DER",
            "-inkey",
            "pub.der",
            "-rawin",
            "-in",
            "message",
            "-digest",
            "sm3",
            "-pkeyopt",
            "distid:1234567812345678",
            "-sigfile",
            "sig.der",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 and re.search(r"unsupported|unknown|not supported", result.stderr, re.IGNORECASE):
        pytest.skip(f"this openssl cannot check SM2: {result.stderr.strip()[:200]}")
    assert "Signature Verified Successfully" in result.stdout, result.stderr
