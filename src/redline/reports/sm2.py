"""SM2 signatures with SM3 (GB/T 32918.2-2016, signature format GM/T 0009-2012), used by signatures.py.

The digest e = SM3(Z_A || M), Z_A = SM3(ENTL || ID || a || b || x_G || y_G || x_A || y_A) (GB/T
32918.2-2016 §5.5 and §6.1), is computed here with the SM3 of ``cryptography`` (OpenSSL), with ENTL =
0x0080 and the default user ID ``1234567812345678`` of GM/T 0009-2012 §10, the one gmssl's
``sign_with_sm3`` hard-codes, so signatures made before keep verifying. The curve arithmetic is gmssl
3.2.2 (pure Python) on the SM2 recommended curve; docs/adr/0017-sm2-implementation.md says why no
constant-time implementation replaces it yet. The signature value is the DER
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
gmssl's arithmetic is not constant-time (signing time follows the nonce's length and weight); sign on a
machine you trust, where nobody can time many signatures.
"""

from __future__ import annotations

import secrets
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from gmssl import sm2  # type: ignore[import-untyped]

_CURVE: dict[str, str] = sm2.default_ecc_table
N = int(_CURVE["n"], 16)
_P = int(_CURVE["p"], 16)
_A = int(_CURVE["a"], 16)
_B = int(_CURVE["b"], 16)
DEFAULT_ID = b"1234567812345678"


def sm3(data: bytes) -> bytes:
    """SM3 (GB/T 32905-2016) of `data`."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def digest(public_raw: bytes, message: bytes, user_id: bytes = DEFAULT_ID) -> bytes:
    """e = SM3(Z_A || M): what an SM2 signature signs, bound to the signer's public key and user ID."""
    entl = (8 * len(user_id)).to_bytes(2, "big")
    curve = bytes.fromhex(_CURVE["a"] + _CURVE["b"] + _CURVE["g"])
    return sm3(sm3(entl + user_id + curve + public_raw[1:]) + message)


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
        value = crypt.sign(digest(public_raw, message), f"{nonce:064x}")
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
        return bool(_crypt(public_raw).verify(f"{r:064x}{s:064x}", digest(public_raw, message)))
    except (ValueError, TypeError):  # gmssl fails on degenerate points instead of returning False
        return False
