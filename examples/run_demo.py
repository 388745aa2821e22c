"""Run every example through `redline check`, and `redline assess report` where it has answers; print where
reports are.

Called by `make demo`. The companies in examples/ are fictional.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rich.console import Console

from redline.cli.main import main

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("REDLINE_DEMO_OUT", HERE.parent / "out" / "demo"))
EXAMPLES = [
    "voice-social",
    "photo-faceswap",
    "news-growth",
    "chatbot-genai",
    # issue 22: every party and regime (answers.yaml only where a report is produced)
    "model-supporter",
    "forum-aigc",
    "app-store",
    "offshore-genai",
    "news-ai-anchor",
    "video-vr",
    "shop-community",
    "forum-growth-judgement",
]
AS_OF = "2026-11-25"


def run(*argv: str) -> None:
    code = main(list(argv))
    if code != 0:
        sys.exit(f"demo step failed (exit {code}): redline {' '.join(argv)}")


def demo() -> None:
    console = Console()
    OUT.mkdir(parents=True, exist_ok=True)
    for name in EXAMPLES:
        src, dst = HERE / name, OUT / name
        dst.mkdir(exist_ok=True)
        console.rule(f"[bold]{name}")
        for change in sorted(src.glob("change*.yaml")):  # forum-growth-judgement: before and after the judgement
            for lang in ("zh-CN", "en"):
                run("check", str(src / "service.yaml"), "--change", str(change), "--as-of", AS_OF, "--lang", lang)
        if not (src / "answers.yaml").is_file():
            continue
        answers = str(src / "answers.yaml")
        run("assess", "report", answers, "--format", "json", "-o", str(dst / "report.json"))
        run("assess", "report", answers, "--format", "html", "-o", str(dst / "report.html"))
        run("assess", "report", answers, "--format", "html", "--lang", "en", "-o", str(dst / "report.en.html"))
        run("report", "verify", str(dst / "report.json"))
    console.rule("[bold]reports")
    for path in sorted(OUT.glob("*/report*")):
        console.print(f"  {path}")
    console.print(f"Open {OUT / EXAMPLES[0] / 'report.html'} in a browser; `redline --help` for everything else.")


if __name__ == "__main__":
    demo()
