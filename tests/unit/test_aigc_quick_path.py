"""The aigc-label quick path (issue 20 point 3) against the full parse, its reference.

A file the quick scan lets through without parsing must get exactly the result the full parse gives: these
files hide a label, or only a mention of AIGC, where a byte scan could miss it (compressed text chunks and
XMP, UTF-16 text, lower case, a label at the end of a file larger than the scan's pieces, across the border
of two pieces, in a PDF object stream), and a mixed corpus compares every field of every result."""

from __future__ import annotations

import io
import json
import random
import struct
import wave
import zlib
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from redline.probes.aigc import carriers, markers, png, xmp
from redline.probes.aigc.probe import CHUNK, AigcLabelProbe
from redline.probes.base import Verdict
from redline.probes.runner import result_dict
from tests.unit.test_aigc_docs import build_pdf, stream

PRODUCER = "001191110102MACQD9K64010000"
LABEL = json.dumps(
    {
        "AIGC": {
            "Label": "1",
            "ContentProducer": PRODUCER,
            "ProduceID": "quick-0001",
            "ReservedCode1": "",
            "ContentPropagator": PRODUCER,
            "PropagateID": "quick-0001",
            "ReservedCode2": "",
        }
    },
    separators=(",", ":"),
)


def _both(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    probe = AigcLabelProbe()
    return result_dict(probe.check_file(path, {})), result_dict(probe.check_file(path, {"quick": False}))


def _image(fmt: str, size: tuple[int, int] = (24, 16), **save: Any) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, fmt, **save)
    return out.getvalue()


def _png_with(*chunks: tuple[bytes, bytes]) -> bytes:
    data = _image("PNG")
    end = data.rindex(b"IEND") - 4
    return data[:end] + b"".join(png.chunk(kind, body) for kind, body in chunks) + data[end:]


def _itxt_xmp(packet: bytes) -> tuple[bytes, bytes]:
    return b"iTXt", b"XML:com.adobe.xmp\x00\x01\x00\x00\x00" + zlib.compress(packet)


def _wav(frames: int, tail: bytes = b"") -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(random.Random(frames).randbytes(frames * 2))
    data = out.getvalue() + tail
    return data[:4] + struct.pack("<I", len(data) - 8) + data[8:]


def _riff_chunk(ident: bytes, body: bytes) -> bytes:
    return ident + struct.pack("<I", len(body)) + body + b"\x00" * (len(body) & 1)


def _exif_comment(text: bytes) -> Image.Exif:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = text
    return exif


CRAFTED: dict[str, Any] = {
    "png-ztxt-compressed-label.png": lambda: _png_with((b"zTXt", b"AIGC\x00\x00" + zlib.compress(LABEL.encode()))),
    "png-itxt-compressed-xmp.png": lambda: _png_with(_itxt_xmp(xmp.xmp_packet(LABEL))),
    "png-itxt-compressed-xmp-without-label.png": lambda: _png_with(_itxt_xmp(xmp.xmp_packet("x")[:-40])),
    "png-label-after-idat.png": lambda: _png_with((b"tEXt", b"AIGC\x00" + LABEL.encode())),
    "png-lower-case-keyword.png": lambda: _png_with((b"tEXt", b"aigc\x00" + LABEL.encode())),
    "jpeg-xmp-label.jpg": lambda: carriers.writer("jpeg")(_image("JPEG"), LABEL),  # type: ignore[misc]
    "jpeg-usercomment-word.jpg": lambda: _image("JPEG", exif=_exif_comment(b"ASCII\x00\x00\x00AIGC")),
    "jpeg-usercomment-utf16.jpg": lambda: _image(
        "JPEG", exif=_exif_comment(b"UNICODE\x00" + "made with aigc tools".encode("utf-16-le"))
    ),
    "jpeg-usercomment-dotless-i.jpg": lambda: _image(
        "JPEG", exif=_exif_comment(b"UNICODE\x00" + "A\u0131GC".encode("utf-16-be"))
    ),
    "webp-xmp-label.webp": lambda: carriers.writer("webp")(_image("WEBP"), LABEL),  # type: ignore[misc]
    "wav-label-at-the-end-of-3-mib.wav": lambda: _wav(3 * CHUNK // 4, _riff_chunk(b"AIGC", LABEL.encode())),
    "wav-mention-across-a-piece-border.wav": lambda: _border_wav(),
    "pdf-label-in-an-object-stream.pdf": lambda: _pdf_object_stream(),
    "jpeg-plain.jpg": lambda: _image("JPEG"),
    "png-plain.png": lambda: _image("PNG"),
    "wav-plain-3-mib.wav": lambda: _wav(3 * CHUNK // 4),
}


def _border_wav() -> bytes:
    """A WAV whose trailing LIST/INFO `AIGC` child starts 2 bytes before the first 1 MiB piece ends."""
    frames = (CHUNK - 2 - 12 - 44) // 2  # a 44-byte header, then the LIST header and type (12) before the child
    data = _wav(frames) + _riff_chunk(b"LIST", b"INFO" + _riff_chunk(b"AIGC", b"made with AIGC"))
    assert data.find(b"AIGC") == CHUNK - 2
    return data[:4] + struct.pack("<I", len(data) - 8) + data[8:]


def _pdf_object_stream() -> bytes:
    info = b"<< /Producer (writer) /AIGC (" + LABEL.encode() + b") >>"
    header = b"4 0 "
    packed = zlib.compress(header + info)
    return build_pdf({5: stream(b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode" % len(header), packed)})


@pytest.mark.parametrize("name", sorted(CRAFTED))
def test_the_quick_path_gives_the_full_parse_result_on_files_made_to_hide_a_carrier(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(CRAFTED[name]())
    quick, full = _both(path)
    assert quick == full


def test_the_crafted_labels_are_found_at_all(tmp_path: Path) -> None:
    """The comparison above means something only if the hidden labels and mentions are there to find."""
    found = {}
    for name in ("png-ztxt-compressed-label.png", "png-itxt-compressed-xmp.png", "wav-label-at-the-end-of-3-mib.wav"):
        path = tmp_path / name
        path.write_bytes(CRAFTED[name]())
        found[name] = AigcLabelProbe().check_file(path, {}).verdict
    assert set(found.values()) == {Verdict.COMPLIANT}
    path = tmp_path / "jpeg-usercomment-utf16.jpg"
    path.write_bytes(CRAFTED["jpeg-usercomment-utf16.jpg"]())
    assert AigcLabelProbe().check_file(path, {}).details.get("notes")


def _mixed(directory: Path, count: int) -> None:
    rng = random.Random(45438)
    for n in range(count):
        ext = rng.choice(["jpg", "png", "webp", "wav"])
        if ext == "wav":
            data = _wav(rng.randint(2000, 20000))
        else:
            fmt = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[ext]
            image = Image.frombytes("RGB", (48, 32), rng.randbytes(48 * 32 * 3))
            buffer = io.BytesIO()
            image.save(buffer, fmt)
            data = buffer.getvalue()
        if rng.random() < 0.2:
            data = carriers.writer({"jpg": "jpeg"}.get(ext, ext))(data, LABEL)  # type: ignore[misc]
        (directory / f"f{n:03d}.{ext}").write_bytes(data)


def test_on_a_mixed_corpus_every_field_of_every_result_is_the_full_parse_s(tmp_path: Path) -> None:
    _mixed(tmp_path, 120)
    for path in sorted(tmp_path.iterdir()):
        quick, full = _both(path)
        assert quick == full, path.name


@pytest.mark.parametrize("cut", [40, -30])
def test_a_broken_file_without_any_carrier_byte_is_still_unparsable_on_the_quick_path(cut: int, tmp_path: Path) -> None:
    path = tmp_path / "truncated.png"
    path.write_bytes(_image("PNG", (64, 64))[:cut])
    quick, full = _both(path)
    assert quick == full
    assert quick["verdict"] == "error"


NEEDLE_VARIANTS = [n.upper() for n in markers.NEEDLES] + list(markers.NEEDLES) + [b"AiGc", b"XmP", b"ExIF"]


@pytest.mark.parametrize("offset", range(4))
def test_the_compiled_scan_answers_as_the_reference_for_every_marker_at_every_offset(offset: int) -> None:
    compiled = pytest.importorskip("redline.probes.aigc._markers", reason="the C scan is not built here")
    rng = random.Random(offset)
    filler = bytes(b for b in rng.randbytes(4000) if chr(b).lower() not in "aixecjd\xd8")
    assert not markers.has_marker_pure(filler)
    assert not compiled.has_marker(filler)
    for needle in NEEDLE_VARIANTS:
        for at in (0, offset, len(filler) // 2 + offset, len(filler) - offset):
            data = filler[:at] + needle + filler[at:]
            assert compiled.has_marker(data) is markers.has_marker_pure(data) is True, (needle, at)
            end = filler[: len(filler) - len(needle) - offset] + needle + filler[:offset]
            assert compiled.has_marker(end) is markers.has_marker_pure(end) is True, (needle, "end")
            cut = data[: at + len(needle) - 1] + filler[at + len(needle) :]
            assert compiled.has_marker(cut) is markers.has_marker_pure(cut), (needle, "cut")


def test_the_compiled_scan_answers_as_the_reference_on_random_bytes() -> None:
    compiled = pytest.importorskip("redline.probes.aigc._markers", reason="the C scan is not built here")
    rng = random.Random(7)
    for size in [0, 1, 2, 3, 4, 5, 17, 4096, 65537]:
        for _ in range(20):
            data = rng.randbytes(size)
            assert compiled.has_marker(data) is markers.has_marker_pure(data)
