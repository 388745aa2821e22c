"""redline's image, audio and video label readers against `exiftool -j -G1`, on files that Pillow, mutagen and
ffmpeg write with the label in each carrier in use.

A regulator may open a provider's file with exiftool; redline's probe must find the same labels. Each generated
corpus (one file per carrier, plus unlabelled files) is read by both; exiftool's answer is every tag value that is a
JSON label (after its `(AIGC) ` prefix for ID3), so the comparison does not depend on exiftool's tag names.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mutagen.flac
import mutagen.id3
import mutagen.mp4
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin

from redline.probes.aigc import carriers, xmp
from redline.probes.aigc.label import RawLabel, check_label, label_json

EXIFTOOL, FFMPEG = shutil.which("exiftool"), shutil.which("ffmpeg")
VALUE = st.text(st.sampled_from("ABCDEFGHJKLMNPQRTUWXY0123456789-_.:"), min_size=1, max_size=24)
Maker = Callable[[Path, str], None]


def _image(path: Path, fmt: str, **options: Any) -> None:
    Image.new("RGB", (16, 12), (200, 80, 20)).save(path, fmt, **options)


def _exif(label: str) -> bytes:
    """EXIF UserComment (tag 0x9286 in the Exif IFD) with the ASCII character code prefix of EXIF 2.32 §4.6.5."""
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = b"ASCII\0\0\0" + label.encode()
    return exif.tobytes()


def _png(path: Path, label: str, chunk: str) -> None:
    info = PngImagePlugin.PngInfo()
    if chunk == "xmp":
        info.add_itxt("XML:com.adobe.xmp", xmp.xmp_packet(label).decode())
    elif chunk == "iTXt":
        info.add_itxt("AIGC", label)
    else:
        info.add_text("AIGC", label, zip=chunk == "zTXt")
    _image(path, "PNG", pnginfo=info)


def _ffmpeg(path: Path, *args: str) -> None:
    subprocess.run([FFMPEG or "ffmpeg", "-v", "error", "-y", *args, str(path)], check=True, timeout=60)


def _media(path: Path, source: str) -> None:
    if source == "audio":
        _ffmpeg(path, "-f", "lavfi", "-i", "sine=frequency=500:duration=0.2")
    else:
        _ffmpeg(path, "-f", "lavfi", "-i", "testsrc=size=32x32:rate=5:duration=0.4", "-pix_fmt", "yuv420p")


def _id3(version: int) -> Maker:
    def make(path: Path, label: str) -> None:
        _media(path, "audio")
        tags = mutagen.id3.ID3()
        tags.add(mutagen.id3.TXXX(encoding=3 if version == 4 else 1, desc="AIGC", text=[label]))
        tags.save(path, v2_version=version)

    return make


def _flac(path: Path, label: str) -> None:
    _media(path, "audio")
    audio = mutagen.flac.FLAC(path)
    audio["AIGC"] = [label]
    audio.save()


def _mp4_freeform(path: Path, label: str) -> None:
    _media(path, "video")
    movie = mutagen.mp4.MP4(path)
    movie["----:com.apple.iTunes:AIGC"] = [label.encode()]
    movie.save()


def _mp4_keys(path: Path, label: str) -> None:
    plain = path.with_name("plain-" + path.name)
    _media(plain, "video")
    _ffmpeg(path, "-i", str(plain), "-c", "copy", "-movflags", "use_metadata_tags", "-metadata", f"AIGC={label}")
    plain.unlink()


# file name -> (how it is made, the carrier redline reports; "" for an unlabelled file)
CORPUS: dict[str, tuple[Maker, str]] = {
    "exif.jpg": (lambda p, label: _image(p, "JPEG", exif=_exif(label)), "jpeg/exif-usercomment"),
    "xmp.jpg": (lambda p, label: _image(p, "JPEG", xmp=xmp.xmp_packet(label)), "jpeg/xmp"),
    "plain.jpg": (lambda p, label: _image(p, "JPEG"), ""),
    "tEXt.png": (lambda p, label: _png(p, label, "tEXt"), "png/tEXt"),
    "zTXt.png": (lambda p, label: _png(p, label, "zTXt"), "png/zTXt"),
    "iTXt.png": (lambda p, label: _png(p, label, "iTXt"), "png/iTXt"),
    "xmp.png": (lambda p, label: _png(p, label, "xmp"), "png/xmp"),
    "plain.png": (lambda p, label: _image(p, "PNG"), ""),
    "exif.webp": (lambda p, label: _image(p, "WEBP", exif=_exif(label)), "webp/exif-usercomment"),
    "xmp.webp": (lambda p, label: _image(p, "WEBP", xmp=xmp.xmp_packet(label)), "webp/xmp"),
    "id3v23.mp3": (_id3(3), "mp3/TXXX"),
    "id3v24.mp3": (_id3(4), "mp3/TXXX"),
    "plain.mp3": (lambda p, label: _media(p, "audio"), ""),
    "vorbis.flac": (_flac, "flac/vorbis-comment"),
    "keys.mp4": (_mp4_keys, "mp4/udta-meta-keys"),
    "freeform.mp4": (_mp4_freeform, "mp4/ilst-freeform"),
    "plain.mp4": (lambda p, label: _media(p, "video"), ""),
}


def _as_label(value: object) -> str | None:
    """A canonical form of a tag value that is a GB 45438-2025 label, else None."""
    text = str(value).removeprefix("(AIGC) ")
    try:
        parsed = json.loads(text)
    except ValueError:
        return None
    return json.dumps(parsed, sort_keys=True) if isinstance(parsed, dict) and "AIGC" in parsed else None


def _exiftool_labels(folder: Path) -> dict[str, list[str]]:
    shown = subprocess.run(
        [EXIFTOOL or "exiftool", "-j", "-G1", "-a", "-u", *sorted(map(str, folder.iterdir()))],
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout
    found: dict[str, list[str]] = {}
    for tags in json.loads(shown):
        labels = [label for value in tags.values() if (label := _as_label(value)) is not None]
        found[Path(tags["SourceFile"]).name] = sorted(labels)
    return found


def _raw(path: Path) -> list[RawLabel]:
    data = path.read_bytes()
    read = carriers.reader(carriers.detect(data[:4096]) or "")
    assert read is not None, path.name
    return [label for label in read(data) if not label.mention]


def _redline_labels(path: Path) -> tuple[list[str], list[str]]:
    """(the labels, canonical, and the carriers) the probe's reader for the detected format finds."""
    raw = _raw(path)
    return sorted(filter(None, (_as_label(label.text) for label in raw))), [label.carrier for label in raw]


def _corpus(folder: Path, label: str) -> None:
    if not (EXIFTOOL and FFMPEG):
        pytest.skip("exiftool or ffmpeg is not installed")
    for name, (make, _) in CORPUS.items():
        make(folder / name, label)


def _compare(folder: Path, label: str) -> None:
    expected = [json.dumps(json.loads(label), sort_keys=True)]
    by_exiftool = _exiftool_labels(folder)
    for name, (_, carrier) in CORPUS.items():
        found, where = _redline_labels(folder / name)
        assert found == by_exiftool[name], name
        assert (found, where) == ((expected, [carrier]) if carrier else ([], [])), name


def test_every_carrier_agrees_with_exiftool(tmp_path: Path) -> None:
    label = label_json("1", "91110000MA01ABCD2X", "img-0001")
    _corpus(tmp_path, label)
    _compare(tmp_path, label)
    assert all(check_label(r).ok for name in CORPUS for r in _raw(tmp_path / name))


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(mark=st.sampled_from("123"), producer=VALUE, produce_id=VALUE, propagator=VALUE, reserved=VALUE)
def test_varied_labels_agree_with_exiftool(
    tmp_path_factory: pytest.TempPathFactory, mark: str, producer: str, produce_id: str, propagator: str, reserved: str
) -> None:
    label = label_json(mark, producer, produce_id, propagator, produce_id, reserved1=reserved)
    folder = tmp_path_factory.mktemp("corpus")
    _corpus(folder, label)
    _compare(folder, label)


def test_a_label_in_an_itunes_freeform_item_under_another_name_is_not_taken(tmp_path: Path) -> None:
    if not FFMPEG:
        pytest.skip("ffmpeg is not installed")
    path = tmp_path / "other.mp4"
    _media(path, "video")
    movie = mutagen.mp4.MP4(path)
    movie["----:com.apple.iTunes:AIGCX"] = [label_json("1", "X1", "P1").encode()]
    movie["\xa9nam"] = ["AIGC"]
    movie.save()
    assert _redline_labels(path) == ([], [])
