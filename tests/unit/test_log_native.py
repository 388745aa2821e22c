"""The compiled log scanner (`_scan.c`) against the pure-Python path on the same generated logs: every
statistic, finding and verdict must be identical, whatever the lines hold and wherever chunks and ranges cut."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest

from redline.probes.log_retention import native, probe, reader
from redline.probes.log_retention.probe import LogRetentionProbe

AUDIT = (
    "log_format audit '$remote_addr $remote_port $server_addr - $remote_user [$time_local] "
    '"$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"\';'
)
START = dt.datetime(2025, 12, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
AGENTS = ("Mozilla/5.0 (Windows NT 10.0) Chrome/131.0", "okhttp/4.12.0", "-", "微信/8.0 浏览器 📱", "")


def _time(moment: dt.datetime, zone: str = "+0800") -> str:
    return moment.strftime("%d/%b/%Y:%H:%M:%S ") + zone


def _line(rng: random.Random, moment: dt.datetime, audit: bool) -> str:
    user = rng.choice(("-", "-", "u12345", "张三", ""))
    request = rng.choice(("GET /api/v1/feed HTTP/1.1", "POST /login HTTP/2.0", "-", "GET /搜索?q=新闻 HTTP/1.1"))
    head = f"{rng.randrange(1, 224)}.{rng.randrange(256)}.0.{rng.randrange(1, 255)}" + (
        f" {rng.choice(('443', '51234', '-'))} 172.16.8.{rng.randrange(1, 20)}" if audit else ""
    )
    return (
        f'{head} - {user} [{_time(moment)}] "{request}" {rng.choice(("200", "304", "404"))} '
        f'{rng.randrange(100000)} "{rng.choice(("-", "https://example.cn/"))}" "{rng.choice(AGENTS)}"'
    )


def _odd(rng: random.Random, moment: dt.datetime, audit: bool) -> str:
    """Lines a real log holds now and then, and lines an attacker writes."""
    good = _line(rng, moment, audit)
    stamp = _time(moment)
    return rng.choice(
        (
            "",  # blank
            "   \t",
            "garbage that is no log line",
            good.replace(stamp, _time(moment, "+0000")),  # another zone
            good.replace(stamp, _time(moment, "-0530")),
            good.replace(stamp, "31/Feb/2026:10:00:00 +0800"),  # no such day: unparsed time
            good.replace(stamp, "29/Feb/2028:10:00:00 +0800"),  # a leap day: fine
            good.replace(stamp, "01/Jan/0000:00:00:00 +0800"),  # year zero
            good.replace(stamp, "01/Foo/2026:00:00:00 +0800"),  # no such month
            good.replace(stamp, "01/Jan/2026:24:00:00 +0800"),  # no such hour
            good.replace(stamp, "01/Jan/2026:23:99:99 +9999"),  # digits the regex takes
            good.replace(stamp, stamp[:-7] + "０ +0800"),  # a multi-byte digit at the end of the time
            good.replace(stamp, _time(moment + dt.timedelta(days=3650))),  # in the future
            good.replace(stamp, _time(moment - dt.timedelta(hours=5))),  # the clock goes back
            good.replace('"', "'", 1),  # a broken quote
            good[: len(good) // 2],  # cut short
            good + "\r",  # CRLF
            good + "\r\r",
            good.replace(" ", "\x00", 1),  # binary
            "\xff\xfe 不是 UTF-8",  # encoded below as invalid bytes
        )
    )


def _write(path: Path, seed: int, lines: int, audit: bool) -> None:
    rng = random.Random(seed)
    moment = START
    out: list[bytes] = []
    for _ in range(lines):
        moment += dt.timedelta(seconds=rng.choice((0, 0, 1, 7, 60, 900, 3600 * 8)))
        text = _odd(rng, moment, audit) if rng.random() < 0.15 else _line(rng, moment, audit)
        raw = text.encode("utf-8")
        if text.startswith("\xff\xfe"):
            raw = b"\xff\xfe\xc0\x80" + raw[4:]  # invalid UTF-8 (an overlong NUL too)
        out.append(raw)
    path.write_bytes(b"\n".join(out))  # no final newline


def _run(path: Path, options: dict[str, Any], pure: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("REDLINE_PURE_PYTHON", "1" if pure else "0")
    result = LogRetentionProbe().check_file(path, options)
    summary = LogRetentionProbe().summarise([result])
    return {"verdict": result.verdict, "findings": result.findings, "details": result.details, "summary": summary}


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of a few hundred bytes (borders inside lines and inside multi-byte characters) and a file cut
    into ranges for two workers however small it is."""
    monkeypatch.setattr(reader, "CHUNK", 997)
    monkeypatch.setattr(probe, "PARALLEL_MIN", 0)


needs_build = pytest.mark.skipif(
    not native.available(), reason="the C extension is not built (python setup.py build_ext --inplace, or make)"
)


@needs_build
@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("audit", [True, False], ids=["audit-log-format", "combined"])
@pytest.mark.parametrize("workers", [1, 2])
def test_the_c_scanner_and_the_pure_path_give_identical_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_pieces: None, seed: int, audit: bool, workers: int
) -> None:
    path = tmp_path / "access.log"
    _write(path, seed, 3000, audit)
    options = {
        "assessment_date": "2026-03-01",
        "workers": workers,
        "format": "nginx" if audit else "combined",
        **({"log_format": AUDIT} if audit else {}),
    }
    fast = _run(path, options, False, monkeypatch)
    pure = _run(path, options, True, monkeypatch)
    assert fast == pure
    assert repr(fast) == repr(pure)  # the same order too (zones, examples): reports list them in that order
    stats = fast["details"]["stats"]
    assert stats["unparsed"] > 0 and stats["blank"] > 0 and stats["binary_lines"] > 0 and stats["no_time"] > 0
    assert stats["backwards"] > 0 and stats["future"] > 0 and len(stats["zones"]) > 1


@needs_build
def test_whole_chunks_give_the_same_results_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "access.log"
    _write(path, 9, 20000, True)
    options = {"assessment_date": "2026-03-01", "log_format": AUDIT, "format": "nginx"}
    assert repr(_run(path, options, False, monkeypatch)) == repr(_run(path, options, True, monkeypatch))


@needs_build
def test_the_c_scanner_is_used_for_nginx_formats_and_not_where_it_could_differ(tmp_path: Path) -> None:
    path = tmp_path / "access.log"
    _write(path, 4, 50, True)
    settings = probe.Settings(log_format=AUDIT, assessment_date="2026-03-01")
    assert native.native_scan(probe.make_plan(path, settings)) is not None
    day = "2026-03-01"
    assert native.native_scan(probe.make_plan(path, probe.Settings(format="combined", assessment_date=day)))
    adjacent = probe.Settings(
        format="nginx", log_format="log_format x '$remote_addr$remote_user [$time_local]';", assessment_date=day
    )
    assert native.native_scan(probe.make_plan(path, adjacent)) is None
    iso = probe.Settings(
        format="nginx", log_format="log_format x '$remote_addr [$time_iso8601] $remote_user';", assessment_date=day
    )
    assert native.native_scan(probe.make_plan(path, iso)) is None


def test_redline_pure_python_turns_the_c_scanner_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDLINE_PURE_PYTHON", "1")
    assert not native.available()


@needs_build
@pytest.mark.parametrize("parts", [[], [(9, b"", -1, -1)], [(1, b"", 300, -1)], [(1, b"", -1, 5)]])
def test_the_c_scanner_refuses_a_malformed_template_instead_of_reading_out_of_bounds(
    parts: list[tuple[int, bytes, int, int]],
) -> None:
    from redline.probes.log_retention import _scan

    with pytest.raises(ValueError, match="template"):
        _scan.Scanner(parts, 1, -1, 0, 1 << 20)
    with pytest.raises(RuntimeError, match="not initialised"):
        _scan.Scanner.__new__(_scan.Scanner).feed(b"line\n", 0, 0)
