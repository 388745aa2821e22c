"""`redline keys new`, `redline report sign`, `redline report verify`: real processes, files and exit codes."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from redline.reports.canonical import dumps, seal
from tests.conftest import EXAMPLES

REDLINE = Path(sys.executable).with_name("redline")


def redline(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [str(REDLINE), *map(str, args)], capture_output=True, text=True, cwd=cwd, env=env, timeout=120, check=False
    )


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def failed(result: subprocess.CompletedProcess[str], code: int, *fragments: str) -> None:
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sealed JSON report of the voice-social example, made by the CLI."""
    root = tmp_path_factory.mktemp("signing")
    shutil.copytree(EXAMPLES / "voice-social", root / "voice-social")
    path = root / "report.json"
    ok(redline("assess", "report", root / "voice-social" / "answers.yaml", "--format", "json", "-o", path))
    return path


@pytest.fixture
def work(report: Path, tmp_path: Path) -> Path:
    shutil.copy(report, tmp_path / "report.json")
    (tmp_path / "manifest.json").write_text(
        json.dumps({"files": [{"path": "evidence/measures.md", "sha256": "0" * 64}]}), encoding="utf-8"
    )
    return tmp_path


def reseal_with_one_character_changed(path: Path) -> None:
    """Change one character of a value and seal the result again: only a signature can tell."""
    document = json.loads(path.read_text(encoding="utf-8"))
    name = document["assessment"]["assessor"]["name"]
    document["assessment"]["assessor"]["name"] = "李" + name[1:]
    path.write_text(dumps(seal(document)), encoding="utf-8")


@pytest.mark.parametrize("algorithm", ["ed25519", "sm2-sm3"])
def test_keys_sign_verify_and_tampering(work: Path, algorithm: str) -> None:
    made = ok(redline("keys", "new", "--name", "王敏", "--algorithm", algorithm, "-o", work))
    key, pub = work / "王敏.key", work / "王敏.pub"
    assert "王敏.key" in made.stdout and "王敏.pub" in made.stdout
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert f"algorithm: {algorithm}" in pub.read_text(encoding="utf-8")
    failed(redline("keys", "new", "--name", "王敏", "-o", work), 2, "already exists")

    ok(redline("report", "sign", "report.json", "--key", key, "--manifest", "manifest.json", cwd=work))
    signature = json.loads((work / "report.json.sig").read_text(encoding="utf-8"))
    assert signature["algorithm"] == algorithm and signature["signer"] == "王敏"
    failed(redline("report", "sign", "report.json", "--key", key, cwd=work), 2, "already exists")

    verified = ok(redline("report", "verify", "report.json", "--manifest", "manifest.json", "--trust", pub, cwd=work))
    assert "seal intact" in verified.stdout
    assert f"signed by 王敏 ({algorithm}, key {signature['key_id']})" in verified.stdout
    untrusted = ok(redline("report", "verify", "report.json", "--manifest", "manifest.json", cwd=work))
    assert "不受信任 untrusted" in untrusted.stdout and "claims to be 王敏" in untrusted.stdout
    assert "signed by 王敏" not in untrusted.stdout and "--trust" in untrusted.stderr

    # signed with the manifest, checked without it
    failed(redline("report", "verify", "report.json", cwd=work), 1, "signature does not match", "--manifest")
    # the evidence manifest changed
    (work / "manifest.json").write_text(
        json.dumps({"files": [{"path": "evidence/measures.md", "sha256": "1" + "0" * 63}]}), encoding="utf-8"
    )
    failed(
        redline("report", "verify", "report.json", "--manifest", "manifest.json", cwd=work),
        1,
        "signature does not match: the report or the evidence manifest changed after signing",
    )


def test_a_changed_and_resealed_report_fails_only_on_the_signature(work: Path) -> None:
    ok(redline("keys", "new", "--name", "signer", "-o", work))
    ok(redline("report", "sign", "report.json", "--key", "signer.key", "-o", "r.sig", cwd=work))
    ok(redline("report", "verify", "report.json", "--signature", "r.sig", "--trust", "signer.pub", cwd=work))
    reseal_with_one_character_changed(work / "report.json")
    result = redline("report", "verify", "report.json", "--signature", "r.sig", "--trust", "signer.pub", cwd=work)
    assert "seal intact" in result.stdout
    failed(result, 1, "r.sig", "signature does not match: the report or the evidence manifest changed after signing")


def test_a_signature_by_another_key_fails_against_the_trusted_one(work: Path) -> None:
    ok(redline("keys", "new", "--name", "provider", "-o", work))
    ok(redline("keys", "new", "--name", "impostor", "--algorithm", "sm2-sm3", "-o", work))
    ok(redline("report", "sign", "report.json", "--key", "impostor.key", cwd=work))
    failed(
        redline("report", "verify", "report.json", "--trust", "provider.pub", cwd=work),
        1,
        "signed by a different key than the one you trust",
    )


def test_missing_or_wrong_files_are_user_errors_naming_them(work: Path) -> None:
    failed(redline("report", "sign", "report.json", "--key", "nobody.key", cwd=work), 2, "nobody.key", "file not found")
    assert not (work / "report.json.sig").exists()
    ok(redline("keys", "new", "--name", "a", "-o", work))
    failed(redline("report", "sign", "report.json", "--key", "a.pub", cwd=work), 2, "a.pub", "public key")
    ok(redline("report", "sign", "report.json", "--key", "a.key", cwd=work))
    failed(
        redline("report", "verify", "report.json", "--trust", "nobody.pub", cwd=work), 2, "nobody.pub", "file not found"
    )
    failed(redline("report", "verify", "report.json", "--signature", "none.sig", cwd=work), 2, "none.sig")
    failed(redline("keys", "new", "--name", "x", "-o", work / "missing"), 2, "output directory does not exist")
    failed(redline("keys", "new", "--name", "../x", "-o", work), 2, "file name")


def test_verify_without_a_signature_keeps_the_seal_check_and_refuses_a_trust_it_cannot_check(work: Path) -> None:
    assert "seal intact" in ok(redline("report", "verify", "report.json", cwd=work)).stdout
    ok(redline("keys", "new", "--name", "a", "-o", work))
    failed(redline("report", "verify", "report.json", "--trust", "a.pub", cwd=work), 1, "not signed")
