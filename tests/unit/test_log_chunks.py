"""Generated logs, cut anywhere: the reader gives every line once and whole, and the compiled scanner and the
pure-Python path agree on what they count, wherever the chunk and range borders fall."""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from redline.probes.log_retention import native, probe, reader
from redline.probes.log_retention.probe import LogRetentionProbe

AUDIT = (
    "log_format audit '$remote_addr $remote_port $server_addr - $remote_user [$time_local] "
    '"$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"\';'
)
START = dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Field text as users and attackers write it: quotes, brackets, spaces, CJK, emoji, controls, invalid bytes.
field_text = st.text(st.sampled_from([*list('ab -"[]/:+0\t\r\x00'), "张", "三", "📱", "\u200b"]), max_size=12).map(
    lambda t: t.encode("utf-8")
)
raw_bytes = st.binary(max_size=40).filter(lambda b: b"\n" not in b)


@st.composite
def log_lines(draw: st.DrawFn) -> bytes:
    moment = START + dt.timedelta(seconds=draw(st.integers(-86400 * 3, 86400 * 400)))
    zone = draw(st.sampled_from(["+0800", "+0000", "-0530", "+9999"]))
    stamp = moment.strftime("%d/%b/%Y:%H:%M:%S ").encode() + zone.encode()
    if draw(st.booleans()):
        stamp = draw(st.sampled_from([b"31/Feb/2026:10:00:00 +0800", b"01/Foo/2026:00:00:00 +0800", stamp[:-1]]))
    fields = [draw(st.one_of(st.just(b"-"), st.just(b""), field_text)) for _ in range(7)]
    line = b'%s %s 10.0.0.1 - %s [%s] "%s" %s %s "%s" "%s"' % (
        fields[0] or b"1.2.3.4",
        fields[1],
        fields[2],
        stamp,
        fields[3],
        draw(st.sampled_from([b"200", b"404", b"2x0"])),
        fields[4],
        fields[5],
        fields[6],
    )
    return draw(st.one_of(st.just(line), st.just(line + b"\r"), raw_bytes, st.just(b""), st.just(b"  ")))


logs = st.lists(log_lines(), min_size=1, max_size=60).map(lambda lines: b"\n".join(lines))


def _check(path: Path, workers: int, pure: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("REDLINE_PURE_PYTHON", "1" if pure else "0")
    options = {"assessment_date": "2026-07-20", "format": "nginx", "log_format": AUDIT, "workers": workers}
    result = LogRetentionProbe().check_file(path, options)
    return repr((result.verdict, result.findings, result.details, LogRetentionProbe().summarise([result])))


needs_build = pytest.mark.skipif(not native.available(), reason="the C extension is not built")


@needs_build
@SETTINGS
@given(data=logs, chunk=st.integers(1, 400), workers=st.sampled_from([1, 2, 3]))
def test_the_c_scanner_and_the_pure_path_agree_on_generated_lines_cut_anywhere(
    data: bytes, chunk: int, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "CHUNK", chunk)
    monkeypatch.setattr(probe, "PARALLEL_MIN", 0)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "access.log"
        path.write_bytes(data)
        assert _check(path, workers, False, monkeypatch) == _check(path, workers, True, monkeypatch)


def _read(path: Path, start: int = 0, end: int | None = None) -> tuple[list[bytes], reader.ReadState]:
    state = reader.ReadState()
    return [bytes(chunk) for chunk in reader.chunks(path, state, start, end)], state


def _lines(data: bytes) -> list[bytes]:
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return lines


@SETTINGS
@given(
    lines=st.lists(st.binary(max_size=90).filter(lambda b: b"\n" not in b), min_size=1, max_size=40),
    final_newline=st.booleans(),
    chunk=st.integers(1, 64),
    max_line=st.integers(1, 70),
)
def test_the_reader_gives_every_line_once_in_whole_lines_and_counts_the_long_ones(
    lines: list[bytes], final_newline: bool, chunk: int, max_line: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "CHUNK", chunk)
    monkeypatch.setattr(reader, "MAX_LINE", max_line)
    data = b"\n".join(lines) + (b"\n" if final_newline else b"")
    assume(not data.startswith((reader.GZIP_MAGIC, reader.ZSTD_MAGIC)))  # a plain file, not a compressed one
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "access.log"
        path.write_bytes(data)
        chunks, state = _read(path)
    assert all(c.endswith(b"\n") for c in chunks[:-1])  # whole lines: no chunk ends inside one
    got, given_lines = _lines(b"".join(chunks)), _lines(data)
    at = dropped = 0
    for line in given_lines:  # in order; only lines longer than MAX_LINE may be left out, and each is counted
        if at < len(got) and got[at] == line:
            at += 1
        else:
            assert len(line) > max_line
            dropped += 1
    assert at == len(got)
    assert dropped == state.long_lines
    assert state.decoded_bytes == len(data)


@SETTINGS
@given(
    lines=st.lists(st.binary(min_size=0, max_size=50).filter(lambda b: b"\n" not in b), min_size=1, max_size=40),
    parts=st.integers(1, 6),
    chunk=st.integers(1, 64),
)
def test_ranges_cut_at_line_starts_cover_the_file_once(
    lines: list[bytes], parts: int, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reader, "CHUNK", chunk)
    data = b"\n".join(lines)
    assume(not data.startswith((reader.GZIP_MAGIC, reader.ZSTD_MAGIC)))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "access.log"
        path.write_bytes(data)
        points = reader.split_points(path, parts)
        pieces = [b"".join(_read(path, a, b)[0]) for a, b in itertools.pairwise(points)]
    assert b"".join(pieces) == data
    assert all(piece.endswith(b"\n") for piece in pieces[:-1])


@needs_build
def test_a_log_without_one_parsed_line_reads_the_same_on_both_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "access.log"
    path.write_bytes(b'1.2.3.4 - 10.0.0.1 - - [01/Jan/2026:00:00:00 +0800] "-" 2x0 - "-" "-"\n')
    assert _check(path, 1, False, monkeypatch) == _check(path, 1, True, monkeypatch)
