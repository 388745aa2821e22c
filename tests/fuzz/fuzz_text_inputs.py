"""Coverage-guided fuzzing of every text parser a user feeds redline, with atheris (libFuzzer).

The first byte picks the parser: rulebook YAML (regulation, checklist), an answers file, a log mapping, an
nginx log_format directive, a log file in each format, a term list, the screen over plain text, an HTML page.
Each must return, or raise the project's own error naming the file; any other exception, a hang (-timeout)
or runaway memory (-rss_limit_mb) is a crash. The screen must also report offsets inside the text.

    python tests/fuzz/fuzz_text_inputs.py -max_total_time=3600      # a longer run, on demand
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path


def seed(directory: str) -> None:
    """A seed corpus: the shipped rulebook and example files, each prefixed with the byte of its parser."""
    root = Path(__file__).resolve().parents[2]
    data = root / "src" / "redline" / "rulebook" / "data"
    seeds = {
        "regulation": bytes([0, 1]) + (data / "regulations" / "algo2021.yaml").read_bytes(),
        "checklist": bytes([0, 0]) + (data / "checklists" / "algo2021.yaml").read_bytes(),
        "answers": bytes([1]) + (root / "examples" / "chatbot-genai" / "answers.yaml").read_bytes(),
        "mapping": bytes([2]) + b"account: uid\ntime: ts\nsource_address: client.ip\n",
        "directive": bytes([3]) + b"log_format main '$remote_addr - $remote_user [$time_local] \"$request\"';",
        "combined": bytes([4, 1]) + b'203.0.113.9 - a [10/Jan/2026:08:00:00 +0800] "GET / HTTP/1.1" 200 1 "-" "-"\n',
        "json": bytes([4, 2]) + b'{"time": "2026-01-10T08:00:00+08:00", "user": "a", "method": "GET"}\n',
        "csv": bytes([4, 3]) + b"time,user,method\n2026-01-10T08:00:00,a,GET\n",
        "terms": bytes([5, 0]) + (root / "src/redline/probes/content_screen/data/demo_terms.txt").read_bytes(),
        "terms_csv": bytes([5, 1]) + b"term,category,severity\nspamword,demo,high\nre:demo-\\d+,demo,low\n",
        "screen": bytes([6]) + "测 试违禁词 s-p-a-m-w-o-r-d ＳＰＡＭＷＯＲＤ".encode(),
        "html": bytes([7]) + b'<html><style>.h{display:none}</style><p class="h">spamword</p><div>x</div></html>',
    }
    for name, content in seeds.items():
        Path(directory, name).write_bytes(content)


if __name__ == "__main__" and len(sys.argv) > 2 and sys.argv[1] == "--seed":
    seed(sys.argv[2])  # before anything is imported and instrumented: seeding takes no fuzzing start-up
    sys.exit(0)

# Heavy libraries that parse nothing of the input are imported before instrumenting, so start-up stays short;
# the parsers the input reaches (redline, yaml, csv, json, html.parser) are instrumented.
import concurrent.futures  # noqa: E402, F401
import urllib.request  # noqa: E402, F401

import atheris  # noqa: E402
import chinese_calendar  # noqa: E402, F401
import pydantic  # noqa: E402, F401
import sqlalchemy  # noqa: E402, F401
import zstandard  # noqa: E402, F401

with atheris.instrument_imports():
    from redline.domain.assessment import Severity
    from redline.errors import InputError, RulebookError
    from redline.probes.content_screen.html import extract
    from redline.probes.content_screen.matcher import Screen
    from redline.probes.content_screen.normalise import Options
    from redline.probes.content_screen.terms import Term, TermList, load_terms
    from redline.probes.log_retention.formats import parse_directive
    from redline.probes.log_retention.mapping import load_mapping
    from redline.probes.log_retention.probe import LogRetentionProbe
    from redline.rulebook.loader import default_rulebook
    from redline.rulebook.schema import Checklist, Regulation
    from redline.services.assessment.assessing import run_assessment
    from redline.yamldoc import load_model, parse_yaml

BOOK = default_rulebook()
WORK = Path(tempfile.mkdtemp(prefix="redline-fuzz-"))
TERMS = ["测试违禁词", "spamword", "example banned phrase", "ass"]
SCREEN = Screen(TermList("t", tuple(Term(t, "c", Severity.LOW, i) for i, t in enumerate(TERMS, 1))), Options())
LOG_OPTIONS = [
    {"format": "auto"},
    {"format": "combined"},
    {"format": "json"},
    {"format": "csv"},
    {"format": "nginx", "log_format": "'$remote_addr [$time_local] \"$request\" $http_x_device_id'"},
]


def _file(name: str, data: bytes) -> Path:
    path = WORK / name
    path.write_bytes(data)
    return path


def _located(exc: InputError | RulebookError, source: str) -> None:
    if exc.source != source:
        raise AssertionError(f"error names {exc.source!r}, not {source!r}: {exc}")


def rulebook(data: bytes) -> None:
    text = data[1:].decode("utf-8", "replace")
    model = Regulation if data[0] % 2 else Checklist
    try:
        load_model(model, parse_yaml(text, "rule.yaml"), error_type=RulebookError)
    except (InputError, RulebookError) as exc:
        _located(exc, "rule.yaml")


def answers(data: bytes) -> None:
    path = _file("answers.yaml", data)
    try:
        run_assessment(BOOK, path, draft=True)
    except InputError as exc:
        _located(exc, str(path))


def mapping(data: bytes) -> None:
    path = _file("mapping.yaml", data)
    try:
        load_mapping(str(path))
    except InputError as exc:
        _located(exc, str(path))


def directive(data: bytes) -> None:
    with contextlib.suppress(InputError):
        parse_directive(data.decode("utf-8", "replace"))


def log(data: bytes) -> None:
    options = LOG_OPTIONS[data[0] % len(LOG_OPTIONS)]
    path = _file("access.log", data[1:])
    result = LogRetentionProbe().check_file(path, {**options, "workers": "1", "assessment_date": "2026-02-01"})
    stats = result.details["stats"]
    counted = stats["parsed"] + stats["unparsed"] + stats["blank"] + stats["long_lines"]
    if counted > stats["lines"] or stats["lines"] - counted > 1:  # a CSV header is the one line not counted
        raise AssertionError(f"lines not accounted for: {stats}")


def terms(data: bytes) -> None:
    path = _file("terms.csv" if data[0] % 2 else "terms.txt", data[1:])
    try:
        load_terms(path)
    except InputError as exc:
        _located(exc, str(path))


def screen(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    for match in SCREEN.find(text):
        if not 0 <= match.start < match.end <= len(text):
            raise AssertionError(f"match outside the text: {match}")


def html(data: bytes) -> None:
    page = extract(data.decode("utf-8", "replace"))
    for hidden in page.hidden:
        if not 0 <= hidden.start <= hidden.end <= len(page.text):
            raise AssertionError(f"hidden range outside the text: {hidden}")


TARGETS: list[Callable[[bytes], None]] = [rulebook, answers, mapping, directive, log, terms, screen, html]


def test_one_input(data: bytes) -> None:
    if len(data) < 2:
        return
    TARGETS[data[0] % len(TARGETS)](data[1:])


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
