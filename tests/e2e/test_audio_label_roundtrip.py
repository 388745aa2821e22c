"""`redline label add` on MP3, FLAC, Ogg Vorbis and Opus, read back by three independent readers.

A provider labels its audio with redline; a regulator's tool may be redline's probe, a mutagen script or exiftool.
All three must find the one label the CLI wrote, in the carrier the TC260 audio practice names (ID3v2 `TXXX` with
description `AIGC`; Vorbis comment `AIGC=`), and the tags the file already had must still be there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import mutagen
import pytest

from redline.probes.aigc import id3, vorbis
from redline.probes.aigc.label import check_label

REDLINE = Path(sys.executable).with_name("redline")
EXIFTOOL, FFMPEG = shutil.which("exiftool"), shutil.which("ffmpeg")
FIELDS = {
    "Label": "2",
    "ContentProducer": "91110000MA01ABCD2X",
    "ProduceID": "song-0042",
    "ReservedCode1": "",
    "ContentPropagator": "91110000MA01ABCD2X",
    "PropagateID": "song-0042",
    "ReservedCode2": "",
}
LABEL = json.dumps({"AIGC": FIELDS}, separators=(",", ":"))
SINE = ["-f", "lavfi", "-i", "sine=frequency=330:duration=0.3"]

# name -> (suffix, ffmpeg muxer options, redline reader, carrier, exiftool -G1 key)
CASES: dict[str, tuple[str, list[str], Any, str, str]] = {
    "mp3-id3v24": (".mp3", [], id3.read, "mp3/TXXX", "ID3v2_4:UserDefinedText"),
    "mp3-id3v23-with-id3v1": (
        ".mp3",
        ["-id3v2_version", "3", "-write_id3v1", "1"],
        id3.read,
        "mp3/TXXX",
        "ID3v2_3:UserDefinedText",
    ),
    "mp3-untagged": (".mp3", ["-write_id3v2", "0"], id3.read, "mp3/TXXX", "ID3v2_4:UserDefinedText"),
    "flac": (".flac", [], vorbis.read_flac, "flac/vorbis-comment", "Vorbis:Aigc"),
    "ogg-vorbis": (".ogg", [], vorbis.read_ogg, "ogg/vorbis-comment", "Vorbis:Aigc"),
    "opus": (".opus", [], vorbis.read_ogg, "ogg/vorbis-comment", "Vorbis:Aigc"),
}


def _labelled(name: str, folder: Path) -> tuple[Path, Path]:
    """(the ffmpeg original with a title tag, the copy `redline label add` wrote)."""
    if not FFMPEG:
        pytest.skip("ffmpeg is not installed")
    suffix, extra, *_ = CASES[name]
    source, target = folder / f"source{suffix}", folder / f"labelled{suffix}"
    title = [] if name == "mp3-untagged" else ["-metadata", "title=Rain"]
    subprocess.run([FFMPEG, "-v", "error", "-y", *SINE, *title, *extra, str(source)], check=True, timeout=60)
    done = subprocess.run(
        [
            str(REDLINE),
            "label",
            "add",
            str(source),
            "--label",
            FIELDS["Label"],
            "--producer",
            FIELDS["ContentProducer"],
            "--produce-id",
            FIELDS["ProduceID"],
            "-o",
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "150"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return source, target


@pytest.mark.parametrize("name", CASES)
def test_redline_reads_back_the_one_label_the_cli_wrote(name: str, tmp_path: Path) -> None:
    _, target = _labelled(name, tmp_path)
    labels = CASES[name][2](target.read_bytes())
    assert [label.carrier for label in labels] == [CASES[name][3]]
    checked = check_label(labels[0])
    assert checked.ok and checked.fields == FIELDS


@pytest.mark.parametrize("name", CASES)
def test_mutagen_reads_the_label_and_the_title_the_file_already_had(name: str, tmp_path: Path) -> None:
    source, target = _labelled(name, tmp_path)
    audio = mutagen.File(target)
    assert audio is not None and audio.tags is not None
    if name.startswith("mp3"):
        assert [frame.text for frame in audio.tags.getall("TXXX:AIGC")] == [[LABEL]]
        titles = [str(t) for frame in audio.tags.getall("TIT2") for t in frame.text]
    else:
        assert audio.tags["aigc"] == [LABEL]
        titles = audio.tags.get("title", [])
    assert titles == ([] if name == "mp3-untagged" else ["Rain"])
    assert mutagen.File(source).info.length == pytest.approx(audio.info.length)


@pytest.mark.parametrize("name", CASES)
def test_exiftool_reads_the_label_without_a_warning(name: str, tmp_path: Path) -> None:
    if not EXIFTOOL:
        pytest.skip("exiftool is not installed")
    _, target = _labelled(name, tmp_path)
    shown = subprocess.run(
        [EXIFTOOL, "-j", "-G1", "-a", "-u", str(target)], capture_output=True, check=True, timeout=60
    ).stdout
    tags: dict[str, Any] = json.loads(shown)[0]
    assert not any(key.endswith(":Warning") for key in tags), tags
    assert json.loads(str(tags[CASES[name][4]]).removeprefix("(AIGC) ")) == {"AIGC": FIELDS}


def test_an_id3v1_tag_at_the_end_is_kept_byte_for_byte(tmp_path: Path) -> None:
    source, target = _labelled("mp3-id3v23-with-id3v1", tmp_path)
    before, after = source.read_bytes(), target.read_bytes()
    assert before[-128:].startswith(b"TAG") and after[-128:] == before[-128:]
    assert after[3] == 3  # an ID3v2.3 tag stays v2.3 for players that know no v2.4
