"""The content-screen probe: terms (after normalisation) and injected spam in user-facing text.

Findings give the original character range `[start, end)` of what was found, so a reviewer sees exactly
what the reader saw: `path#start-end` for text and HTML (offsets into the file's text, or into the page's
extracted text), `path:line#start-end` for a post in JSON lines (offsets into its field).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from redline.domain.assessment import Severity
from redline.errors import InputError
from redline.probes.base import FileResult, ProbeFinding, ProbeInfo, Verdict
from redline.probes.content_screen.decode import decode
from redline.probes.content_screen.inputs import Document, check_format, documents
from redline.probes.content_screen.matcher import Screen, compiled
from redline.probes.content_screen.normalise import Options, normalise
from redline.probes.content_screen.spam import find_spam
from redline.probes.content_screen.terms import DEMO_TERMS

ITEM_FEATURES = "sa2018-5-4-feature-screening"
ITEM_PROFILES = "sa2018-5-4-profile-screening"
TERM_CLAUSE = "具有舆论属性或社会动员能力的互联网信息服务安全评估规定 第五条第（四）项"
SPAM_CLAUSE = "网络信息内容生态治理规定"
SWITCHES = ("nfkc", "width", "t2s", "invisible", "separators", "homoglyphs", "spam")
SNIPPET = 40
BOOLEAN_WORDS = ("true", "false", "1", "0", "yes", "no", "on", "off")


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
            **{name: f"{name} normalisation or detection (default true)" for name in SWITCHES},
        },
        file_options=("terms",),
    )

    def check_options(self, options: Mapping[str, Any]) -> None:
        """Values checked before a campaign stores them (the CLI checks them as it runs)."""
        check_format(str(options.get("format", "auto")))
        for name in SWITCHES:
            value = options.get(name, True)
            if not isinstance(value, bool) and str(value).strip().lower() not in BOOLEAN_WORDS:
                raise InputError(f"{name} must be true or false", field=name)

    def check_file(self, path: Path, options: Mapping[str, Any]) -> FileResult:
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        size = len(data)
        try:
            screen = screen_for(options)
            fmt = check_format(str(options.get("format", "auto")))
            decoded = decode(data)
            if decoded.text is None:  # a binary file gives nonsense findings: skipped, whatever the format
                return FileResult(
                    str(path),
                    sha,
                    size,
                    Verdict.INCONCLUSIVE,
                    "binary",
                    details={"skipped": decoded.reason, "documents": 0, "found": [], "hidden": []},
                )
            docs = list(documents(path, fmt, str(options.get("field", "text")), decoded.text))
        except InputError as exc:  # a bad term list is a user error for the whole run: summarise raises it
            error = {"message": exc.message, "source": exc.source, "line": exc.line, "field": exc.field}
            finding = ProbeFinding.coded("", Severity.LOW, str(path), "content.input.refused", {"error": exc}, sha)
            return FileResult(str(path), sha, size, Verdict.ERROR, findings=(finding,), details={"input_error": error})
        findings: list[ProbeFinding] = []
        found: list[dict[str, Any]] = []
        for doc in docs:
            for record, finding in self._document(doc, screen, options, sha):
                found.append(record)
                findings.append(finding)
        kind = docs[0].kind if docs else "jsonl"
        verdict = Verdict.NON_COMPLIANT if findings else Verdict.COMPLIANT
        details = {
            "documents": len(docs),
            "found": found,
            "hidden": [
                {"where": d.where, "start": h.start, "end": h.end, "tag": h.tag, "reason": h.reason}
                for d in docs
                for h in d.hidden
            ],
        }
        return FileResult(str(path), sha, size, verdict, kind, findings=tuple(findings), details=details)

    def _document(
        self, doc: Document, screen: Screen, options: Mapping[str, Any], sha: str
    ) -> list[tuple[dict[str, Any], ProbeFinding]]:
        out: list[tuple[dict[str, Any], ProbeFinding]] = []
        matches = list(screen.iter_matches(normalise(doc.text, screen.options)))
        for m in matches:
            hidden = next((h for h in doc.hidden if h.start <= m.start and m.end <= h.end), None)
            params = {
                "category": m.term.category,
                "term": m.normalised,
                "snippet": _snippet(doc.text[m.start : m.end]),
                "line": m.term.line,
                **({"hidden": hidden.reason} if hidden else {}),
            }
            out.append(
                self._record(
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
            )
        for h in doc.hidden:
            has_terms = any(h.start <= m.start and m.end <= h.end for m in matches)
            if has_terms or h.links:
                said = {"reason": h.reason, "snippet": _snippet(doc.text[h.start : h.end])}
                words = (
                    ("content.hidden.terms", said)
                    if has_terms
                    else ("content.hidden.links", {**said, "count": len(h.links), "link": h.links[0]})
                )
                out.append(
                    self._record(
                        doc,
                        "hidden-text",
                        h.start,
                        h.end,
                        Severity.HIGH if has_terms else Severity.MEDIUM,
                        words,
                        sha,
                        SPAM_CLAUSE,
                    )
                )
        if _switch(options, "spam"):
            for s in find_spam(doc.text):
                said = {"kind": s.kind, "reason": s.reason, "snippet": _snippet(doc.text[s.start : s.end])}
                out.append(
                    self._record(
                        doc, s.kind, s.start, s.end, Severity.MEDIUM, ("content.spam.injected", said), sha, SPAM_CLAUSE
                    )
                )
        return out

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
        kinds = Counter(str(f["kind"]) for r in results for f in r.details.get("found", []))
        return {
            "files": len(results),
            "verdicts": dict(sorted(Counter(r.verdict.value for r in results).items())),
            "documents": sum(int(r.details.get("documents", 0)) for r in results),
            "found": dict(sorted(kinds.items())),
        }
