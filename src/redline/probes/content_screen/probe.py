"""The content-screen probe: terms (after normalisation) and injected spam in user-facing text.

Findings give the original character range `[start, end)` of what was found, so a reviewer sees exactly
what the reader saw: `path#start-end` for text and HTML (offsets into the file's text, or into the page's
extracted text), `path:line#start-end` for a post in JSON lines (offsets into its field).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from redline.domain.assessment import Severity
from redline.errors import InputError
from redline.probes.base import FileResult, ProbeFinding, ProbeInfo, Verdict
from redline.probes.content_screen.decode import decode
from redline.probes.content_screen.html import HiddenElement
from redline.probes.content_screen.inputs import Document, check_format, documents, post
from redline.probes.content_screen.listing import MAX_LISTED, Listing
from redline.probes.content_screen.matcher import Match, Screen, compiled
from redline.probes.content_screen.normalise import Options, normalise, prepare
from redline.probes.content_screen.page import Extracted, extract_to, lines
from redline.probes.content_screen.spam import SpamFinding, find_spam
from redline.probes.content_screen.stream import CHUNK_CHARS, CONTEXT, Piece, PieceResult, pieces, screen_piece
from redline.probes.content_screen.survey import BLOCK_BYTES, Survey, survey
from redline.probes.content_screen.terms import DEMO_TERMS

ITEM_FEATURES = "sa2018-5-4-feature-screening"
ITEM_PROFILES = "sa2018-5-4-profile-screening"
TERM_CLAUSE = "具有舆论属性或社会动员能力的互联网信息服务安全评估规定 第五条第（四）项"
SPAM_CLAUSE = "网络信息内容生态治理规定"
SWITCHES = ("nfkc", "width", "t2s", "invisible", "separators", "homoglyphs", "spam")
SNIPPET = 40
BOOLEAN_WORDS = ("true", "false", "1", "0", "yes", "no", "on", "off")
MAX_JOBS = 256
T = TypeVar("T")
R = TypeVar("R")
MAIN_SHARE = 0.85  # of the pieces a helper screens, the main process screens this share (it also reads them)


def _switch(options: Mapping[str, Any], name: str) -> bool:
    value = options.get(name, True)
    return value if isinstance(value, bool) else str(value).strip().lower() not in ("false", "0", "no", "off")


def _snippet(text: str) -> str:
    shown = "".join(c if c.isprintable() and c not in "\u200b\u200c\u200d\ufeff" else f"<U+{ord(c):04X}>" for c in text)
    return shown if len(shown) <= SNIPPET else shown[: SNIPPET - 1] + "…"


def screen_for(options: Mapping[str, Any]) -> Screen:
    """The compiled term list named by the options (the neutral demo list when none is given)."""
    normalising = Options(*(_switch(options, name) for name in ("nfkc", "width", "t2s", "invisible", "homoglyphs")))
    path = Path(str(options["terms"])) if options.get("terms") else DEMO_TERMS
    return compiled(path, normalising, _switch(options, "separators"))


def _piece_job(options: Mapping[str, Any], facts: Survey, piece: Piece) -> PieceResult:
    """One piece in a worker process (the compiled term list is cached there, or inherited by fork)."""
    return screen_piece(screen_for(options), piece, _switch(options, "spam"), facts.scripts, facts.first_visible)


Posts = tuple[Counter[str], list[tuple[dict[str, Any], ProbeFinding]], int, dict[str, Any] | None]


def _posts_job(options: Mapping[str, Any], path: str, sha: str, work: tuple[int, list[tuple[int, str]]]) -> Posts:
    """JSON lines (numbered) in a worker process: findings counted by kind, the first `cap` of them (`work`:
    cap and lines), the number of posts screened, and the input error of the first bad line (as a mapping: it
    is sent between processes)."""
    cap, batch = work
    probe = ContentScreenProbe(max_listed=cap)
    screen = screen_for(options)
    counts: Counter[str] = Counter()
    out: list[tuple[dict[str, Any], ProbeFinding]] = []
    documents = 0
    field_name = str(options.get("field", "text"))
    for number, line in batch:
        try:
            doc = post(Path(path), number, line, field_name)
        except InputError as exc:
            return counts, out, documents, {"message": exc.message, "line": exc.line}
        if doc is None:
            continue
        documents += 1
        for record in probe._document(doc, screen, options, sha):
            counts[str(record[0]["kind"])] += 1
            if len(out) < cap:
                out.append(record)
    return counts, out, documents, None


def _batches(numbered: Iterator[tuple[int, str]], chars: int) -> Iterator[list[tuple[int, str]]]:
    """Numbered lines in batches of about `chars` characters."""
    batch: list[tuple[int, str]] = []
    size = 0
    for number, line in numbered:
        batch.append((number, line))
        size += len(line)
        if size >= chars:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _in_order(job: Callable[[T], R], parts: Iterator[T], workers: int) -> Iterator[R]:
    """`job` on each part on `workers` processes, this one included (it also reads and decodes every part for
    the others, so it takes a smaller share, MAIN_SHARE of one process's), results in order, at most two
    parts a process in flight (so memory stays bounded however large the file)."""
    with ProcessPoolExecutor(max_workers=workers - 1) as pool:
        flight: deque[Future[R] | tuple[R]] = deque()
        credit = 0.0
        for part in parts:
            if len(flight) >= 2 * workers:
                yield _done(flight.popleft())
            credit += MAIN_SHARE / workers
            if credit >= 1.0:
                credit -= 1.0
                flight.append((job(part),))
            else:
                flight.append(pool.submit(job, part))
        while flight:
            yield _done(flight.popleft())


def _workers(options: Mapping[str, Any], fixed: int) -> int:
    """Processes for one large file: fixed by the caller, else the `jobs` option, else the cores this process
    may run on."""
    if fixed:
        return fixed
    jobs = int(options.get("jobs") or 0)
    return (
        jobs if jobs > 0 else len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )


def _counted(counts: Counter[str]) -> str:
    return ", ".join(f"{kind} {count}" for kind, count in sorted(counts.items()))


def _done(item: Future[R] | tuple[R]) -> R:
    return item.result() if isinstance(item, Future) else item[0]


class ContentScreenProbe:
    info = ProbeInfo(
        name="content-screen",
        version="0.1.0",
        title="Screen user-facing text for listed terms (after normalisation) and injected spam",
        items=(ITEM_FEATURES, ITEM_PROFILES),
        inputs=("files", "directories"),
        options={
            "terms": "term list: text (one a line, [regex] section) or CSV term,category,severity "
            "(default: a small neutral demo list)",
            "format": "auto, text, html or jsonl (default auto)",
            "field": "the field of each JSON line to screen (default text)",
            "jobs": "processes for one large text file (default: every core; `redline probe run --jobs` sets it)",
            **{name: f"{name} normalisation or detection (default true)" for name in SWITCHES},
        },
        file_options=("terms",),
    )

    def __init__(
        self,
        chunk_chars: int = CHUNK_CHARS,
        context: int = CONTEXT,
        workers: int = 0,
        max_listed: int = MAX_LISTED,
        block_bytes: int = BLOCK_BYTES,
    ) -> None:
        """A file of more than `chunk_chars` bytes is read `block_bytes` at a time, whatever its format, and
        its text (an HTML page's extracted text) screened in pieces of `chunk_chars` characters, each seeing
        `context` characters around it (stream.py), on `workers` processes (0: the `jobs` option, else one a
        core; only from a main process, as a batch runner's workers already use the cores); JSON lines post
        by post (page.py). A file's result lists its first `max_listed` findings and counts all (listing.py)."""
        self.chunk_chars = chunk_chars
        self.context = context
        self.workers = workers
        self.max_listed = max_listed
        self.block_bytes = block_bytes

    def check_options(self, options: Mapping[str, Any]) -> None:
        """Values checked before a campaign stores them (the CLI checks them as it runs)."""
        check_format(str(options.get("format", "auto")))
        jobs = str(options.get("jobs", 0)).strip()
        if not jobs.isdigit() or int(jobs) > MAX_JOBS:
            raise InputError(f"jobs must be a whole number from 0 to {MAX_JOBS}", field="jobs")
        for name in SWITCHES:
            value = options.get(name, True)
            if not isinstance(value, bool) and str(value).strip().lower() not in BOOLEAN_WORDS:
                raise InputError(f"{name} must be true or false", field=name)

    def check_file(self, path: Path, options: Mapping[str, Any]) -> FileResult:
        streamed = self._streamed(path, options) if path.stat().st_size > self.chunk_chars else None
        return streamed if streamed is not None else self._whole(path, options)

    def _streamed(self, path: Path, options: Mapping[str, Any]) -> FileResult | None:
        """A large file in bounded blocks and pieces, whatever its format; None when the options are refused
        (the whole-file path reports that, before reading the file)."""
        try:
            fmt = check_format(str(options.get("format", "auto")))
            screen = screen_for(options)
        except InputError:
            return None
        facts = survey(path, fmt, self.block_bytes)
        if facts.reason:
            return self._skipped(path, facts.sha, facts.size, facts.reason)
        if facts.kind == "jsonl":
            return self._posts(path, facts, options)
        doc = Document(str(path), "", facts.kind)
        if facts.kind != "html":
            listing = self._screened(path, facts, screen, options, None)
            return self._listed(path, facts, doc, listing, None)
        with tempfile.TemporaryDirectory(prefix="redline-page-") as tmp:
            spool = Path(tmp) / "text"
            page = extract_to(path, facts, spool, self.block_bytes)
            doc.hidden = page.hidden
            text = Survey(facts.sha, facts.size, "utf-8", "", page.scripts, page.first_visible)
            listing = self._screened(spool, text, screen, options, page)
        return self._listed(path, facts, doc, listing, page)

    def _screened(
        self, source: Path, facts: Survey, screen: Screen, options: Mapping[str, Any], page: Extracted | None
    ) -> Listing:
        """The text of `source` (decoded as `facts` says) screened in pieces, on every core for a large one;
        for a page, the hidden elements that hold terms are marked in `page.holding`."""
        parts = pieces(source, self.chunk_chars, self.context, self.block_bytes, facts.encoding, facts.errors)
        workers = _workers(options, self.workers)
        if workers > 1 and multiprocessing.parent_process() is None and facts.size > 2 * self.chunk_chars:
            prepare(screen.options)  # before the helpers fork
            results = _in_order(partial(_piece_job, dict(options), facts), parts, workers)
        else:
            spam_on = _switch(options, "spam")
            results = (screen_piece(screen, p, spam_on, facts.scripts, facts.first_visible) for p in parts)
        listing = Listing(self.max_listed)
        for part in results:
            if page is not None:
                page.holding.update(page.hidden_at(m.start, m.end) for _, m, _ in part.terms)
                page.holding.discard(-1)
            listing.add_terms(part.terms)
            listing.add_spam(part.spam)
        return listing

    def _listed(self, path: Path, facts: Survey, doc: Document, listing: Listing, page: Extracted | None) -> FileResult:
        """The result of a streamed text or page: terms, then (for a page) hidden elements, then spam."""
        out: list[tuple[dict[str, Any], ProbeFinding]] = []
        for m, shown in listing.terms():
            at = page.hidden_at(m.start, m.end) if page is not None else -1
            out.append(self._term(doc, m, shown, doc.hidden[at].reason if at >= 0 else None, facts.sha))
        for index, h in enumerate(doc.hidden):
            if page is not None and (index in page.holding or h.links):
                record = self._hidden(doc, h, page.heads[index], index in page.holding, facts.sha)
                listing.counts[record[0]["kind"]] += 1
                out.append(record)
        out += [self._spam(doc, f, shown, facts.sha) for f, shown in listing.spam()]
        return self._result(path, facts, doc.kind, 1, doc.hidden, out[: self.max_listed], listing.counts)

    def _posts(self, path: Path, facts: Survey, options: Mapping[str, Any]) -> FileResult:
        """JSON lines, in batches of posts (on every core for a large file): the first `max_listed` findings
        kept, all counted; the first bad line refuses the file, as on the whole-file path."""
        job = partial(_posts_job, dict(options), str(path), facts.sha)
        out: list[tuple[dict[str, Any], ProbeFinding]] = []
        numbered = enumerate(lines(path, facts, self.block_bytes), start=1)
        # each batch asks for the findings still missing when it is sent (no more than the cap in all)
        batches = ((self.max_listed - len(out), batch) for batch in _batches(numbered, self.chunk_chars // 4))
        workers = _workers(options, self.workers)
        many = workers > 1 and multiprocessing.parent_process() is None and facts.size > 2 * self.chunk_chars
        if many:
            prepare(screen_for(options).options)  # before the helpers fork
        counts: Counter[str] = Counter()
        documents = 0
        for found, listed, screened, error in _in_order(job, batches, workers) if many else map(job, batches):
            if error is not None:
                refused = InputError(error["message"], source=str(path), line=error["line"])
                return self._refused(path, facts.sha, facts.size, refused)
            counts += found
            out += listed[: self.max_listed - len(out)]
            documents += screened
        return self._result(path, facts, "jsonl", documents, [], out, counts)

    def _result(
        self,
        path: Path,
        facts: Survey,
        kind: str,
        documents: int,
        hidden: list[HiddenElement],
        out: list[tuple[dict[str, Any], ProbeFinding]],
        counts: Counter[str],
    ) -> FileResult:
        """`out`: the findings listed (at most `max_listed`), `counts`: all of them by kind."""
        total = sum(counts.values())
        verdict = Verdict.NON_COMPLIANT if total else Verdict.COMPLIANT
        details = {
            "documents": documents,
            "counts": {kind: n for kind, n in sorted(counts.items()) if n},
            "found_total": total,
            "found_cap": self.max_listed,
            "found": [record for record, _ in out],
            "hidden": [
                {"where": str(path), "start": h.start, "end": h.end, "tag": h.tag, "reason": h.reason} for h in hidden
            ],
        }
        findings = tuple(finding for _, finding in out)
        if total > len(out):
            said = {"more": total - len(out), "listed": len(out), "counts": _counted(counts)}
            findings += (
                ProbeFinding.coded(ITEM_FEATURES, Severity.LOW, str(path), "content.found.more", said, facts.sha),
            )
        return FileResult(str(path), facts.sha, facts.size, verdict, kind, findings=findings, details=details)

    @staticmethod
    def _skipped(path: Path, sha: str, size: int, reason: str) -> FileResult:
        """A binary file: skipped, whatever the format (it would give nonsense findings)."""
        details = {"skipped": reason, "documents": 0, "found": [], "hidden": []}
        return FileResult(str(path), sha, size, Verdict.INCONCLUSIVE, "binary", details=details)

    @staticmethod
    def _refused(path: Path, sha: str, size: int, exc: InputError) -> FileResult:
        """A bad term list or input line: a user error for the whole run (summarise raises it)."""
        error = {"message": exc.message, "source": exc.source, "line": exc.line, "field": exc.field}
        finding = ProbeFinding.coded("", Severity.LOW, str(path), "content.input.refused", {"error": exc}, sha)
        return FileResult(str(path), sha, size, Verdict.ERROR, findings=(finding,), details={"input_error": error})

    def _whole(self, path: Path, options: Mapping[str, Any]) -> FileResult:
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        size = len(data)
        try:
            screen = screen_for(options)
            fmt = check_format(str(options.get("format", "auto")))
            decoded = decode(data)
            if decoded.text is None:
                return self._skipped(path, sha, size, decoded.reason)
            docs = list(documents(path, fmt, str(options.get("field", "text")), decoded.text))
        except InputError as exc:
            return self._refused(path, sha, size, exc)
        out = [pair for doc in docs for pair in self._document(doc, screen, options, sha)]
        counts = Counter(str(record["kind"]) for record, _ in out)
        facts = Survey(sha, size, decoded.encoding)
        kind = docs[0].kind if docs else "jsonl"
        hidden = [h for doc in docs for h in doc.hidden]
        return self._result(path, facts, kind, len(docs), hidden, out[: self.max_listed], counts)

    def _document(
        self, doc: Document, screen: Screen, options: Mapping[str, Any], sha: str
    ) -> list[tuple[dict[str, Any], ProbeFinding]]:
        out: list[tuple[dict[str, Any], ProbeFinding]] = []
        matches = list(screen.iter_matches(normalise(doc.text, screen.options)))
        for m in matches:
            hidden = next((h for h in doc.hidden if h.start <= m.start and m.end <= h.end), None)
            out.append(self._term(doc, m, doc.text[m.start : m.end], hidden.reason if hidden else None, sha))
        for h in doc.hidden:
            has_terms = any(h.start <= m.start and m.end <= h.end for m in matches)
            if has_terms or h.links:
                out.append(self._hidden(doc, h, doc.text[h.start : h.end], has_terms, sha))
        if _switch(options, "spam"):
            out += [self._spam(doc, f, doc.text[f.start : f.end], sha) for f in find_spam(doc.text)]
        return out

    def _hidden(
        self, doc: Document, h: HiddenElement, text: str, has_terms: bool, sha: str
    ) -> tuple[dict[str, Any], ProbeFinding]:
        """A hidden element holding terms or links; `text` is (at least the start of) its text."""
        said = {"reason": h.reason, "snippet": _snippet(text)}
        words = (
            ("content.hidden.terms", said)
            if has_terms
            else ("content.hidden.links", {**said, "count": len(h.links), "link": h.links[0]})
        )
        severity = Severity.HIGH if has_terms else Severity.MEDIUM
        return self._record(doc, "hidden-text", h.start, h.end, severity, words, sha, SPAM_CLAUSE)

    def _term(
        self, doc: Document, m: Match, shown: str, hidden: str | None, sha: str
    ) -> tuple[dict[str, Any], ProbeFinding]:
        """A term found; `shown` is the original text matched, `hidden` why it is hidden from readers if so."""
        params = {
            "category": m.term.category,
            "term": m.normalised,
            "snippet": _snippet(shown),
            "line": m.term.line,
            **({"hidden": hidden} if hidden else {}),
        }
        return self._record(
            doc,
            "term",
            m.start,
            m.end,
            m.term.severity,
            ("content.term.found", params),
            sha,
            TERM_CLAUSE,
            normalised=m.normalised,
            category=m.term.category,
        )

    def _spam(self, doc: Document, s: SpamFinding, shown: str, sha: str) -> tuple[dict[str, Any], ProbeFinding]:
        said = {"kind": s.kind, "reason": s.reason, "snippet": _snippet(shown)}
        return self._record(
            doc, s.kind, s.start, s.end, Severity.MEDIUM, ("content.spam.injected", said), sha, SPAM_CLAUSE
        )

    @staticmethod
    def _record(
        doc: Document,
        kind: str,
        start: int,
        end: int,
        severity: Severity,
        words: tuple[str, Mapping[str, object]],
        sha: str,
        clause: str,
        **extra: str,
    ) -> tuple[dict[str, Any], ProbeFinding]:
        """`words`: the finding's code and parameters."""
        location = f"{doc.where}#{start}-{end}"
        record = {"where": doc.where, "kind": kind, "start": start, "end": end, "severity": severity.value, **extra}
        code, params = words
        return record, ProbeFinding.coded(ITEM_FEATURES, severity, location, code, params, sha, clause)

    def summarise(self, results: list[FileResult]) -> dict[str, Any]:
        for result in results:
            error = result.details.get("input_error")
            if error:
                raise InputError(error["message"], source=error["source"], line=error["line"], field=error["field"])
        kinds: Counter[str] = Counter()
        for r in results:
            kinds.update(r.details.get("counts") or Counter(str(f["kind"]) for f in r.details.get("found", [])))
        return {
            "files": len(results),
            "verdicts": dict(sorted(Counter(r.verdict.value for r in results).items())),
            "documents": sum(int(r.details.get("documents", 0)) for r in results),
            "found": dict(sorted(kinds.items())),
        }
