"""`redline probe run` over many files: which files it finds, in which order, and what it loads to start."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from redline.probes.runner import walk


def _tree(root: Path) -> None:
    (root / "b" / "deep").mkdir(parents=True)
    (root / "a").mkdir()
    for name in ("b/deep/z.jpg", "b/x.png", "a/y.wav", ".hidden.md", "B.txt", "a10.png", "a9.png", "a-b/c.md"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"x")
    outside = root.parent / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(b"x")
    (root / "link-to-dir").symlink_to(outside, target_is_directory=True)
    (root / "link-to-file.png").symlink_to(outside / "secret.png")


def test_the_walk_lists_regular_files_in_path_order_and_never_follows_a_link(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    _tree(root)
    expected = sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    assert walk([root]) == expected
    assert not any("secret" in str(p) for p in walk([root]))
    assert walk([root / "a" / "y.wav", root / "a"]) == [root / "a" / "y.wav", root / "a" / "y.wav"]


def test_the_probe_command_starts_without_the_rulebook_the_database_layer_or_the_other_probes(tmp_path: Path) -> None:
    (tmp_path / "note.md").write_text("# 标题\n", encoding="utf-8")
    script = (
        "import sys, json\n"
        "from redline.cli.main import main\n"
        f"code = main(['probe', 'run', 'aigc-label', {str(tmp_path)!r}, '--json'])\n"
        "heavy = ['redline.rulebook.book', 'sqlalchemy', 'redline.probes.content_screen.probe', 'jinja2']\n"
        "print(json.dumps({'code': code, 'loaded': [m for m in heavy if m in sys.modules]}), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env={**os.environ}
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report == {"code": 0, "loaded": []}
    document = json.loads(done.stdout)
    assert [r["path"] for r in document["results"]] == [str(tmp_path / "note.md")]


def test_the_whole_command_tree_is_still_there_for_every_other_command() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "from redline.cli.main import main; main(['--help'])"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    for command in ("probe", "label", "assess", "gate", "serve", "campaign"):
        assert command in done.stdout
