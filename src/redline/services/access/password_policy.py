"""What a password must be, per current guidance (NIST SP 800-63B): long enough, not one that attackers try
first, not built from the account's own name. No composition rules: a long phrase of lower-case words is
stronger than `Password1!`.

The list of passwords tried first ships with redline (`data/common-passwords.txt`); a candidate is refused
when it is listed, or its stem is (trailing digits and symbols taken off, `password12`), or its leetspeak
reading is (`p@ssw0rd`), or it is one character repeated, or a run of the keyboard or the alphabet.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from redline.errors import InputError

MIN_LENGTH = 10
MAX_LENGTH = 1024
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
_RUNS = ("abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "01234567890", "09876543210")


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("redline.services.access").joinpath("data/common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _readings(password: str) -> set[str]:
    lowered = password.lower()
    stem = re.sub(r"[\d\W_]+$", "", lowered)
    return {lowered, stem, lowered.translate(_LEET), stem.translate(_LEET), re.sub(r"^[\d\W_]+", "", stem)}


def _run_of_keys(password: str) -> bool:
    lowered = password.lower()
    return len(set(lowered)) <= 2 or any(lowered in run or lowered in run[::-1] for run in _RUNS)


def check_password_policy(password: str, username: str = "") -> None:
    """A user error naming the rule the password breaks, or nothing."""
    if len(password) > MAX_LENGTH:
        raise InputError(f"password must have at most {MAX_LENGTH} characters", field="password")
    if len(password) < MIN_LENGTH:
        raise InputError(f"password must have at least {MIN_LENGTH} characters", field="password")
    if _run_of_keys(password):
        raise InputError("password is one character repeated or a run of the keyboard", field="password")
    listed = _readings(password) & common_passwords()
    if listed:
        raise InputError(
            "password is built on one that attackers try first; choose a longer phrase of your own", field="password"
        )
    if username and len(username) >= 3 and username.lower() in password.lower():
        raise InputError("password must not contain the user name", field="password")
