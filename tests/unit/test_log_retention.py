"""The log-retention probe on generated logs: one test per finding, plus bad input that must never crash."""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import zstandard

from redline.probes.base import FileResult, ProbeFinding, Verdict
from redline.probes.log_retention import reader
from redline.probes.log_retention.probe import LogRetentionProbe, Settings, make_plan, scan_range
from redline.probes.log_retention.stats import Partial

CST = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2025, 9, 1, tzinfo=CST)
END = dt.datetime(2026, 3, 1, tzinfo=CST)
PROBE = LogRetentionProbe()
CUSTOM = (
    'log_format main \'$remote_addr:$remote_port - $remote_user [$time_local] "$request" $status '
    '$body_bytes_sent "$http_user_agent" $server_addr $http_x_device_id\';'
)


def combined(moment: dt.datetime, index: int = 0) -> str:
    stamp = moment.strftime("%d/%b/%Y:%H:%M:%S %z")
    return (
        f'203.0.{index % 250}.{index % 7} - user_{index % 97} [{stamp}] "GET /post/{index} HTTP/1.1" 200 512 '
        f'"-" "Mozilla/5.0 (Linux; Android 14)"\n'
    )


def moments(
    start: dt.datetime, end: dt.datetime, minutes: int = 10, skip: tuple[dt.date, dt.date] | None = None
) -> Iterator[dt.datetime]:
    moment = start
    while moment < end:
        if skip is None or not skip[0] <= moment.date() <= skip[1]:
            yield moment
        moment += dt.timedelta(minutes=minutes)


def write(path: Path, lines: Iterable[str]) -> Path:
    path.write_text("".join(lines), encoding="utf-8")
    return path


def run(paths: list[Path], **options: Any) -> tuple[list[FileResult], dict[str, Any]]:
    options.setdefault("assessment_date", "2026-03-01")
    results = [PROBE.check_file(path, options) for path in paths]
    return results, PROBE.summarise(results)


def messages(found: Iterable[ProbeFinding]) -> str:
    return "\n".join(f.message for f in found)


def test_a_six_month_log_with_a_missing_week_is_flagged_as_a_gap_with_the_exact_dates(tmp_path: Path) -> None:
    week = (dt.date(2025, 12, 1), dt.date(2025, 12, 7))
    log = write(tmp_path / "access.log", (combined(m, i) for i, m in enumerate(moments(START, END, skip=week))))
    _, summary = run([log])
    gaps = [f for f in summary["findings"] if f.message.startswith("gap:")]
    assert len(gaps) == 1
    assert "days without any record: 2025-12-01 to 2025-12-07 (7 days)" in gaps[0].message
    assert gaps[0].item == "csl-network-log-retention-six-months"
    assert gaps[0].clause == "网络安全法（2025年修正） 第二十三条"
    assert summary["gaps"][0]["empty_days"][0] == "2025-12-01"
    assert "retained span" not in messages(summary["findings"])
    assert summary["earliest"] == "2025-09-01 00:00:00 +08:00"


def test_a_log_shorter_than_six_months_is_reported_with_the_days_missing(tmp_path: Path) -> None:
    log = write(tmp_path / "access.log", (combined(m) for m in moments(dt.datetime(2025, 12, 1, tzinfo=CST), END)))
    _, summary = run([log])
    assert "6 months back from the assessment date 2026-03-01 is 2025-09-01, 91.0 days short" in messages(
        summary["findings"]
    )


def test_the_law_cited_for_retention_follows_the_assessment_date(tmp_path: Path) -> None:
    log = write(tmp_path / "access.log", (combined(m) for m in moments(START, START + dt.timedelta(days=2))))
    _, summary = run([log], assessment_date="2025-12-31")
    clauses = {f.clause for f in summary["findings"] if f.item == "csl-network-log-retention-six-months"}
    assert clauses == {"网络安全法 第二十一条第（三）项"}


def test_the_nginx_default_format_has_no_source_port_and_the_field_is_reported_missing(tmp_path: Path) -> None:
    log = write(tmp_path / "access.log", (combined(m, i) for i, m in enumerate(moments(START, END, 60))))
    results, summary = run([log])
    text = messages(summary["findings"])
    assert "missing field: source port (网络源端口)" in text
    assert "missing field: client hardware features" in text
    assert "具有舆论属性或社会动员能力的互联网信息服务安全评估规定 第五条第（三）项" in {
        f.clause for f in summary["findings"]
    }
    assert results[0].kind == "combined"
    assert summary["fields"]["source_address"]["percent"] == 100.0


def test_a_custom_log_format_directive_is_compiled_and_its_extra_fields_count(tmp_path: Path) -> None:
    def line(moment: dt.datetime, index: int) -> str:
        stamp = moment.strftime("%d/%b/%Y:%H:%M:%S %z")
        return (
            f'10.1.2.{index % 200}:{40000 + index % 999} - u{index} [{stamp}] "POST /api/post HTTP/2.0" 201 '
            f'88 "okhttp/4.9" 192.168.0.5 dev-{index:08d}\n'
        )

    log = write(tmp_path / "app.log", (line(m, i) for i, m in enumerate(moments(START, END, 60))))
    results, summary = run([log], log_format=CUSTOM)
    assert results[0].kind == "nginx log_format main"
    assert "missing field" not in messages(summary["findings"])
    assert summary["fields"]["source_port"]["percent"] == 100.0
    assert summary["fields"]["device"]["examples"][0] == "aaa-99999999"
    assert summary["fields"]["operation"]["examples"] == ["POST"]


def test_a_log_format_can_be_read_from_an_nginx_config_file(tmp_path: Path) -> None:
    config = tmp_path / "nginx.conf"
    config.write_text(f"http {{\n  {CUSTOM}\n  access_log /var/log/app.log main;\n}}\n", encoding="utf-8")
    log = write(
        tmp_path / "app.log", ['1.2.3.4:5 - u [01/Sep/2025:00:00:00 +0800] "GET / HTTP/1.1" 200 1 "ua" 10.0.0.1 d1\n']
    )
    results, _ = run([log], log_format=str(config), format="nginx")
    assert results[0].details["stats"]["parsed"] == 1


def test_json_lines_use_the_mapping_file_for_their_field_names(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "account: uid\ntime: ts\noperation: action\nsource_address: client.ip\n"
        "source_port: client.port\ndestination_address: server\ndevice: hw\n",
        encoding="utf-8",
    )
    records = (
        {
            "uid": f"u{i}",
            "ts": m.isoformat(),
            "action": "publish",
            "client": {"ip": "8.8.4.4", "port": 5000},
            "server": "10.0.0.1",
            "hw": "imei-86" + str(i).zfill(13),
        }
        for i, m in enumerate(moments(START, END, 60))
    )
    log = write(tmp_path / "events.jsonl", (json.dumps(r) + "\n" for r in records))
    results, summary = run([log], mapping=str(mapping))
    assert results[0].kind == "json"
    assert "missing field" not in messages(summary["findings"])
    assert summary["fields"]["source_address"]["examples"] == ["8.8.x.x"]
    assert summary["fields"]["source_port"]["percent"] == 100.0
    assert summary["zones"] == {"+0800": results[0].details["stats"]["parsed"]}


def test_a_csv_log_with_a_header_is_read_by_its_column_names(tmp_path: Path) -> None:
    rows = (
        f"{m.strftime('%Y-%m-%d %H:%M:%S')},acct{i},LOGIN,36.112.9.{i % 200},{50000 + i % 99},10.0.0.2,MAC-{i:06d}\n"
        for i, m in enumerate(moments(START, END, 60))
    )
    log = write(tmp_path / "audit.csv", ["time,account,operation,src_ip,src_port,dst_ip,device\n", *rows])
    results, summary = run([log])
    assert results[0].kind == "csv"
    assert results[0].details["stats"]["unparsed"] == 0
    assert "missing field" not in messages(summary["findings"])
    assert summary["fields"]["account"]["examples"][0] == "acct***"
    assert summary["zones"] == {"naive": results[0].details["stats"]["parsed"]}


def test_rotated_gzip_and_zstd_files_are_merged_across_files(tmp_path: Path) -> None:
    thirds = [START, dt.datetime(2025, 11, 1, tzinfo=CST), dt.datetime(2026, 1, 1, tzinfo=CST), END]
    texts = ["".join(combined(m, i) for i, m in enumerate(moments(a, b))) for a, b in itertools.pairwise(thirds)]
    (tmp_path / "access.log.2.zst").write_bytes(zstandard.ZstdCompressor().compress(texts[0].encode()))
    (tmp_path / "access.log.1.gz").write_bytes(gzip.compress(texts[1].encode()))
    write(tmp_path / "access.log", [texts[2]])
    results, summary = run(sorted(tmp_path.iterdir()))
    assert {r.carriers[0] for r in results} == {"zstd", "gzip", "none"}
    assert summary["totals"]["records"] == sum(t.count("\n") for t in texts)
    assert summary["earliest"] == "2025-09-01 00:00:00 +08:00"
    assert not [f for f in summary["findings"] if f.message.startswith(("gap", "retained span"))]


def test_a_truncated_gzip_is_reported_and_the_other_files_still_count(tmp_path: Path) -> None:
    text = "".join(combined(m) for m in moments(START, START + dt.timedelta(days=20), 1))
    packed = gzip.compress(text.encode())
    broken = tmp_path / "access.log.2.gz"
    broken.write_bytes(packed[: len(packed) // 2])
    good = write(tmp_path / "access.log", (combined(m) for m in moments(END - dt.timedelta(days=1), END)))
    results, summary = run([broken, good])
    assert "truncated: gzip stream ends early" in messages(results[0].findings)
    assert 0 < results[0].details["stats"]["parsed"] < text.count("\n")
    assert summary["totals"]["records"] == results[0].details["stats"]["parsed"] + 144
    assert summary["totals"]["truncated_files"]


def test_a_truncated_zstd_frame_is_reported(tmp_path: Path) -> None:
    text = "".join(combined(m) for m in moments(START, START + dt.timedelta(days=5), 1))
    packed = zstandard.ZstdCompressor().compress(text.encode())
    broken = tmp_path / "access.log.zst"
    broken.write_bytes(packed[: len(packed) // 2])
    results, _ = run([broken])
    assert "zstd stream ends in the middle of a frame" in messages(results[0].findings)


def test_binary_garbage_is_counted_as_unparsed_binary_lines_without_a_crash(tmp_path: Path) -> None:
    garbage = tmp_path / "core.bin"
    garbage.write_bytes(bytes(range(256)) * 400)
    results, summary = run([garbage])
    stats = results[0].details["stats"]
    assert stats["parsed"] == 0 and stats["binary_lines"] > 0
    assert results[0].verdict is Verdict.INCONCLUSIVE
    assert "could be parsed" in messages(results[0].findings)
    assert "no record with a readable timestamp" in messages(summary["findings"])


def test_lines_of_another_format_in_one_file_are_counted_with_masked_examples(tmp_path: Path) -> None:
    lines = [combined(m, i) for i, m in enumerate(moments(START, START + dt.timedelta(days=1)))]
    lines[5:5] = ['{"uid": "alice", "ip": "172.16.254.99", "phone": "13800138000"}\n'] * 3
    results, _ = run([write(tmp_path / "mixed.log", lines)])
    stats = results[0].details["stats"]
    assert stats["unparsed"] == 3 and stats["parsed"] == len(lines) - 3
    text = messages(results[0].findings)
    assert "3 line(s)" in text and "172.16.x.x" in text
    assert "172.16.254.99" not in text and "13800138000" not in text


def test_an_empty_file_is_reported_not_fatal(tmp_path: Path) -> None:
    results, summary = run([write(tmp_path / "empty.log", [])])
    assert results[0].verdict is Verdict.INCONCLUSIVE
    assert "empty file" in messages(results[0].findings)
    assert summary["files"] == 1


def test_a_line_over_one_mebibyte_is_counted_and_skipped(tmp_path: Path) -> None:
    lines = [combined(m) for m in moments(START, START + dt.timedelta(hours=3))]
    lines.insert(3, "x" * (1 << 20) + "y" * 100 + "\n")
    results, _ = run([write(tmp_path / "long.log", lines)])
    stats = results[0].details["stats"]
    assert stats["long_lines"] == 1 and stats["parsed"] == len(lines) - 1
    assert "longer than 1 MiB skipped" in messages(results[0].findings)


def test_time_going_backwards_is_a_clock_finding(tmp_path: Path) -> None:
    lines = [combined(m) for m in moments(START, START + dt.timedelta(days=1))]
    lines.insert(50, combined(START - dt.timedelta(days=3)))
    results, _ = run([write(tmp_path / "back.log", lines)])
    assert "time goes backwards 1 time(s)" in messages(results[0].findings)
    assert results[0].verdict is Verdict.NON_COMPLIANT


def test_a_timestamp_after_the_assessment_date_is_a_clock_finding(tmp_path: Path) -> None:
    lines = [combined(m) for m in moments(START, END)] + [combined(dt.datetime(2027, 1, 1, tzinfo=CST))]
    _, summary = run([write(tmp_path / "future.log", lines)])
    assert "1 timestamp(s) after the assessment date 2026-03-01, latest 2027-01-01 00:00:00 +08:00" in messages(
        summary["findings"]
    )


def test_mixed_time_zones_are_reported(tmp_path: Path) -> None:
    utc = dt.UTC
    lines = [combined(m) for m in moments(START, START + dt.timedelta(days=1))]
    lines += [combined(m.astimezone(utc)) for m in moments(START + dt.timedelta(days=1), START + dt.timedelta(days=2))]
    _, summary = run([write(tmp_path / "zones.log", lines)])
    assert "mixed time zones in the records: +0800 (144), +0000 (144)" in messages(summary["findings"])


def test_the_coverage_svg_is_well_formed_with_one_cell_per_hour_that_has_records(tmp_path: Path) -> None:
    lines = [combined(m) for m in moments(START, START + dt.timedelta(days=3), 30) if not 2 <= m.hour < 5]
    _, summary = run([write(tmp_path / "access.log", lines)])
    svg = summary["coverage_svg"]
    root = ElementTree.fromstring(svg)
    cells = [e for e in root.iter("{http://www.w3.org/2000/svg}rect") if e.get("class") == "cell"]
    assert len(cells) == 3 * 21
    assert "style" not in svg
    assert all(e.get("style") is None for e in root.iter())


def test_byte_ranges_of_one_file_merge_to_the_same_statistics_as_one_pass(tmp_path: Path) -> None:
    lines = [combined(m, i) for i, m in enumerate(moments(START, START + dt.timedelta(days=30), 5))]
    log = write(tmp_path / "access.log", lines)
    plan = make_plan(log, Settings(assessment_date="2026-03-01"))
    whole, _ = scan_range(log, plan)
    points = reader.split_points(log, 4)
    merged = Partial()
    for start, end in itertools.pairwise(points):
        part, _ = scan_range(log, plan, start, end)
        merged.merge(part, ordered=True)
    assert merged.parsed == whole.parsed == len(lines)
    assert merged.hours == whole.hours and merged.filled == whole.filled and merged.backwards == 0


def test_values_in_the_report_are_masked_shapes_never_full_personal_data(tmp_path: Path) -> None:
    log = write(tmp_path / "access.log", (combined(m, i) for i, m in enumerate(moments(START, END, 120))))
    results, summary = run([log])
    report = json.dumps({k: v for k, v in summary.items() if k != "findings"}) + json.dumps(results[0].details)
    assert not re.search(r"203\.0\.\d+\.\d+", report)
    assert "user_1" not in report and "user_***" in report
