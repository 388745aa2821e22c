"""Carrier readers and writers for JPEG, PNG, WebP, WAV, AVI, TIFF and GIF (GB 45438-2025 implicit labels)."""

from __future__ import annotations

import base64
import html
import io
import json
import mmap
import struct
import subprocess
import wave
import zlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from redline.probes.aigc import carriers, gif, jpeg, png, riff, tiff, xmp
from redline.probes.aigc.carriers import CarrierError
from redline.probes.aigc.label import RawLabel, check_label, label_json
from tests.conftest import TC260_CONFIG

LABEL = label_json("1", "001191110102MACQD9K64010000", "abc123")
FIELDS = json.loads(LABEL)["AIGC"]
BARE = json.dumps(FIELDS, separators=(",", ":"))
EXIFTOOL = Path("/usr/bin/exiftool")
Reader = Callable[[carriers.Buffer], list[RawLabel]]


# ---------------------------------------------------------------- fixtures


def _image(mode: str = "RGB") -> Image.Image:
    image = Image.new(mode, (24, 16))
    image.putdata(
        [(x * 10 % 256, y * 15 % 256, (x + y) * 5 % 256, 255 - x)[: len(mode)] for y in range(16) for x in range(24)]
    )
    return image


def _encode(fmt: str, mode: str = "RGB", **options: Any) -> bytes:
    buffer = io.BytesIO()
    _image(mode).save(buffer, fmt, **options)
    return buffer.getvalue()


def _wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes(range(256)) * 4)
    return buffer.getvalue()


def _riff(form: bytes, *chunks: bytes) -> bytes:
    body = form + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _list(kind: bytes, *chunks: bytes) -> bytes:
    return riff.chunk(b"LIST", kind + b"".join(chunks))


def _avi(*info: bytes) -> bytes:
    avih = riff.chunk(b"avih", bytes(56))
    return _riff(
        b"AVI ",
        _list(b"hdrl", avih),
        *([_list(b"INFO", *info)] if info else []),
        _list(b"movi", riff.chunk(b"00dc", b"\x00" * 5)),
        riff.chunk(b"idx1", bytes(16)),
    )


def _user_comment(text: str, code: bytes = b"ASCII\x00\x00\x00", encoding: str = "ascii") -> bytes:
    return code + text.encode(encoding)


def _tiff(
    order: str, xmp_packet: bytes | None = None, comment: bytes | None = None, exif_at_ifd0: bool = False
) -> bytes:
    """A minimal TIFF (no image data) with IFD0 -> XMP and an Exif IFD -> UserComment, in either byte order."""
    head = (b"II*\x00" if order == "<" else b"MM\x00*") + struct.pack(order + "I", 8)
    entries: list[tuple[int, int, int, bytes]] = [(0x0100, 3, 1, struct.pack(order + "HH", 1, 0))]
    if xmp_packet is not None:
        entries.append((0x02BC, 7, len(xmp_packet), xmp_packet))
    if comment is not None:
        entries.append((0x8769, 4, 1, b""))
    ifd0_size = 2 + 12 * len(entries) + 4
    blobs = bytearray()
    data_at = 8 + ifd0_size
    ifd = bytearray(struct.pack(order + "H", len(entries)))
    exif_entry = -1
    for tag, kind, count, value in entries:
        if tag == 0x8769:
            exif_entry = len(ifd)
            ifd += struct.pack(order + "HHII", tag, kind, count, 0)
        elif len(value) <= 4:
            ifd += struct.pack(order + "HHI", tag, kind, count) + value.ljust(4, b"\x00")
        else:
            ifd += struct.pack(order + "HHII", tag, kind, count, data_at + len(blobs))
            blobs += value + b"\x00" * (len(value) % 2)
    ifd += struct.pack(order + "I", 0)
    out = bytearray(head + ifd + blobs)
    if comment is not None:
        exif_ifd = 8 if exif_at_ifd0 else len(out)
        struct.pack_into(order + "I", out, 8 + exif_entry + 8, exif_ifd)
        if not exif_at_ifd0:
            value_at = exif_ifd + 2 + 12 + 4
            out += struct.pack(order + "HHHII", 1, 0x9286, 7, len(comment), value_at) + struct.pack(order + "I", 0)
            out += comment
    return bytes(out)


def _jpeg_with(segment_marker: int, payload: bytes, base: bytes | None = None) -> bytes:
    """A Pillow JPEG with one more segment after its leading APP0."""
    data = base or _encode("JPEG")
    at = 2 + 2 + struct.unpack(">H", data[4:6])[0] if data[2:4] == b"\xff\xe0" else 2
    return data[:at] + bytes((0xFF, segment_marker)) + struct.pack(">H", len(payload) + 2) + payload + data[at:]


def _png_before_iend(data: bytes, *chunks: bytes) -> bytes:
    iend = data.rindex(b"IEND") - 4
    return data[:iend] + b"".join(chunks) + data[iend:]


def _gif_xmp(packet: bytes, trailer: bool = True) -> bytes:
    """A Pillow GIF with an `XMP DataXMP` Application Extension written as XMP Part 3 says (raw + magic trailer)."""
    data = _encode("GIF")
    if trailer:
        extension = b"\x21\xff\x0bXMP DataXMP" + packet + gif.MAGIC_TRAILER
    else:  # a non-conforming writer: the packet split into proper sub-blocks
        blocks = b"".join(bytes((len(packet[i : i + 255]),)) + packet[i : i + 255] for i in range(0, len(packet), 255))
        extension = b"\x21\xff\x0bXMP DataXMP" + blocks + b"\x00"
    at = data.index(b"\x2c\x00\x00\x00\x00")
    return data[:at] + extension + data[at:]


def _attribute_packet(value: str, prefix: str = "TC260") -> bytes:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'<rdf:Description rdf:about="" xmlns:{prefix}="http://www.tc260.org.cn/ns/AIGC/1.0/" '
        f'{prefix}:AIGC="{value}"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


def _one_ok(labels: list[RawLabel], carrier: str) -> None:
    assert [label.carrier for label in labels] == [carrier]
    checked = check_label(labels[0])
    assert checked.ok, checked.problems
    assert checked.fields == FIELDS


def _exiftool(path: Path, *options: str) -> dict[str, Any]:
    if not EXIFTOOL.exists():
        pytest.skip("exiftool is not installed")
    out = subprocess.run(
        [str(EXIFTOOL), "-j", "-G1", "-a", "-u", *options, str(path)],
        capture_output=True,
        check=True,
        text=True,
        timeout=60,
    )
    result: dict[str, Any] = json.loads(out.stdout)[0]
    return result


# format name -> (unlabelled file, reader, writer, expected carrier, exiftool key, extra exiftool options)
WRITABLE: dict[str, tuple[Callable[[], bytes], Reader, Callable[[bytes, str], bytes], str, str, tuple[str, ...]]] = {
    "jpeg": (lambda: _encode("JPEG"), jpeg.read, jpeg.write, "jpeg/xmp", "XMP-TC260:Aigc", ()),
    "jpeg-exif": (lambda: _encode("JPEG", exif=Image.Exif()), jpeg.read, jpeg.write, "jpeg/xmp", "XMP-TC260:Aigc", ()),
    "png": (lambda: _encode("PNG"), png.read, png.write, "png/tEXt", "PNG:AIGC", ()),
    "webp-lossy": (
        lambda: _encode("WEBP", quality=90),
        riff.read_webp,
        riff.write_webp,
        "webp/xmp",
        "XMP-TC260:Aigc",
        (),
    ),
    "webp-lossless": (
        lambda: _encode("WEBP", lossless=True),
        riff.read_webp,
        riff.write_webp,
        "webp/xmp",
        "XMP-TC260:Aigc",
        (),
    ),
    "webp-lossless-alpha": (
        lambda: _encode("WEBP", "RGBA", lossless=True),
        riff.read_webp,
        riff.write_webp,
        "webp/xmp",
        "XMP-TC260:Aigc",
        (),
    ),
    "webp-vp8x": (
        lambda: _encode("WEBP", "RGBA", quality=90),
        riff.read_webp,
        riff.write_webp,
        "webp/xmp",
        "XMP-TC260:Aigc",
        (),
    ),
    "wav": (_wav, riff.read_wav, riff.write_wav, "wav/AIGC", "RIFF:Unknown_AIGC", ("-b",)),
}
UNLABELLED: dict[str, tuple[Callable[[], bytes], Reader]] = {
    **{name: (spec[0], spec[1]) for name, spec in WRITABLE.items()},
    "tiff": (lambda: _encode("TIFF"), tiff.read),
    "tiff-exif": (lambda: _encode("TIFF", exif=Image.Exif()), tiff.read),
    "gif": (lambda: _encode("GIF", comment=b"made with a camera"), gif.read),
    "avi": (lambda: _avi(riff.chunk(b"INAM", b"title\x00")), riff.read_avi),
}


def _removed(original: bytes, labelled: bytes, fmt: str) -> bytes:
    """The labelled file with the writer's additions taken out again."""
    if fmt.startswith("jpeg"):
        added = [
            (start - 4, end)
            for marker, start, end in jpeg._segments(labelled)
            if marker == 0xE1 and labelled.startswith(jpeg.XMP_ID, start)
        ]
        assert len(added) == 1
        return labelled[: added[0][0]] + labelled[added[0][1] :]
    if fmt.startswith("png"):
        kinds = [(kind, at, start + length + 4) for kind, start, length, at in png._chunks(labelled)]
        [(_, at, end)] = [k for k in kinds if k[0] == b"tEXt"]
        return labelled[:at] + labelled[end:]
    out = bytearray(labelled)
    top = [
        (ident, at, body, length)
        for parents, ident, at, body, length in riff._walk(labelled, labelled[8:12])
        if not parents
    ]
    assert top[-1][0] == (b"XMP " if fmt.startswith("webp") else b"AIGC")
    del out[top[-1][1] :]
    if fmt.startswith("webp") and top[0][0] == b"VP8X" and original[12:16] != b"VP8X":
        del out[top[0][1] : top[1][1]]
    elif fmt.startswith("webp"):
        assert out[20] & riff.XMP_FLAG
        out[20] = original[20]
    struct.pack_into("<I", out, 4, len(out) - 8)
    return bytes(out)


# ---------------------------------------------------------------- writers and round trips


@pytest.mark.parametrize("fmt", sorted(UNLABELLED))
def test_an_unlabelled_file_has_no_label(fmt: str) -> None:
    make, read = UNLABELLED[fmt]
    assert read(make()) == []


@pytest.mark.parametrize("fmt", sorted(WRITABLE))
def test_the_writer_adds_exactly_one_label_that_passes_the_annex_e_check(fmt: str) -> None:
    make, read, write, carrier, _, _ = WRITABLE[fmt]
    _one_ok(read(write(make(), LABEL)), carrier)


@pytest.mark.parametrize("fmt", sorted(WRITABLE))
def test_the_writer_changes_no_other_byte(fmt: str) -> None:
    make, _, write, _, _, _ = WRITABLE[fmt]
    original = make()
    assert _removed(original, write(original, LABEL), fmt) == original


@pytest.mark.parametrize("fmt", sorted(k for k in WRITABLE if k != "wav"))
def test_pillow_still_opens_the_labelled_image_with_the_same_pixels(fmt: str) -> None:
    make, _, write, _, _, _ = WRITABLE[fmt]
    original = make()
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(write(original, LABEL))) as after:
        assert after.size == before.size
        assert after.tobytes() == before.tobytes()


def test_the_labelled_wav_still_plays_the_same_frames() -> None:
    original = _wav()
    with wave.open(io.BytesIO(original)) as before, wave.open(io.BytesIO(riff.write_wav(original, LABEL))) as after:
        assert after.getparams() == before.getparams()
        assert after.readframes(10_000) == before.readframes(10_000)


@pytest.mark.parametrize("fmt", sorted(WRITABLE))
def test_exiftool_reads_the_label_the_writer_added(fmt: str, tmp_path: Path) -> None:
    make, _, write, _, key, options = WRITABLE[fmt]
    path = tmp_path / "labelled"
    path.write_bytes(write(make(), LABEL))
    tags = _exiftool(path, *options)
    value = tags.get(key)
    assert isinstance(value, str), sorted(tags)
    if value.startswith("base64:"):
        value = base64.b64decode(value[7:]).decode()
    assert json.loads(value) == {"AIGC": FIELDS}
    assert not any(k.endswith(":Warning") or k.endswith(":Error") for k in tags), tags


@pytest.mark.parametrize("fmt", sorted(WRITABLE))
def test_every_reader_accepts_a_read_only_mmap_as_the_probe_passes_it(fmt: str, tmp_path: Path) -> None:
    make, read, write, carrier, _, _ = WRITABLE[fmt]
    path = tmp_path / "labelled"
    path.write_bytes(write(make(), LABEL))
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        labels = read(data)
    _one_ok(labels, carrier)


def test_the_registry_resolves_every_reader_and_writer_of_these_formats() -> None:
    for fmt in ("jpeg", "png", "webp", "wav", "avi", "tiff", "gif"):
        assert carriers.reader(fmt) is not None
    for fmt in ("jpeg", "png", "webp", "wav"):
        assert carriers.writer(fmt) is not None


def test_the_jpeg_writer_puts_the_xmp_segment_after_jfif_and_exif_but_before_the_tables() -> None:
    exif = Image.Exif()
    exif[0x010F] = "Camera"
    original = _encode("JPEG", exif=exif)
    markers = [marker for marker, _, _ in jpeg._segments(jpeg.write(original, LABEL))]
    assert markers[:3] == [0xE0, 0xE1, 0xE1]
    assert markers[3] == 0xDB


def test_the_jpeg_writer_adds_the_label_to_an_existing_xmp_packet_instead_of_a_second_one(tmp_path: Path) -> None:
    packet = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        b"<dc:format>image/jpeg</dc:format></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    labelled = jpeg.write(_encode("JPEG", xmp=packet), LABEL)
    assert labelled.count(jpeg.XMP_ID) == 1
    _one_ok(jpeg.read(labelled), "jpeg/xmp")
    path = tmp_path / "merged.jpg"
    path.write_bytes(labelled)
    tags = _exiftool(path)
    assert json.loads(tags["XMP-TC260:Aigc"]) == {"AIGC": FIELDS}
    assert tags["XMP-dc:Format"] == "image/jpeg"


def test_the_webp_writer_adds_the_label_to_an_existing_xmp_chunk_instead_of_a_second_one(tmp_path: Path) -> None:
    packet = xmp.xmp_packet(LABEL).replace(b"TC260:AIGC", b"TC260:Other")
    labelled = riff.write_webp(_encode("WEBP", xmp=packet), LABEL)
    assert [ident for parents, ident, *_ in riff._walk(labelled, b"WEBP") if not parents].count(b"XMP ") == 1
    _one_ok(riff.read_webp(labelled), "webp/xmp")
    path = tmp_path / "merged.webp"
    path.write_bytes(labelled)
    tags = _exiftool(path)
    assert json.loads(tags["XMP-TC260:Aigc"]) == {"AIGC": FIELDS}
    assert "XMP-TC260:Other" in tags


def test_the_webp_writer_sets_the_xmp_flag_and_gives_a_canvas_matching_the_bitstream() -> None:
    for original in (_encode("WEBP", quality=90), _encode("WEBP", lossless=True)):
        labelled = riff.write_webp(original, LABEL)
        assert labelled[12:16] == b"VP8X"
        assert labelled[20] & riff.XMP_FLAG
        width = int.from_bytes(labelled[24:27], "little") + 1
        height = int.from_bytes(labelled[27:30], "little") + 1
        assert (width, height) == (24, 16)


def test_the_png_writer_puts_the_text_chunk_right_before_the_first_idat() -> None:
    labelled = png.write(_encode("PNG"), LABEL)
    kinds = [kind for kind, _, _, _ in png._chunks(labelled)]
    assert kinds[kinds.index(b"IDAT") - 1] == b"tEXt"


@pytest.mark.parametrize("size", [0, 0xFFFFFFFF])
def test_a_riff_file_whose_size_is_unset_is_refused_by_the_writers(size: int) -> None:
    for original, write in ((_wav(), riff.write_wav), (_encode("WEBP", lossless=True), riff.write_webp)):
        data = bytearray(original)
        struct.pack_into("<I", data, 4, size)
        with pytest.raises(CarrierError, match="unset"):
            write(bytes(data), LABEL)


# ---------------------------------------------------------------- files written the way generators write them


def test_a_png_text_chunk_after_idat_is_found_as_doubao_writes_it() -> None:
    data = _png_before_iend(_encode("PNG"), png.chunk(b"tEXt", b"AIGC\x00" + LABEL.encode()))
    _one_ok(png.read(data), "png/tEXt")


def test_png_ztxt_and_itxt_labels_and_an_xmp_itxt_are_each_found() -> None:
    base = _encode("PNG")
    ztxt = png.chunk(b"zTXt", b"AIGC\x00\x00" + zlib.compress(LABEL.encode()))
    _one_ok(png.read(_png_before_iend(base, ztxt)), "png/zTXt")
    itxt = png.chunk(b"iTXt", b"AIGC\x00\x01\x00\x00\x00" + zlib.compress(LABEL.encode()))
    _one_ok(png.read(_png_before_iend(base, itxt)), "png/iTXt")
    xmp_itxt = png.chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + xmp.xmp_packet(LABEL))
    _one_ok(png.read(_png_before_iend(base, xmp_itxt)), "png/xmp")


def test_doubao_style_png_with_both_xmp_and_text_is_reported_as_two_labels() -> None:
    data = _png_before_iend(
        _encode("PNG"),
        png.chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + _attribute_packet(html.escape(BARE))),
        png.chunk(b"tEXt", b"AIGC\x00" + LABEL.encode()),
    )
    assert [label.carrier for label in png.read(data)] == ["png/xmp", "png/tEXt"]


def test_a_png_with_a_label_in_exif_usercomment_is_found() -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = _user_comment(LABEL)
    _one_ok(png.read(_encode("PNG", exif=exif.tobytes())), "png/exif-usercomment")
    _one_ok(png.read(_png_before_iend(_encode("PNG"), png.chunk(b"eXIf", exif.tobytes()))), "png/exif-usercomment")


@pytest.mark.parametrize(
    ("code", "encoding"),
    [
        (b"ASCII\x00\x00\x00", "ascii"),
        (b"UNICODE\x00", "utf-16-be"),
        (b"UNICODE\x00", "utf-16-le"),
        (b"\x00" * 8, "ascii"),
    ],
)
def test_a_jpeg_exif_usercomment_label_is_found_with_each_character_code(code: bytes, encoding: str) -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = _user_comment(LABEL, code, encoding)
    _one_ok(jpeg.read(_encode("JPEG", exif=exif)), "jpeg/exif-usercomment")


def test_an_exif_usercomment_without_aigc_is_not_a_label_but_the_bare_seven_fields_are() -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = _user_comment("shot on a sunny day")
    assert jpeg.read(_encode("JPEG", exif=exif)) == []
    exif.get_ifd(0x8769)[0x9286] = _user_comment(BARE)
    _one_ok(jpeg.read(_encode("JPEG", exif=exif)), "jpeg/exif-usercomment")


def test_exiftool_sees_the_exif_usercomment_fixture(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = _user_comment(LABEL)
    path = tmp_path / "comment.jpg"
    path.write_bytes(_encode("JPEG", exif=exif))
    assert json.loads(_exiftool(path)["ExifIFD:UserComment"]) == {"AIGC": FIELDS}


def test_picwish_style_xmp_attribute_with_an_html_escaped_bare_object_is_found() -> None:
    packet = _attribute_packet(html.escape(BARE))
    assert "&quot;Label&quot;" in packet.decode()
    labels = jpeg.read(_jpeg_with(0xE1, jpeg.XMP_ID + packet))
    _one_ok(labels, "jpeg/xmp")
    assert check_label(labels[0]).form == "bare"


def test_doubao_style_xmp_element_with_an_escaped_bare_object_is_found() -> None:
    packet = xmp.xmp_packet(BARE).replace(BARE.encode(), html.escape(BARE).encode())
    labels = xmp.find_labels(packet, "jpeg/xmp")
    assert len(labels) == 1
    assert "&quot;" in labels[0].text
    assert check_label(labels[0]).ok


def test_a_bare_aigc_blob_in_an_app_segment_is_found() -> None:
    _one_ok(jpeg.read(_jpeg_with(0xEA, b"AIGC" + LABEL.encode() + b"\x00")), "jpeg/app-blob")


def test_webp_exif_and_xmp_chunks_written_by_pillow_are_read() -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9286] = _user_comment(LABEL)
    _one_ok(riff.read_webp(_encode("WEBP", exif=exif)), "webp/exif-usercomment")
    _one_ok(riff.read_webp(_encode("WEBP", xmp=_attribute_packet(html.escape(BARE)))), "webp/xmp")


@pytest.mark.parametrize("order", ["<", ">"])
def test_tiff_xmp_and_exif_usercomment_are_read_in_both_byte_orders(order: str) -> None:
    _one_ok(tiff.read(_tiff(order, xmp_packet=xmp.xmp_packet(LABEL))), "tiff/xmp")
    _one_ok(tiff.read(_tiff(order, comment=_user_comment(LABEL))), "tiff/exif-usercomment")
    _one_ok(
        tiff.read(
            _tiff(order, comment=_user_comment(LABEL, b"UNICODE\x00", "utf-16-le" if order == "<" else "utf-16-be"))
        ),
        "tiff/exif-usercomment",
    )


def test_a_tiff_written_by_pillow_with_an_xmp_tag_is_read() -> None:
    _one_ok(tiff.read(_encode("TIFF", tiffinfo={700: xmp.xmp_packet(LABEL)})), "tiff/xmp")


def test_gif_xmp_with_the_magic_trailer_and_without_it_is_read() -> None:
    for trailer in (True, False):
        data = _gif_xmp(xmp.xmp_packet(LABEL), trailer)
        _one_ok(gif.read(data), "gif/xmp")
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (24, 16)


def test_a_gif_comment_holding_the_label_is_found() -> None:
    _one_ok(gif.read(_encode("GIF", comment=LABEL.encode())), "gif/comment")


@pytest.mark.parametrize("fmt", ["gif", "tiff", "jpeg", "webp", "png"])
def test_xmp_written_by_exiftool_with_a_tc260_namespace_is_read(fmt: str, tmp_path: Path) -> None:
    if not EXIFTOOL.exists():
        pytest.skip("exiftool is not installed")
    config = tmp_path / "tc260.cfg"
    config.write_text(TC260_CONFIG)
    path = tmp_path / f"image.{fmt}"
    path.write_bytes(_encode(fmt.upper()))
    subprocess.run(
        [str(EXIFTOOL), "-config", str(config), "-overwrite_original", f"-XMP-TC260:AIGC={LABEL}", str(path)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    read = {"gif": gif.read, "tiff": tiff.read, "jpeg": jpeg.read, "webp": riff.read_webp, "png": png.read}[fmt]
    _one_ok(read(path.read_bytes()), f"{fmt}/xmp")


def test_a_wav_label_in_list_info_is_found_as_well_as_the_aigc_chunk() -> None:
    data = _riff(b"WAVE", *_split_riff(_wav()), _list(b"INFO", riff.chunk(b"AIGC", LABEL.encode() + b"\x00")))
    _one_ok(riff.read_wav(data), "wav/INFO-AIGC")


def _split_riff(data: bytes) -> list[bytes]:
    return [
        data[at : body + size + size % 2] for parents, _, at, body, size in riff._walk(data, data[8:12]) if not parents
    ]


def test_an_avi_label_in_list_info_is_found_and_movi_is_not_entered() -> None:
    _one_ok(
        riff.read_avi(_avi(riff.chunk(b"INAM", b"x\x00"), riff.chunk(b"AIGC", LABEL.encode() + b"\x00"))),
        "avi/INFO-AIGC",
    )


def test_xmp_labels_are_found_under_any_prefix_in_utf16_in_cdata_and_in_an_alt_list() -> None:
    ns = 'xmlns:aigc="http://www.tc260.org.cn/ns/AIGC/1.0/"'
    packets = [
        f"<rdf:Description {ns} aigc:AIGC='{html.escape(LABEL)}'/>",
        f"<rdf:Description {ns}><aigc:AIGC><![CDATA[{LABEL}]]></aigc:AIGC></rdf:Description>",
        f'<rdf:Description {ns}><aigc:AIGC><rdf:Alt><rdf:li xml:lang="x-default">{html.escape(LABEL)}</rdf:li>'
        "</rdf:Alt></aigc:AIGC></rdf:Description>",
    ]
    for packet in packets:
        _one_ok(xmp.find_labels(packet, "x/xmp"), "x/xmp")
        _one_ok(xmp.find_labels(packet.encode("utf-16-le"), "x/xmp"), "x/xmp")
        _one_ok(xmp.find_labels(packet.encode("utf-16"), "x/xmp"), "x/xmp")


def test_xmp_ignores_an_aigc_property_in_another_namespace_and_an_unbound_prefix() -> None:
    assert xmp.find_labels(f'<rdf:Description xmlns:TC260="http://example.com/" TC260:AIGC="{LABEL}"/>', "x") == []
    assert xmp.find_labels(f"<other:AIGC>{LABEL}</other:AIGC>", "x") == []


def test_the_xmp_packet_escapes_markup_in_the_value() -> None:
    packet = xmp.xmp_packet('{"a":"<&>"}').decode()
    assert "&lt;&amp;&gt;" in packet
    assert html.unescape(xmp.find_labels(packet, "x")[0].text) == '{"a":"<&>"}'


def test_misspelled_keys_are_found_but_fail_the_check() -> None:
    wrong = json.dumps(
        {
            "AIGC": {
                "Label": "1",
                "ContentProducer": "p",
                "ProduceID": "i",
                "ReserveCode1": "",
                "Propagator": "p",
                "PropatorID": "i",
                "ReservedCode2": "",
            }
        }
    )
    labels = png.read(_png_before_iend(_encode("PNG"), png.chunk(b"tEXt", b"AIGC\x00" + wrong.encode())))
    assert len(labels) == 1
    assert not check_label(labels[0]).ok


def test_a_label_longer_than_64_kib_is_ignored() -> None:
    huge = "AIGC" + "x" * (70 * 1024)
    assert png.read(_png_before_iend(_encode("PNG"), png.chunk(b"tEXt", b"AIGC\x00" + huge.encode()))) == []
    assert xmp.find_labels(_attribute_packet(huge), "x") == []
    assert riff.read_wav(_riff(b"WAVE", *_split_riff(_wav()), riff.chunk(b"AIGC", huge.encode()))) == []


def test_a_ztxt_bomb_is_inflated_no_further_than_the_cap() -> None:
    bomb = zlib.compress(b"{" + b" " * (64 * 1024 * 1024), 9)
    data = _png_before_iend(_encode("PNG"), png.chunk(b"zTXt", b"AIGC\x00\x00" + bomb))
    assert png.read(data) == []


# ---------------------------------------------------------------- hostile input


def _labelled_samples() -> dict[str, tuple[bytes, Reader]]:
    samples = {name: (spec[2](spec[0](), LABEL), spec[1]) for name, spec in WRITABLE.items()}
    samples["tiff"] = (_tiff(">", xmp.xmp_packet(LABEL), _user_comment(LABEL)), tiff.read)
    samples["gif"] = (_gif_xmp(xmp.xmp_packet(LABEL)), gif.read)
    samples["avi"] = (_avi(riff.chunk(b"AIGC", LABEL.encode())), riff.read_avi)
    return samples


SAMPLES = _labelled_samples()


def _list_or_carrier_error(read: Reader, data: bytes) -> list[RawLabel] | None:
    try:
        labels = read(data)
    except CarrierError:
        return None
    assert isinstance(labels, list)
    assert all(isinstance(label, RawLabel) and isinstance(label.text, str) for label in labels)
    return labels


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_every_truncation_of_a_labelled_file_gives_a_list_or_a_carrier_error(fmt: str) -> None:
    data, read = SAMPLES[fmt]
    errors = sum(_list_or_carrier_error(read, data[:cut]) is None for cut in range(len(data)))
    assert errors > 0


@pytest.mark.parametrize(
    ("read", "data"),
    [
        (png.read, png.SIGNATURE + struct.pack(">I", 0xFFFFFFFF) + b"tEXtAIGC\x00{}"),
        (png.read, png.SIGNATURE + struct.pack(">I", 0x7FFFFFFF) + b"tEXtAIGC\x00{}"),
        (riff.read_wav, _riff(b"WAVE", b"AIGC" + struct.pack("<I", 0xFFFFFFFF) + b"{}")),
        (riff.read_webp, _riff(b"WEBP", b"XMP " + struct.pack("<I", 0xFFFFFFFF) + b"<x/>")),
        (riff.read_avi, _riff(b"AVI ", b"LIST" + struct.pack("<I", 0xFFFFFFFF) + b"INFO")),
        (riff.read_avi, _riff(b"AVI ", _list(b"INFO", b"AIGC" + struct.pack("<I", 0xFFFFFFF0)))),
        (jpeg.read, b"\xff\xd8\xff\xe1\xff\xffhttp://ns.adobe.com/xap/1.0/\x00"),
        (jpeg.read, b"\xff\xd8\xff\xe1\x00\x01"),
        (tiff.read, b"II*\x00" + struct.pack("<IH", 8, 0xFFFF)),
        (tiff.read, b"II*\x00" + struct.pack("<I", 0xFFFFFFF0)),
        (gif.read, b"GIF89a" + bytes(7) + b"\x21\xfe\xff{}"),
    ],
)
def test_a_length_past_the_end_raises_a_carrier_error(read: Reader, data: bytes) -> None:
    with pytest.raises(CarrierError):
        read(data)


def test_an_ifd_loop_through_the_exif_pointer_raises_a_carrier_error() -> None:
    with pytest.raises(CarrierError, match="loop"):
        tiff.read(_tiff("<", comment=_user_comment(LABEL), exif_at_ifd0=True))


def test_an_ifd0_that_names_itself_as_the_next_ifd_is_read_once() -> None:
    data = bytearray(_tiff("<", xmp_packet=xmp.xmp_packet(LABEL)))
    count = struct.unpack_from("<H", data, 8)[0]
    struct.pack_into("<I", data, 8 + 2 + 12 * count, 8)
    _one_ok(tiff.read(bytes(data)), "tiff/xmp")


def test_a_jpeg_with_too_many_segments_is_refused() -> None:
    data = b"\xff\xd8" + b"\xff\xfe\x00\x02" * (jpeg.MAX_SEGMENTS + 1) + b"\xff\xd9"
    with pytest.raises(CarrierError, match="segments"):
        jpeg.read(data)


def test_riff_lists_nest_no_deeper_than_four() -> None:
    inner = riff.chunk(b"AIGC", LABEL.encode())
    for _ in range(6):
        inner = _list(b"INFO", inner)
    assert riff.read_avi(_riff(b"AVI ", inner)) == []


READERS: list[Reader] = [jpeg.read, png.read, riff.read_webp, riff.read_wav, riff.read_avi, tiff.read, gif.read]
PREFIXES = [
    b"\xff\xd8",
    png.SIGNATURE,
    b"RIFF\x00\x01\x00\x00WEBP",
    b"RIFF\x00\x01\x00\x00WAVE",
    b"RIFF\x00\x01\x00\x00AVI ",
    b"II*\x00\x08\x00\x00\x00",
    b"GIF89a",
]
FUZZ = settings(max_examples=150, deadline=timedelta(milliseconds=500), suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("read", READERS, ids=lambda r: f"{r.__module__.rsplit('.', 1)[1]}.{r.__name__}")
@FUZZ
@given(blob=st.binary(max_size=4096))
def test_random_bytes_give_a_list_or_a_carrier_error(read: Reader, blob: bytes) -> None:
    _list_or_carrier_error(read, blob)


@pytest.mark.parametrize(
    ("read", "prefix"), list(zip(READERS, PREFIXES, strict=True)), ids=lambda r: r.__name__ if callable(r) else ""
)
@FUZZ
@given(blob=st.binary(max_size=4096))
def test_random_bytes_after_a_valid_signature_give_a_list_or_a_carrier_error(
    read: Reader, prefix: bytes, blob: bytes
) -> None:
    _list_or_carrier_error(read, prefix + blob)


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
@FUZZ
@given(data=st.data())
def test_a_labelled_file_with_random_bytes_overwritten_gives_a_list_or_a_carrier_error(
    fmt: str, data: st.DataObject
) -> None:
    sample, read = SAMPLES[fmt]
    mutated = bytearray(sample)
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(mutated) - 1))
        mutated[at] = data.draw(st.sampled_from([0x00, 0xFF, 0x7F, 0x01, data.draw(st.integers(0, 255))]))
    _list_or_carrier_error(read, bytes(mutated))


@FUZZ
@given(text=st.text(max_size=2048))
def test_the_xmp_scan_takes_any_text(text: str) -> None:
    prefix = '<x xmlns:TC260="http://www.tc260.org.cn/ns/AIGC/1.0/">'
    for packet in (text, prefix + text, prefix + "<TC260:AIGC>" + text, prefix + 'TC260:AIGC="' + text):
        assert isinstance(xmp.find_labels(packet, "x"), list)
        assert isinstance(xmp.find_labels(packet.encode("utf-8", "surrogatepass"), "x"), list)
