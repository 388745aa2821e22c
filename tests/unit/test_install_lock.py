"""The lock files install the same thing on any machine: every package pinned exactly with hashes, no
machine-local package source, the run lock inside the dev lock, the installer pinned, and this very
environment installed from them (so nothing outside the lock entered)."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest

from tests.conftest import ROOT

REQUIREMENTS = ROOT / "requirements"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;\\]+)")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    """name -> version of every requirement, checking that each has at least one sha256 hash."""
    pins: dict[str, str] = {}
    entries = re.split(r"\n(?=\S)", path.read_text(encoding="utf-8"))
    for entry in entries:
        if not entry.strip() or entry.lstrip().startswith("#"):
            continue
        match = PIN.match(entry)
        assert match, f"{path.name}: not an exact pin: {entry.splitlines()[0]}"
        assert "--hash=sha256:" in entry, f"{path.name}: {match.group(1)} has no hash"
        pins[_canonical(match.group(1))] = match.group(2)
    return pins


LOCKS = sorted(REQUIREMENTS.glob("*.txt"))


@pytest.mark.parametrize("lock", LOCKS, ids=[p.name for p in LOCKS])
def test_every_requirement_is_an_exact_pin_with_hashes_and_no_machine_local_source(lock: Path) -> None:
    text = lock.read_text(encoding="utf-8")
    assert _pins(lock)
    for marker in ("file://", "--find-links", "--extra-index-url", "--index-url", "/opt/", "-e "):
        assert marker not in text, f"{lock.name} names a machine-local or unpinned source: {marker}"


def test_the_run_lock_is_inside_the_dev_lock_and_the_installer_is_pinned_once() -> None:
    run, dev, bootstrap = (_pins(REQUIREMENTS / f"{n}.txt") for n in ("run", "dev", "bootstrap"))
    assert {name: dev.get(name) for name in run} == run
    assert {"pip", "setuptools", "wheel"} <= set(bootstrap)
    for tool in ("setuptools", "wheel"):
        assert dev.get(tool, bootstrap[tool]) == bootstrap[tool]
    assert (REQUIREMENTS / "lock-date").read_text().strip().endswith("Z")  # what `make lock` resolves against


def test_this_environment_was_installed_from_the_locks_and_holds_nothing_else() -> None:
    locked = _pins(REQUIREMENTS / "dev.txt") | _pins(REQUIREMENTS / "bootstrap.txt")
    locked |= _pins(REQUIREMENTS / "lock-tools.txt")
    installed = {_canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}
    installed.pop("redline", None)
    for name in {"redline-batch-test-probe", "redline-example-probe"}:  # test plugins the suite installs
        installed.pop(name, None)
    strays = {name: version for name, version in installed.items() if name not in locked}
    assert not strays, f"installed but not in any lock: {strays}"
    wrong = {name: (version, locked[name]) for name, version in installed.items() if locked[name] != version}
    assert not wrong, f"installed at another version than the lock: {wrong}"
