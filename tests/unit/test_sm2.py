"""SM3 from `cryptography` and the SM2 digest built on it: standard vectors, and signatures from before the change.

The SM3 vectors are the two examples of GB/T 32905-2016 Annex A. A key holder who signed a report with an earlier
redline (SM3 inside gmssl) must still see it verify, and gmssl's own SM3 path must agree with ours both ways.
"""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from gmssl import sm2 as gmssl_sm2  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from redline.reports import sm2

# Made by redline before this change (gmssl's sign_with_sm3 computed the digest).
OLD_PUBLIC = bytes.fromhex(
    "044c11f36b22bae04ed076645a512e093ad32ad6d162d5bc76480bd782159afc0d"
    "abc96946811e5f4334a049877e876aff561ed81598179c97759a76670dcc4d18"
)
OLD_SIGNATURE = bytes.fromhex(
    "3045022008242c4c6d8843a1f5937821d0b2f740d49c62036b3a231221a37c7b23a75eb3"
    "022100d502a1154f0a5d03d5ef7a6565b071bd3895a1b83ebbd021a19e3c9600a00b37"
)
OLD_MESSAGE = "redline 签名 — signed by the gmssl-only code before SM3 moved to cryptography".encode()
SCALAR = 0x3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (b"abc", "66c7f0f4 62eeedd9 d1f2d46b dc10e4e2 4167c487 5cf2f7a2 297da02b 8f4ba8e0"),
        (b"abcd" * 16, "debe9ff9 2275b8a1 38604889 c18e5a4d 6fdb70e5 387e5765 293dcba3 9c0c5732"),
    ],
    ids=["example-1", "example-2"],
)
def test_sm3_gives_the_gbt_32905_examples(message: bytes, expected: str) -> None:
    assert sm2.sm3(message).hex() == expected.replace(" ", "")


def test_a_signature_made_before_the_change_still_verifies() -> None:
    assert sm2.verify(OLD_PUBLIC, OLD_SIGNATURE, OLD_MESSAGE)
    assert not sm2.verify(OLD_PUBLIC, OLD_SIGNATURE, OLD_MESSAGE + b".")


def test_the_digest_binds_the_user_id() -> None:
    public = sm2.public_key(SCALAR)
    assert sm2.digest(public, b"m") != sm2.digest(public, b"m", user_id=b"ALICE123@YAHOO.COM")


def _gmssl(scalar: int, public: bytes) -> Any:
    crypt = gmssl_sm2.CryptSM2(private_key=f"{scalar:064x}", public_key="")
    crypt.public_key = public[1:].hex()
    return crypt


@settings(max_examples=8, deadline=None)
@given(message=st.binary(max_size=300))
def test_gmssls_own_sm3_path_and_ours_accept_each_others_signatures(message: bytes) -> None:
    public = sm2.public_key(SCALAR)
    crypt = _gmssl(SCALAR, public)
    r, s = decode_dss_signature(sm2.sign(SCALAR, public, message))
    assert crypt.verify_with_sm3(f"{r:064x}{s:064x}", message)
    theirs = crypt.sign_with_sm3(message, f"{0x1234567 + len(message):064x}")
    assert sm2.verify(public, encode_dss_signature(int(theirs[:64], 16), int(theirs[64:], 16)), message)
