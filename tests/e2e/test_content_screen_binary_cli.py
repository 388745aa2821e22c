"""`redline probe run content-screen` on a directory that mixes pictures and text, as a user runs it: the
picture is skipped with its reason (not screened into nonsense findings), the text is still screened."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PIL import Image, PngImagePlugin

REDLINE = Path(sys.executable).with_name("redline")


def redline(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REDLINE), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
        check=False,
    )


def test_a_picture_is_skipped_with_its_reason_and_text_beside_it_is_screened(tmp_path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Keywords", "spamword, " * 50)
    Image.new("RGB", (8, 8)).save(tmp_path / "photo.png", "PNG", pnginfo=info)
    (tmp_path / "post.txt").write_text("正文里有一个测试违禁词。\n", encoding="gb18030")
    done = redline("probe", "run", "content-screen", tmp_path / "photo.png", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)["results"][0]
    assert result["verdict"] == "inconclusive" and result["findings"] == []
    assert result["details"]["skipped"] == "not a text file: png data (NUL bytes), skipped"
    done = redline("probe", "run", "content-screen", tmp_path / "photo.png", tmp_path / "post.txt")
    assert done.returncode == 1, done.stderr
    assert "not a text file: png data (NUL bytes), skipped" in done.stdout
    assert "测试违禁词" in done.stdout
