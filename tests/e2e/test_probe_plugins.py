"""Probe discovery end to end: a separately installed package adds a probe through its entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from redline.hookspecs import hookimpl
from redline.plugins import get_plugin_manager, probes_of
from redline.probes import runner
from redline.probes.base import Verdict
from tests.conftest import ROOT

REDLINE = Path(sys.executable).with_name("redline")
PLUGIN = ROOT / "tests" / "plugins" / "redline-example-probe"


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(target),
            str(PLUGIN),
        ],
        check=True,
        capture_output=True,
        cwd=target,
    )
    return target


def redline(plugin_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(plugin_path), "COLUMNS": "150"}
    return subprocess.run(
        [str(REDLINE), *args], capture_output=True, text=True, env=env, timeout=120, check=False, cwd=plugin_path
    )


def test_an_installed_plugin_package_shows_up_in_probe_list(plugin_path: Path) -> None:
    listed = redline(plugin_path, "probe", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    names = {p["name"] for p in json.loads(listed.stdout)}
    assert {"aigc-label", "example-size"} <= names


def test_the_plugin_probe_runs_on_all_cores_and_reports(plugin_path: Path, tmp_path: Path) -> None:
    for n in range(40):
        (tmp_path / f"f{n}.txt").write_bytes(b"x" * (50 * n))
    result = redline(
        plugin_path,
        "probe",
        "run",
        "example-size",
        str(tmp_path),
        "--jobs",
        "2",
        "--json",
        "--option",
        "max_bytes=1000",
    )
    assert result.returncode == 1  # some files are too large: a check that found problems
    document = json.loads(result.stdout)
    assert document["summary"] == {"files": 40, "too_large": 19}
    assert len(document["seal"]["digest"]) == 64


def test_without_the_package_the_probe_is_unknown(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(REDLINE), "probe", "run", "example-size", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and "no probe 'example-size'" in result.stderr


class _Broken:
    from redline.probes.base import ProbeInfo

    info = ProbeInfo("broken", "0", "raises", (), ("files",))

    def check_file(self, path: Path, options: object) -> object:
        raise RuntimeError("boom")

    def summarise(self, results: list[object]) -> dict[str, int]:
        return {"files": len(results)}


class _BrokenPlugin:
    @hookimpl
    def redline_register_probes(self) -> list[object]:
        return [_Broken()]


def test_a_plugin_registered_by_hand_is_found_without_entry_points() -> None:
    pm = get_plugin_manager(load_entry_points=False)
    pm.register(_BrokenPlugin())
    assert set(probes_of(pm)) == {"aigc-label", "log-retention", "content-screen", "broken"}


def test_a_missing_path_is_a_user_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(REDLINE), "probe", "run", "aigc-label", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2 and "no such file or directory" in result.stderr


def test_walk_finds_files_in_nested_directories_in_a_stable_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("x")
    (tmp_path / "1.txt").write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in runner.walk([tmp_path])] == ["1.txt", "b/2.txt"]
    assert Verdict.ERROR.value == "error"
