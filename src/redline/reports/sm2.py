"""SM2 signatures with SM3 (GB/T 32918.2-2016, signature format GM/T 0009-2012), used by signatures.py.

    Computed with gmssl 3.2.2 (pure Python) on the SM2 recommended curve. gmssl's ``sign_with_sm3``
    computes e = SM3(Z_A || M) with Z_A = SM3(ENTL || ID || a || b || x_G || y_G || x_A || y_A), ENTL =
    0x0080 and the fixed default user ID ``1234567812345678`` (GM/T 0009-2012 §10); gmssl offers no
    other ID, so every redline SM2 signature uses the default ID. The signature value is the DER
    ``SEQUENCE { INTEGER r, INTEGER s }`` of GM/T 0009, so OpenSSL 3
    (``pkeyutl -verify -digest sm3 -pkeyopt distid:1234567812345678``) checks it too.

    Around gmssl, redline:
    * generates keys itself (gmssl has no key generation): d = 1 + secrets.randbelow(n - 2), in
      [1, n-2], and the public key d·G with gmssl's point multiplication (``CryptSM2._kg``);
    * passes the per-signature nonce k from ``secrets`` (gmssl's default nonce comes from the
      ``random`` module, which is predictable, and a predictable nonce gives away the private key);
    * sets ``CryptSM2.public_key`` directly (its constructor strips the ``04`` prefix with
      ``str.lstrip("04")``, which also eats leading 0 and 4 digits of x);
    * checks that a public key is a point on the curve and that 1 <= r, s < n before verifying
      (gmssl checks neither).
    gmssl's arithmetic is not constant-time; sign on a machine you trust.
"""

from __future__ import annotations

import secrets
from typing import Any

from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from gmssl import sm2  # type: ignore[import-untyped]

_CURVE: dict[str, str] = sm2.default_ecc_table
N = int(_CURVE["n"], 16)
_P = int(_CURVE["p"], 16)
_A = int(_CURVE["a"], 16)
_B = int(_CURVE["b"], 16)


def _crypt(public_raw: bytes, scalar: int | None = None) -> Any:
    crypt = sm2.CryptSM2(private_key=f"{scalar:064x}" if scalar is not None else "", public_key="")
    crypt.public_key = public_raw[1:].hex()  # x || y; see the module docstring on lstrip("04")
    return crypt


def public_key(scalar: int) -> bytes:
    point = _crypt(b"\x04", scalar)._kg(scalar, _CURVE["g"])
    return b"\x04" + bytes.fromhex(str(point))


def point_ok(raw: bytes) -> bool:
    if len(raw) != 65 or raw[0] != 4:
        return False
    x, y = int.from_bytes(raw[1:33], "big"), int.from_bytes(raw[33:], "big")
    return x < _P and y < _P and (y * y - (x * x * x + _A * x + _B)) % _P == 0


def sign(scalar: int, public_raw: bytes, message: bytes) -> bytes:
    crypt = _crypt(public_raw, scalar)
    while True:
        nonce = secrets.randbelow(N - 1) + 1
        value = crypt.sign_with_sm3(message, f"{nonce:064x}")
        if value:  # None in the negligible cases r = 0, r + k = n or s = 0: draw another nonce
            text = str(value)
            return encode_dss_signature(int(text[:64], 16), int(text[64:], 16))


def verify(public_raw: bytes, value: bytes, message: bytes) -> bool:
    try:
        r, s = decode_dss_signature(value)
    except ValueError:
        return False
    if not (0 < r < N and 0 < s < N) or not point_ok(public_raw):
        return False
    try:
        return bool(_crypt(public_raw).verify_with_sm3(f"{r:064x}{s:064x}", message))
    except (ValueError, TypeError):  # gmssl fails on degenerate points instead of returning False
        return False
