"""Carrier readers and writers for MP4/MOV/M4A/HEIF/AVIF, Matroska/WebM, MP3, FLAC and Ogg (GB 45438-2025 labels).

Fixtures come from Debian's ffmpeg, which also writes labels the way real generators do (`-metadata AIGC=…`);
exiftool and mutagen are independent readers of what our writers produce.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import shutil
import struct
import subprocess
import zlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redline.probes.aigc import audio_tags, bmff, bmff_write, carriers, id3, mkv, vorbis, xmp
from redline.probes.aigc.carriers import CarrierError
from redline.probes.aigc.label import RawLabel, check_label, label_json
from tests.conftest import TC260_CONFIG

LABEL = label_json("1", "001191110102MACQD9K64010000", "abc123")
FIELDS = json.loads(LABEL)["AIGC"]
FFMPEG = Path("/usr/bin/ffmpeg")
FFPROBE = Path("/usr/bin/ffprobe")
EXIFTOOL = Path("/usr/bin/exiftool")
Reader = Callable[[carriers.Buffer], list[RawLabel]]
Writer = Callable[[bytes, str], bytes]
SINE = ["-f", "lavfi", "-i", "sine=frequency=440:duration=0.2"]
TESTSRC = ["-f", "lavfi", "-i", "testsrc=size=64x64:rate=5:duration=0.4", "-pix_fmt", "yuv420p"]

# name -> (ffmpeg source options, file suffix, extra muxer options, reader, writer, carrier, exiftool key)
FORMATS: dict[str, tuple[list[str], str, list[str], Reader, Writer | None, str, str | None]] = {
    "mp3": (SINE, ".mp3", [], id3.read, audio_tags.write_mp3, "mp3/TXXX", "ID3v2_4:UserDefinedText"),
    "flac": (SINE, ".flac", [], vorbis.read_flac, audio_tags.write_flac, "flac/vorbis-comment", "Vorbis:Aigc"),
    "ogg-vorbis": (SINE, ".ogg", [], vorbis.read_ogg, audio_tags.write_ogg, "ogg/vorbis-comment", "Vorbis:Aigc"),
    "ogg-opus": (SINE, ".opus", [], vorbis.read_ogg, audio_tags.write_ogg, "ogg/vorbis-comment", "Vorbis:Aigc"),
    "m4a": (SINE, ".m4a", [], bmff.read, bmff_write.write, "mp4/udta-meta-keys", "Keys:AIGC"),
    "mp4": (TESTSRC, ".mp4", [], bmff.read, bmff_write.write, "mp4/udta-meta-keys", "Keys:AIGC"),
    "mp4-faststart": (
        TESTSRC,
        ".mp4",
        ["-movflags", "+faststart"],
        bmff.read,
        bmff_write.write,
        "mp4/udta-meta-keys",
        "Keys:AIGC",
    ),
    "mp4-fragmented": (
        TESTSRC,
        ".mp4",
        ["-movflags", "+frag_keyframe+empty_moov"],
        bmff.read,
        bmff_write.write,
        "mp4/udta-meta-keys",
        "Keys:AIGC",
    ),
    "mov": (TESTSRC, ".mov", [], bmff.read, bmff_write.write, "mp4/udta-meta-keys", "Keys:AIGC"),
    "mkv": (TESTSRC, ".mkv", [], mkv.read, None, "mkv/SimpleTag", None),
    "webm": (TESTSRC, ".webm", [], mkv.read, None, "mkv/SimpleTag", None),
}
WRITABLE = [name for name, spec in FORMATS.items() if spec[4] is not None]


def _run(*args: str | Path) -> bytes:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, timeout=60).stdout


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """For each format: `name` (unlabelled) and `name+label` (labelled by ffmpeg), made once per module."""
    if not FFMPEG.exists():
        pytest.skip("ffmpeg is not installed")
    folder = tmp_path_factory.mktemp("av")
    files: dict[str, Path] = {}
    for name, (source, suffix, extra, *_) in FORMATS.items():
        plain, labelled = folder / f"{name}{suffix}", folder / f"{name}-labelled{suffix}"
        _run(FFMPEG, "-v", "error", "-y", *source, *extra, plain)
        mp4 = (
            ["-movflags", "use_metadata_tags" + ("+" + extra[1].lstrip("+") if extra else "")]
            if suffix in (".mp4", ".mov", ".m4a")
            else []
        )
        _run(
            FFMPEG,
            "-v",
            "error",
            "-y",
            "-i",
            plain,
            "-map",
            "0",
            "-c",
            "copy",
            "-metadata",
            f"AIGC={LABEL}",
            *mp4,
            labelled,
        )
        files[name], files[name + "+label"] = plain, labelled
    return files


def _md5(path: Path) -> bytes:
    return _run(FFMPEG, "-v", "error", "-i", path, "-map", "0", "-f", "md5", "-")


def _frames(path: Path) -> bytes:
    return _run(FFPROBE, "-v", "error", "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv", path)


def _exiftool(path: Path, *options: str) -> dict[str, Any]:
    if not EXIFTOOL.exists():
        pytest.skip("exiftool is not installed")
    result: dict[str, Any] = json.loads(_run(EXIFTOOL, "-j", "-G1", "-a", "-u", *options, path))[0]
    return result


def _only_valid_label(labels: list[RawLabel], carrier: str) -> None:
    assert [label.carrier for label in labels] == [carrier]
    checked = check_label(labels[0])
    assert checked.ok, checked.problems
    assert checked.fields == FIELDS


# ---------------------------------------------------------------- every format, from ffmpeg


@pytest.mark.parametrize("name", FORMATS)
def test_an_unlabelled_file_has_no_label(name: str, media: dict[str, Path]) -> None:
    assert FORMATS[name][3](media[name].read_bytes()) == []


@pytest.mark.parametrize("name", FORMATS)
def test_a_label_written_by_ffmpeg_is_found_once_and_passes_the_check(name: str, media: dict[str, Path]) -> None:
    _only_valid_label(FORMATS[name][3](media[name + "+label"].read_bytes()), FORMATS[name][5])


@pytest.mark.parametrize("name", FORMATS)
def test_the_reader_works_on_a_memory_map_as_the_probe_passes_it(name: str, media: dict[str, Path]) -> None:
    with media[name + "+label"].open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        _only_valid_label(FORMATS[name][3](data), FORMATS[name][5])


@pytest.mark.parametrize("name", FORMATS)
def test_the_registry_detects_the_format_and_names_this_reader(name: str, media: dict[str, Path]) -> None:
    kind = carriers.detect(media[name].read_bytes()[:4096])
    assert kind is not None
    assert carriers.reader(kind) is FORMATS[name][3]


@pytest.mark.parametrize("name", WRITABLE)
@pytest.mark.parametrize("source", ["plain", "labelled"])
def test_the_writer_leaves_one_valid_label_and_the_media_unchanged(
    name: str, source: str, media: dict[str, Path], tmp_path: Path
) -> None:
    original = media[name if source == "plain" else name + "+label"]
    written = FORMATS[name][4](original.read_bytes(), LABEL)  # type: ignore[misc]
    path = tmp_path / original.name
    path.write_bytes(written)
    _only_valid_label(FORMATS[name][3](written), FORMATS[name][5])
    assert _md5(path) == _md5(original)
    if FORMATS[name][1] in (".mp4", ".mov", ".m4a"):
        assert _frames(path) == _frames(original)


@pytest.mark.parametrize("name", WRITABLE)
def test_writing_twice_replaces_the_label_instead_of_adding_a_second(name: str, media: dict[str, Path]) -> None:
    writer = FORMATS[name][4]
    assert writer is not None
    once = writer(media[name].read_bytes(), label_json("2", "001191110102MACQD9K64010000", "old"))
    twice = writer(once, LABEL)
    _only_valid_label(FORMATS[name][3](twice), FORMATS[name][5])


@pytest.mark.parametrize("name", WRITABLE)
def test_exiftool_reads_the_label_the_writer_added(name: str, media: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / media[name].name
    path.write_bytes(FORMATS[name][4](media[name].read_bytes(), LABEL))  # type: ignore[misc]
    tags = _exiftool(path)
    assert not any(key.endswith(":Warning") for key in tags), tags
    value = tags[str(FORMATS[name][6])]
    assert json.loads(value.removeprefix("(AIGC) ")) == {"AIGC": FIELDS}


# ---------------------------------------------------------------- ISO BMFF


def _box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def _full(kind: bytes, version: int, *payload: bytes) -> bytes:
    return _box(kind, bytes((version, 0, 0, 0)), *payload)


def _keys_meta(value: bytes, iso: bool, *, handler: bytes = b"mdta", key: bytes = b"AIGC") -> bytes:
    """A keyed meta box as Doubao writes it under moov: with (ISO) or without (QuickTime) version/flags."""
    hdlr = _full(b"hdlr", 0, bytes(4), handler, bytes(13))
    keys = _full(
        b"keys",
        0,
        struct.pack(">I", 2),
        struct.pack(">I4s", 13, b"mdta") + b"title",
        struct.pack(">I4s", 8 + len(key), b"mdta") + key,
    )
    ilst = _box(
        b"ilst",
        _box(struct.pack(">I", 1), _box(b"data", struct.pack(">II", 1, 0), b"a title")),
        _box(struct.pack(">I", 2), _box(b"data", struct.pack(">II", 1, 0), value)),
    )
    return _box(b"meta", bytes(4) if iso else b"", hdlr, keys, ilst)


def _mp4(*moov_children: bytes, top: tuple[bytes, ...] = ()) -> bytes:
    return _box(b"ftyp", b"isom", bytes(4), b"isomiso2") + _box(b"moov", *moov_children) + b"".join(top)


@pytest.mark.parametrize("iso", [True, False], ids=["iso-full-box", "quicktime"])
def test_a_keyed_meta_directly_under_moov_is_read_in_either_form(iso: bool, tmp_path: Path) -> None:
    data = _mp4(_keys_meta(LABEL.encode(), iso), top=(_box(b"mdat", b"\x00" * 8),))
    _only_valid_label(bmff.read(data), "mp4/moov-meta-keys")
    if not iso:  # exiftool 12.57 reads a direct moov/meta only in the QuickTime form
        path = tmp_path / "doubao.mp4"
        path.write_bytes(data)
        assert json.loads(_exiftool(path)["Keys:AIGC"]) == {"AIGC": FIELDS}


def test_keys_under_another_handler_or_another_name_are_not_labels() -> None:
    assert bmff.read(_mp4(_box(b"udta", _keys_meta(LABEL.encode(), True, handler=b"mdir")))) == []
    assert bmff.read(_mp4(_box(b"udta", _keys_meta(LABEL.encode(), True, key=b"AIGCX")))) == []


def test_a_utf16_data_value_is_decoded() -> None:
    hdlr = _full(b"hdlr", 0, bytes(4), b"mdta", bytes(13))
    keys = _full(b"keys", 0, struct.pack(">I", 1), struct.pack(">I4s", 12, b"mdta") + b"AIGC")
    value = _box(b"data", struct.pack(">II", 2, 0), LABEL.encode("utf-16-be"))
    meta = _box(b"meta", bytes(4), hdlr, keys, _box(b"ilst", _box(struct.pack(">I", 1), value)))
    _only_valid_label(bmff.read(_mp4(_box(b"udta", meta))), "mp4/udta-meta-keys")


@pytest.mark.parametrize("where", ["top", "moov"])
def test_an_xmp_uuid_box_is_read_at_the_top_level_or_in_moov(where: str) -> None:
    uuid = _box(b"uuid", bmff.XMP_UUID, xmp.xmp_packet(LABEL))
    data = _mp4(uuid) if where == "moov" else _mp4(top=(uuid,))
    _only_valid_label(bmff.read(data), "mp4/xmp-uuid")


def test_a_uuid_box_of_another_kind_is_ignored() -> None:
    assert bmff.read(_mp4(top=(_box(b"uuid", bytes(16), xmp.xmp_packet(LABEL)),))) == []


def _heif(packet: bytes, version: int, size: int = 4, method: int = 0, split: bool = False, shift: int = 0) -> bytes:
    """A HEIF skeleton with an XMP `mime` item in mdat, located by an iloc of the given version and field size."""
    infe = _full(b"infe", 2, struct.pack(">HH", 7, 0), b"mime", b"XMP\0", b"application/rdf+xml\0")
    iinf = _full(b"iinf", 0, struct.pack(">H", 1), infe)
    ftyp = _box(b"ftyp", b"avif", bytes(4), b"avifmif1")
    half = len(packet) // 2
    parts = [(0, half), (half, len(packet) - half)] if split else [(0, len(packet))]

    def iloc(start: int) -> bytes:
        body = struct.pack(">H", (size << 12) | (size << 8) | (size << 4))
        body += struct.pack(">I" if version == 2 else ">H", 1) + struct.pack(">I" if version == 2 else ">H", 7)
        body += struct.pack(">H", method) if version else b""
        body += struct.pack(">H", 0) + start.to_bytes(size, "big") + struct.pack(">H", len(parts))
        body += b"".join(offset.to_bytes(size, "big") + length.to_bytes(size, "big") for offset, length in parts)
        return _full(b"iloc", version, body)

    head = len(ftyp) + len(_full(b"meta", 0, iloc(0), iinf)) + 8
    return ftyp + _full(b"meta", 0, iloc(head + shift), iinf) + _box(b"mdat", packet)


@pytest.mark.parametrize(("version", "size", "split"), [(0, 4, False), (1, 8, True), (2, 4, True), (2, 8, False)])
def test_the_heif_xmp_item_is_found_through_iloc(version: int, size: int, split: bool) -> None:
    _only_valid_label(bmff.read(_heif(xmp.xmp_packet(LABEL), version, size, split=split)), "heif/xmp")


def test_a_heif_item_stored_in_idat_is_not_followed() -> None:
    assert bmff.read(_heif(xmp.xmp_packet(LABEL), 1, method=1)) == []


def test_a_heif_item_extent_outside_the_file_is_refused() -> None:
    with pytest.raises(CarrierError):
        bmff.read(_heif(xmp.xmp_packet(LABEL), 0, shift=10_000))


@pytest.mark.parametrize(("name", "carrier"), [("mp4", "mp4/xmp-uuid"), ("mov", "mov/udta-xmp")])
def test_xmp_written_by_exiftool_into_a_movie_is_read(
    name: str, carrier: str, media: dict[str, Path], tmp_path: Path
) -> None:
    path = _exiftool_xmp(media[name], tmp_path)
    _only_valid_label(bmff.read(path.read_bytes()), carrier)


def test_xmp_written_by_exiftool_into_an_avif_image_is_read(tmp_path: Path) -> None:
    if not FFMPEG.exists():
        pytest.skip("ffmpeg is not installed")
    image = tmp_path / "still.avif"
    try:
        _run(
            FFMPEG, "-v", "error", "-y", *TESTSRC, "-frames:v", "1", "-c:v", "libaom-av1", "-still-picture", "1", image
        )
    except subprocess.CalledProcessError:
        pytest.skip("this ffmpeg cannot write AVIF")
    assert carriers.detect(image.read_bytes()[:64]) == "avif"
    assert bmff.read(image.read_bytes()) == []
    _only_valid_label(bmff.read(_exiftool_xmp(image, tmp_path).read_bytes()), "heif/xmp")


def _exiftool_xmp(source: Path, folder: Path) -> Path:
    if not EXIFTOOL.exists():
        pytest.skip("exiftool is not installed")
    config, path = folder / "tc260.cfg", folder / ("xmp-" + source.name)
    config.write_text(TC260_CONFIG)
    shutil.copy(source, path)
    _run(EXIFTOOL, "-config", config, "-overwrite_original", f"-XMP-TC260:AIGC={LABEL}", path)
    return path


def test_the_writer_adds_its_key_to_the_keys_ffmpeg_already_wrote(media: dict[str, Path], tmp_path: Path) -> None:
    source = tmp_path / "keys.mp4"
    _run(
        FFMPEG,
        "-v",
        "error",
        "-y",
        "-i",
        media["mp4"],
        "-c",
        "copy",
        "-metadata",
        "title=kept",
        "-movflags",
        "use_metadata_tags",
        source,
    )
    path = tmp_path / "written.mp4"
    path.write_bytes(bmff_write.write(source.read_bytes(), LABEL))
    _only_valid_label(bmff.read(path.read_bytes()), "mp4/udta-meta-keys")
    tags = _exiftool(path)
    assert tags["Keys:Title"] == "kept"
    assert json.loads(tags["Keys:AIGC"]) == {"AIGC": FIELDS}
    assert _md5(path) == _md5(source)


def test_ffmpeg_reads_the_label_beside_an_itunes_style_meta(media: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "beside.mp4"
    path.write_bytes(bmff_write.write(media["mp4"].read_bytes(), LABEL))
    tags = json.loads(_run(FFPROBE, "-v", "error", "-show_entries", "format_tags", "-of", "json", path))
    assert json.loads(tags["format"]["tags"]["AIGC"]) == {"AIGC": FIELDS}
    assert tags["format"]["tags"]["encoder"].startswith("Lavf")


def test_the_faststart_writer_moves_every_chunk_offset_by_the_bytes_inserted(media: dict[str, Path]) -> None:
    before = media["mp4-faststart"].read_bytes()
    after = bmff_write.write(before, LABEL)
    grown = len(after) - len(before)
    assert grown > 0
    assert after.index(b"mdat") - before.index(b"mdat") == grown
    old, new = before.index(b"stco"), after.index(b"stco")
    count = struct.unpack_from(">I", before, old + 8)[0]
    assert [v + grown for v in struct.unpack_from(f">{count}I", before, old + 12)] == list(
        struct.unpack_from(f">{count}I", after, new + 12)
    )


def _tiny_faststart(offset: int, table: bytes = b"stco") -> bytes:
    width = 4 if table == b"stco" else 8
    stbl = _box(b"stbl", _full(table, 0, struct.pack(">I", 1), offset.to_bytes(width, "big")))
    moov = _box(b"trak", _box(b"mdia", _box(b"minf", stbl)))
    return _mp4(moov, top=(_box(b"mdat", bytes(16)),))


def test_a_32_bit_chunk_offset_that_would_overflow_is_refused() -> None:
    with pytest.raises(CarrierError, match="co64"):
        bmff_write.write(_tiny_faststart(0xFFFFFFF0), LABEL)


def test_a_64_bit_chunk_offset_is_moved_past_4_gib() -> None:
    after = bmff_write.write(_tiny_faststart(0xFFFFFFF0, b"co64"), LABEL)
    at = after.index(b"co64") + 12
    assert int.from_bytes(after[at : at + 8], "big") > 0xFFFFFFFF


def test_a_64_bit_moov_header_is_grown_in_its_64_bit_field(media: dict[str, Path], tmp_path: Path) -> None:
    data = media["mp4"].read_bytes()  # mdat first, moov last: no chunk offset moves
    at = data.index(b"moov") - 4
    size = struct.unpack_from(">I", data, at)[0]
    large = data[:at] + struct.pack(">I4sQ", 1, b"moov", size + 8) + data[at + 8 :]
    path = tmp_path / "large.mp4"
    path.write_bytes(bmff_write.write(large, LABEL))
    _only_valid_label(bmff.read(path.read_bytes()), "mp4/udta-meta-keys")
    assert _md5(path) == _md5(media["mp4"])


def test_the_writer_refuses_a_file_without_a_movie_box() -> None:
    with pytest.raises(CarrierError):
        bmff_write.write(_box(b"ftyp", b"isom", bytes(4)) + _box(b"mdat", bytes(8)), LABEL)


@pytest.mark.parametrize(
    "data",
    [
        _box(b"ftyp", b"isom") + struct.pack(">I4s", 0xFFFFFFFF, b"moov") + bytes(8),
        _box(b"ftyp", b"isom") + struct.pack(">I4sQ", 1, b"moov", 1 << 40) + bytes(8),
        _box(b"ftyp", b"isom") + struct.pack(">I4s", 4, b"moov"),
        _mp4(_box(b"udta", struct.pack(">I4s", 500, b"meta"))),
        _mp4(_box(b"udta", _box(b"meta", bytes(4), _full(b"keys", 0, struct.pack(">I", 10**9))))),
    ],
    ids=["size-0xffffffff", "64-bit-size-past-the-end", "size-below-header", "child-past-parent", "keys-count"],
)
def test_a_broken_box_structure_raises_a_carrier_error(data: bytes) -> None:
    with pytest.raises(CarrierError):
        bmff.read(data)


def test_deeply_nested_boxes_are_bounded() -> None:
    nested = b""
    for _ in range(200):
        nested = _box(b"udta", nested)
    assert bmff.read(_mp4(nested)) == []
    many = _box(b"free", b"") * (bmff.MAX_BOXES + 1)
    with pytest.raises(CarrierError, match="more than"):
        bmff.read(many)


# ---------------------------------------------------------------- Matroska


def _ebml(element: int, *payload: bytes) -> bytes:
    body = b"".join(payload)
    ident = element.to_bytes((element.bit_length() + 7) // 8, "big")
    return ident + b"\x01" + len(body).to_bytes(7, "big") + body


def _simple(name: str, value: str, *children: bytes) -> bytes:
    return _ebml(mkv.SIMPLE_TAG, _ebml(mkv.TAG_NAME, name.encode()), _ebml(mkv.TAG_STRING, value.encode()), *children)


def _matroska(*tags: bytes) -> bytes:
    return _ebml(mkv.EBML, _ebml(0x4282, b"matroska")) + _ebml(
        mkv.SEGMENT, _ebml(0x1549A966, b""), _ebml(mkv.TAGS, _ebml(mkv.TAG, *tags))
    )


def test_a_nested_simple_tag_is_read_and_the_name_is_case_insensitive() -> None:
    _only_valid_label(mkv.read(_matroska(_simple("TITLE", "x", _simple("aigc", LABEL)))), "mkv/SimpleTag")


def test_simple_tags_nested_deeper_than_the_limit_raise_a_carrier_error() -> None:
    tag = _simple("AIGC", LABEL)
    for _ in range(12):
        tag = _simple("X", "y", tag)
    with pytest.raises(CarrierError, match="deeper"):
        mkv.read(_matroska(tag))


def test_a_live_webm_with_clusters_of_unknown_size_is_read_to_its_end(media: dict[str, Path]) -> None:
    live = bytearray(_run(FFMPEG, "-v", "error", "-i", media["webm"], "-c", "copy", "-f", "webm", "-"))
    at = live.find(b"\x1f\x43\xb6\x75")
    assert at > 0
    while at > 0:  # mark every Cluster "size unknown", as a live encoder writes it
        size_at = at + 4
        length = 9 - live[size_at].bit_length()
        live[size_at : size_at + length] = bytes((0xFF >> (length - 1),)) + b"\xff" * (length - 1)
        at = live.find(b"\x1f\x43\xb6\x75", size_at)
    assert mkv.read(bytes(live)) == []
    trailer = _ebml(mkv.TAGS, _ebml(mkv.TAG, _simple("AIGC", LABEL)))
    _only_valid_label(mkv.read(bytes(live) + trailer), "mkv/SimpleTag")


@pytest.mark.parametrize(
    "data",
    [
        b"\x1a\x45\xdf\xa3\x00",
        _ebml(mkv.EBML) + b"\x18\x53\x80\x67\x88",
        _ebml(mkv.EBML) + b"\x18\x53\x80\x67\x01\x00\x00\x00\xff\x00\x00\x00",
        _ebml(mkv.EBML) + _ebml(mkv.SEGMENT, b"\x12\x54\xc3\x67\xff"),
    ],
    ids=["zero-length-size", "segment-past-the-end", "huge-size", "unknown-size-tags"],
)
def test_broken_ebml_raises_a_carrier_error(data: bytes) -> None:
    with pytest.raises(CarrierError):
        mkv.read(data)


# ---------------------------------------------------------------- MP3 / ID3


def _synchsafe(value: int) -> bytes:
    """ID3v2.4 sizes: 28 bits, seven to a byte (ID3v2.4 main structure §6.2)."""
    return bytes((value >> shift) & 0x7F for shift in (21, 14, 7, 0))


def _id3(major: int, *frames: bytes, flags: int = 0, padding: int = 0) -> bytes:
    body = b"".join(frames) + bytes(padding)
    return b"ID3" + bytes((major, 0, flags)) + _synchsafe(len(body)) + body + b"\xff\xfb\x90\x00" + bytes(64)


def _frame(major: int, frame_id: bytes, body: bytes, flags: int = 0) -> bytes:
    size = _synchsafe(len(body)) if major == 4 else struct.pack(">I", len(body))
    return frame_id + size + struct.pack(">H", flags) + body


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        (0, b"AIGC\0" + LABEL.encode("latin-1")),
        (1, "AIGC".encode("utf-16") + b"\0\0" + LABEL.encode("utf-16")),
        (2, "AIGC".encode("utf-16-be") + b"\0\0" + LABEL.encode("utf-16-be") + b"\0\0"),
        (3, b"AIGC\0" + LABEL.encode() + b"\0"),
    ],
)
def test_every_id3_text_encoding_is_decoded(encoding: int, body: bytes) -> None:
    _only_valid_label(id3.read(_id3(4, _frame(4, b"TXXX", bytes((encoding,)) + body), padding=32)), "mp3/TXXX")


def test_an_id3v23_frame_compressed_with_zlib_is_read() -> None:
    body = b"\x00AIGC\0" + LABEL.encode()
    frame = _frame(3, b"TXXX", struct.pack(">I", len(body)) + zlib.compress(body), flags=0x0080)
    _only_valid_label(id3.read(_id3(3, frame)), "mp3/TXXX")


def test_an_id3v24_frame_with_unsynchronisation_and_a_data_length_is_read() -> None:
    body = b"\x03AIGC\0" + LABEL.encode()
    frame = _frame(4, b"TXXX", _synchsafe(len(body)) + body.replace(b"\xff", b"\xff\x00"), flags=0x0003)
    _only_valid_label(id3.read(_id3(4, _frame(4, b"TIT2", b"\x03t"), frame)), "mp3/TXXX")


def test_an_id3v22_tag_is_skipped_and_cannot_be_written() -> None:
    data = _id3(2, b"TXX" + (20).to_bytes(3, "big") + b"\x00AIGC\0" + bytes(14))
    assert id3.read(data) == []
    with pytest.raises(CarrierError):
        audio_tags.write_mp3(data, LABEL)


def test_an_mp3_without_a_tag_gets_an_id3v24_tag_in_front(media: dict[str, Path], tmp_path: Path) -> None:
    data = media["mp3"].read_bytes()
    bare = data[10 + id3._synchsafe(data[6:10]) :]
    assert id3.read(bare) == []
    written = audio_tags.write_mp3(bare, LABEL)
    assert written.startswith(b"ID3\x04") and written.endswith(bare)
    mutagen_id3 = pytest.importorskip("mutagen.id3")
    path = tmp_path / "bare.mp3"
    path.write_bytes(written)
    assert [frame.text for frame in mutagen_id3.ID3(path).getall("TXXX:AIGC")] == [[LABEL]]


def test_an_id3v23_tag_stays_version_23_and_mutagen_reads_the_frame(media: dict[str, Path], tmp_path: Path) -> None:
    source = tmp_path / "v23.mp3"
    _run(FFMPEG, "-v", "error", "-y", "-i", media["mp3"], "-c", "copy", "-id3v2_version", "3", source)
    path = tmp_path / "written.mp3"
    path.write_bytes(audio_tags.write_mp3(source.read_bytes(), LABEL))
    assert path.read_bytes()[3] == 3
    _only_valid_label(id3.read(path.read_bytes()), "mp3/TXXX")
    mutagen_id3 = pytest.importorskip("mutagen.id3")
    assert [frame.text for frame in mutagen_id3.ID3(path).getall("TXXX:AIGC")] == [[LABEL]]
    assert _exiftool(path)["ID3v2_3:UserDefinedText"] == f"(AIGC) {LABEL}"
    assert _md5(path) == _md5(source)


@pytest.mark.parametrize(
    "data",
    [
        b"ID3\x04\x00\x00\x00\x00\x7f\x7f" + bytes(10),
        b"ID3\x04\x00\x00\x80\x00\x00\x00" + bytes(10),
        b"ID3\x09\x00\x00\x00\x00\x00\x0a" + bytes(10),
        _id3(4, b"TXXX" + _synchsafe(5000) + b"\0\0\x03AIGC\0"),
    ],
    ids=["size-past-the-end", "not-synchsafe", "unknown-version", "frame-past-the-tag"],
)
def test_a_broken_id3_tag_raises_a_carrier_error(data: bytes) -> None:
    with pytest.raises(CarrierError):
        id3.read(data)


# ---------------------------------------------------------------- FLAC and Ogg


def _flac_blocks(data: bytes) -> list[tuple[int, bytes]]:
    pos, blocks = 4, []
    while True:
        header, length = data[pos], int.from_bytes(data[pos + 1 : pos + 4], "big")
        blocks.append((header & 0x7F, data[pos + 4 : pos + 4 + length]))
        pos += 4 + length
        if header & 0x80:
            return blocks


def _audio(data: bytes) -> bytes:
    return data[4 + sum(4 + len(raw) for _, raw in _flac_blocks(data)) :]


def test_the_flac_writer_keeps_the_audio_frames_byte_for_byte(media: dict[str, Path]) -> None:
    for source in (media["flac"], media["flac+label"]):
        before = source.read_bytes()
        after = audio_tags.write_flac(before, LABEL)
        assert _audio(after) == _audio(before)
        assert [kind for kind, _ in _flac_blocks(after)] == [kind for kind, _ in _flac_blocks(before)]


def test_the_flac_writer_creates_a_comment_block_when_there_is_none(media: dict[str, Path], tmp_path: Path) -> None:
    data = media["flac"].read_bytes()
    blocks = [(kind, raw) for kind, raw in _flac_blocks(data) if kind != vorbis.VORBIS_COMMENT]
    bare = (
        b"fLaC"
        + b"".join(
            bytes((kind | (0x80 if i == len(blocks) - 1 else 0),)) + len(raw).to_bytes(3, "big") + raw
            for i, (kind, raw) in enumerate(blocks)
        )
        + _audio(data)
    )
    assert vorbis.read_flac(bare) == []
    path = tmp_path / "created.flac"
    path.write_bytes(audio_tags.write_flac(bare, LABEL))
    _only_valid_label(vorbis.read_flac(path.read_bytes()), "flac/vorbis-comment")
    assert _audio(path.read_bytes()) == _audio(bare)
    mutagen_flac = pytest.importorskip("mutagen.flac")
    assert mutagen_flac.FLAC(path)["aigc"] == [LABEL]


def test_a_flac_comment_with_another_name_is_not_a_label() -> None:
    block = _comment_list(b"v", [b"AIGCX=" + LABEL.encode(), b"TITLE=AIGC"])
    data = b"fLaC" + b"\x00" + (34).to_bytes(3, "big") + bytes(34) + b"\x84" + len(block).to_bytes(3, "big") + block
    assert vorbis.read_flac(data) == []


def _ogg(*packets: bytes) -> bytes:
    """Ogg pages (CRC left zero: the reader does not check it) holding the packets of one stream."""
    out, seq = b"", 0
    for number, packet in enumerate(packets):
        lacing = [255] * (len(packet) // 255) + [len(packet) % 255]
        offset, first = 0, True
        while lacing:
            segments, lacing = lacing[:255], lacing[255:]
            kind = (0 if first else 1) | (2 if number == 0 and first else 0)
            out += b"OggS" + bytes((0, kind)) + struct.pack("<qIII", 0, 1, seq, 0) + bytes((len(segments),))
            out += bytes(segments) + packet[offset : offset + sum(segments)]
            offset, first, seq = offset + sum(segments), False, seq + 1
    return out


def _comment_list(vendor: bytes, entries: list[bytes]) -> bytes:
    """A Vorbis comment structure: vendor and entries, each prefixed by its 32-bit little-endian length."""
    out = struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", len(entries))
    return out + b"".join(struct.pack("<I", len(e)) + e for e in entries)


def _vorbis_comments(*entries: bytes) -> bytes:
    return b"\x03vorbis" + _comment_list(b"test", list(entries)) + b"\x01"


def test_an_ogg_comment_header_spanning_pages_is_reassembled() -> None:
    comments = _vorbis_comments(b"TITLE=" + b"t" * 30_000, b"aigc=" + LABEL.encode())
    _only_valid_label(vorbis.read_ogg(_ogg(b"\x01vorbis" + bytes(23), comments, b"\x05vorbis")), "ogg/vorbis-comment")


def test_an_ogg_comment_header_beyond_the_read_bound_gives_what_came_before_or_an_error() -> None:
    big = b"COVER=" + b"x" * 300_000
    first = _ogg(b"\x01vorbis" + bytes(23), _vorbis_comments(b"AIGC=" + LABEL.encode(), big))
    _only_valid_label(vorbis.read_ogg(first), "ogg/vorbis-comment")
    with pytest.raises(CarrierError, match="read bound"):
        vorbis.read_ogg(_ogg(b"\x01vorbis" + bytes(23), _vorbis_comments(big, b"AIGC=" + LABEL.encode())))


def test_broken_flac_and_ogg_raise_a_carrier_error() -> None:
    cases: list[tuple[Reader, bytes]] = [
        (vorbis.read_flac, b"fLaC\x84\x00\x10\x00"),
        (vorbis.read_flac, b"RIFF"),
        (vorbis.read_ogg, b"OggS\x01" + bytes(40)),
        (vorbis.read_ogg, b"OggS\x00" + bytes(22) + b"\xff"),
    ]
    for call, data in cases:
        with pytest.raises(CarrierError):
            call(data)


# ---------------------------------------------------------------- hostile input, every reader

READERS: list[Reader] = [bmff.read, mkv.read, id3.read, vorbis.read_flac, vorbis.read_ogg]
FUZZ = settings(
    max_examples=150, deadline=timedelta(milliseconds=500), suppress_health_check=[HealthCheck.function_scoped_fixture]
)
MAGIC = [
    b"",
    b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isommp41",
    b"\x1a\x45\xdf\xa3",
    b"ID3\x04\x00\x00",
    b"ID3\x03\x00\x00",
    b"fLaC",
    b"OggS\x00\x02",
]


def _list_or_carrier_error(read: Reader, data: bytes) -> None:
    try:
        result = read(data)
    except CarrierError:
        return
    assert isinstance(result, list)
    assert all(isinstance(label, RawLabel) for label in result)


@pytest.mark.parametrize("name", FORMATS)
def test_every_truncation_of_a_labelled_file_gives_a_list_or_a_carrier_error(name: str, media: dict[str, Path]) -> None:
    data = media[name + "+label"].read_bytes()
    for cut in sorted({*range(0, min(len(data), 600), 7), *range(0, len(data), max(1, len(data) // 50))}):
        _list_or_carrier_error(FORMATS[name][3], data[:cut])


@FUZZ
@given(blob=st.binary(max_size=4096), magic=st.sampled_from(MAGIC))
def test_random_bytes_give_every_reader_a_list_or_a_carrier_error(blob: bytes, magic: bytes) -> None:
    for read in READERS:
        _list_or_carrier_error(read, magic + blob)


@FUZZ
@given(data=st.data())
def test_corrupted_labelled_files_give_a_list_or_a_carrier_error(data: st.DataObject, media: dict[str, Path]) -> None:
    name = data.draw(st.sampled_from(sorted(FORMATS)))
    original = bytearray(media[name + "+label"].read_bytes()[:8192])
    for _ in range(data.draw(st.integers(1, 8))):
        original[data.draw(st.integers(0, len(original) - 1))] = data.draw(st.integers(0, 255))
    _list_or_carrier_error(FORMATS[name][3], bytes(original))


@FUZZ
@given(blob=st.binary(max_size=2048), magic=st.sampled_from(MAGIC))
def test_writers_given_random_bytes_return_bytes_or_raise_a_carrier_error(blob: bytes, magic: bytes) -> None:
    for write in (bmff_write.write, audio_tags.write_mp3, audio_tags.write_flac, audio_tags.write_ogg):
        with contextlib.suppress(CarrierError):
            assert isinstance(write(magic + blob, LABEL), bytes)
