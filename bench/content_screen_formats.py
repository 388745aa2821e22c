"""The content-screen benchmark's inputs in other formats, made from a `gen_text.py` output line by line (so of
any size without holding it): an HTML page (a paragraph a line, a `<style>` rule and a hidden block now and
then), JSON lines (a post a line) and the same text encoded as GB18030.

    .venv/bin/python bench/content_screen_formats.py TEXT OUT_DIR
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# characters `str.splitlines` ends a line at that JSON leaves as they are (it escapes the control characters)
LINE_ENDS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}
HEAD = (
    "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>新闻</title>"
    "<style>.gone { display: none } p { margin: 0 }</style></head>\n<body>\n"
)


def formats(text: Path, out: Path) -> dict[str, Path]:
    """Writes page.html, posts.jsonl and news-gb18030.txt from `text`; returns them by format."""
    made = {"html": out / "page.html", "jsonl": out / "posts.jsonl", "gb18030": out / "news-gb18030.txt"}
    with (
        text.open(encoding="utf-8") as source,
        made["html"].open("w", encoding="utf-8") as page,
        made["jsonl"].open("w", encoding="utf-8") as posts,
        made["gb18030"].open("w", encoding="gb18030") as gb,
    ):
        page.write(HEAD)
        for number, line in enumerate(source):
            body = line.rstrip("\n")
            escaped = body.replace("&", "&amp;").replace("<", "&lt;")
            if number % 500 == 499:
                page.write(f'<div class="gone"><a href="http://x{number}.example/">{escaped}</a></div>\n')
            else:
                page.write(f"<p>{escaped}</p>\n")
            post = json.dumps({"id": number, "text": body}, ensure_ascii=False)
            posts.write(post.translate(LINE_ENDS) + "\n")
            gb.write(line)
        page.write("</body></html>\n")
    return made


if __name__ == "__main__":
    formats(Path(sys.argv[1]), Path(sys.argv[2]))
