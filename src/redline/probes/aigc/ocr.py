"""The explicit label of an image, read by OCR (tesseract, chi_sim + eng).

人工智能生成合成内容标识办法 第四条第（三）项 asks for a prominent prompt at a suitable position of the
image; the text elements are those of the text label (人工智能/AI with 生成/合成, see text.py). The four
corners and the four edge bands, each a quarter of the width or height, are read in turn; the first
region with both elements wins. Regions are not read elsewhere in the image, and a label drawn as a
symbol or logo only is not recognised.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from redline.probes.aigc.text import find_elements

TESSERACT = "/usr/bin/tesseract"
TIMEOUT = 20
CLAUSE = "人工智能生成合成内容标识办法 第四条第（三）项"
MIN_HEIGHT = 120  # small crops are enlarged to about this height before OCR
MAX_SIDE = 4000  # and large ones reduced to this
DARK, LIGHT = 80, 175  # thresholds for the dark-text-only and light-text-only variants
_MISREAD_AI = re.compile(r"(?<![A-Za-z0-9])A[l1|](?![A-Za-z0-9])")
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff\uff00-\uffef])[ \t]+|[ \t]+(?=[\u3400-\u9fff\uff00-\uffef])")


def normalise(text: str) -> str:
    """OCR output made comparable: no spaces around Chinese characters, and the usual misreadings of
    "AI" (Al, A1, A|) read as AI."""
    return _MISREAD_AI.sub("AI", _CJK_GAP.sub("", text))


def _tesseract() -> str | None:
    if Path(TESSERACT).is_file():
        return TESSERACT
    return shutil.which("tesseract")


@functools.lru_cache(maxsize=4)
def _has_chinese(binary: str) -> bool:
    try:
        listing = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return "chi_sim" in (listing.stdout + listing.stderr).split()


def _regions(width: int, height: int) -> list[tuple[str, tuple[int, int, int, int]]]:
    w, h = max(1, width // 4), max(1, height // 4)
    return [
        ("top-left", (0, 0, w, h)),
        ("top-right", (width - w, 0, width, h)),
        ("bottom-left", (0, height - h, w, height)),
        ("bottom-right", (width - w, height - h, width, height)),
        ("top", (0, 0, width, h)),
        ("bottom", (0, height - h, width, height)),
        ("left", (0, 0, w, height)),
        ("right", (width - w, 0, width, height)),
    ]


def explicit_image_label(path: Path) -> dict[str, Any]:
    """OCR the image's corners and edges for an explicit AI-generation label (see the docstring)."""
    binary = _tesseract()
    if binary is None or not _has_chinese(binary):
        return {"checked": False, "reason": "not checked: OCR not installed"}
    try:
        from PIL import Image
    except ImportError:
        return {"checked": False, "reason": "not checked: Pillow not installed"}
    try:
        with Image.open(path) as opened:
            image = opened.convert("L")
    except Exception as exc:  # Pillow raises many kinds for broken or hostile images
        return {"checked": False, "reason": f"not checked: cannot open the image: {exc}"}
    failures: list[str] = []
    attempts = 0
    for where, box in _regions(*image.size):
        crop = image.crop(box)
        if max(crop.size) > MAX_SIDE:
            crop.thumbnail((MAX_SIDE, MAX_SIDE))
        elif crop.height < MIN_HEIGHT:
            scale = min(4, -(-MIN_HEIGHT // max(crop.height, 1)))
            crop = crop.resize((crop.width * scale, crop.height * scale), Image.Resampling.LANCZOS)
        # As is, then dark text alone and light text alone: a label on a framed box or a busy
        # background is often invisible to tesseract until the rest is thresholded away.
        for variant in (
            crop,
            crop.point(lambda v: 0 if v < DARK else 255),
            crop.point(lambda v: 0 if v > LIGHT else 255),
        ):
            attempts += 1
            buffer = io.BytesIO()
            variant.save(buffer, "PNG")
            try:
                result = subprocess.run(
                    [binary, "-", "-", "-l", "chi_sim+eng", "--psm", "6"],
                    input=buffer.getvalue(),
                    capture_output=True,
                    timeout=TIMEOUT,
                    check=False,
                )
            except (OSError, subprocess.SubprocessError) as exc:
                failures.append(f"{where}: {exc}")
                continue
            if result.returncode != 0:
                failures.append(f"{where}: tesseract exited with {result.returncode}")
                continue
            snippet = find_elements(normalise(result.stdout.decode("utf-8", errors="replace")))
            if snippet is not None:
                return {"checked": True, "found": True, "where": where, "text": snippet, "clause": CLAUSE}
    if failures and len(failures) == attempts:
        return {"checked": False, "reason": f"not checked: OCR failed ({failures[0]})"}
    return {"checked": True, "found": False, "where": None, "text": None, "clause": CLAUSE}
