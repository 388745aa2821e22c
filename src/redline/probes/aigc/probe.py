"""The aigc-label probe: one verdict per file, from every carrier its format has.

Most files carry no label. For the formats of `markers.QUICK_KINDS` the probe reads the file once, hashing it
and scanning it for the bytes any carrier needs (markers.py). A file of up to 1 MiB without them is only walked
by its format's reader (which finds nothing there, but still says when the structure is broken): no text is
decoded, no XMP or JSON read, no C2PA looked for. Every other file is parsed in full, from the bytes already read
when it fits in one piece. Both paths give the same result, field for field.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import zipfile
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from redline.domain.assessment import Severity
from redline.probes.aigc import carriers, markers
from redline.probes.aigc.label import MEASURES_ART5, UNIQUE, CheckedLabel, RawLabel, check_label
from redline.probes.base import FileResult, ProbeFinding, ProbeInfo, Verdict

ITEM_IMPLICIT = "ailabel2025-5-metadata-implicit-label"
ITEM_FIELDS = "ailabel2025-5-metadata-fields"
ITEM_EXPLICIT = "ailabel2025-4-text-explicit"
IMAGE_KINDS = frozenset({"jpeg", "png", "webp", "tiff", "gif"})
PARSE_ERRORS = (
    carriers.CarrierError,
    IndexError,
    ValueError,
    KeyError,
    OverflowError,
    RecursionError,
    UnicodeDecodeError,
    zipfile.BadZipFile,
    EOFError,
)


def _kind(path: Path, data: carriers.Buffer) -> str | None:
    fmt = carriers.detect(bytes(data[:4096]))
    if fmt == "zip":
        try:
            with zipfile.ZipFile(path) as archive:
                return "ooxml" if "[Content_Types].xml" in archive.namelist() else None
        except zipfile.BadZipFile:
            return None
    return fmt


CHUNK = 1 << 20  # the quick path reads, hashes and scans a file in pieces of this size


def _digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class _Read(NamedTuple):
    kind: str | None
    sha256: str
    size: int
    marked: bool  # a carrier marker was seen, or the kind is not one the quick path serves
    data: bytes | None  # the whole file, when it fitted in the first piece


def _read_once(path: Path) -> _Read:
    """One read of the file in bounded pieces: its kind (from the first piece), SHA-256 and size, and for the
    kinds of markers.QUICK_KINDS whether a carrier marker occurs anywhere in it."""
    with path.open("rb", buffering=0) as handle:
        size = os.fstat(handle.fileno()).st_size
        piece = handle.read(CHUNK)
        kind = carriers.detect(piece[:4096])
        quick = kind in markers.QUICK_KINDS
        sha, marked, tail = hashlib.sha256(piece), not quick or markers.has_marker(piece), piece[-markers.OVERLAP :]
        whole = piece if len(piece) < CHUNK else None
        while len(piece) == CHUNK:  # a short read of a regular file is its end
            piece = handle.read(CHUNK)
            sha.update(piece)
            if not marked:
                window = tail + piece  # a marker cut by the border is whole here
                marked = markers.has_marker(window)
                tail = window[-markers.OVERLAP :]
    return _Read(kind, sha.hexdigest(), size, marked, whole)


def _walks(kind: str, data: bytes) -> bool:
    """Whether the format's reader follows the file's structure to the end and finds nothing, as it must in a
    file without carrier markers: a broken file goes on to the full parse, which calls it unparsable."""
    read = carriers.reader(kind)
    try:
        return read is not None and not read(data)
    except PARSE_ERRORS:
        return False


class AigcLabelProbe:
    info = ProbeInfo(
        name="aigc-label",
        version="0.1.0",
        title="GB 45438-2025 implicit labels in file metadata (and explicit text labels)",
        items=(ITEM_IMPLICIT, ITEM_FIELDS, ITEM_EXPLICIT, "dsm2022-16-implicit-mark"),
        inputs=("files", "directories"),
        options={
            "explicit": "check text and Markdown for an explicit label at head or tail (default true)",
            "c2pa": "also read C2PA manifests, offline (default true)",
            "ocr": "OCR image corners and edges for a visible label with tesseract (default false: slow)",
            "strict_propagation": "call a label whose ContentPropagator or PropagateID is empty non-compliant "
            "(default false: a warning, since that they must equal the producer at "
            "first write is one implementation's reading of Annex E note 1)",
            "quick": "say no label after only a walk of the structure of a JPEG, PNG, WebP, WAV, FLAC or MP4/MOV "
            "file none of whose bytes can belong to a carrier, with the full parse's result (default true; false, "
            "or REDLINE_PURE_PYTHON=1, parses every file)",
        },
    )

    def check_file(self, path: Path, options: Mapping[str, Any]) -> FileResult:
        if options.get("quick", True) is False or options.get("ocr", False) or markers.pure_python():
            return self._parse(path, options)
        known = _read_once(path)
        if known.kind is not None and not known.marked and known.data is not None and _walks(known.kind, known.data):
            return self._judge(path, known.sha256, known.size, known.kind, [], {})
        if known.data is not None:  # parsed from the bytes already read, hashed once
            return self._parse_bytes(path, options, known.sha256, known.data)
        return self._parse(path, options, known.sha256)

    def _parse(self, path: Path, options: Mapping[str, Any], sha: str = "") -> FileResult:
        """The full path: every carrier of the file's format parsed (the reference for the quick path)."""
        size = path.stat().st_size
        sha = sha or _digest(path)
        if size == 0:
            return self._parse_bytes(path, options, sha, b"")
        with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return self._examine(path, options, sha, size, data)

    def _parse_bytes(self, path: Path, options: Mapping[str, Any], sha: str, data: bytes) -> FileResult:
        if not data:
            return FileResult(
                str(path),
                sha,
                0,
                Verdict.INCONCLUSIVE,
                "",
                findings=(self._finding(ITEM_IMPLICIT, Severity.LOW, path, "aigc.file.empty", {}, sha),),
            )
        return self._examine(path, options, sha, len(data), data)

    def _examine(
        self, path: Path, options: Mapping[str, Any], sha: str, size: int, data: carriers.Buffer
    ) -> FileResult:
        kind = _kind(path, data)
        details: dict[str, Any] = {}
        if kind is None:
            return FileResult(
                str(path),
                sha,
                size,
                Verdict.INCONCLUSIVE,
                "unknown",
                findings=(self._finding(ITEM_IMPLICIT, Severity.LOW, path, "aigc.file.unknown", {}, sha),),
            )
        read = carriers.reader(kind)
        try:
            raws: list[RawLabel] = read(data) if read else []
        except PARSE_ERRORS as exc:
            return FileResult(
                str(path),
                sha,
                size,
                Verdict.ERROR,
                kind,
                findings=(
                    self._finding(
                        ITEM_IMPLICIT, Severity.LOW, path, "aigc.file.unparsable", {"kind": kind, "error": exc}, sha
                    ),
                ),
            )
        if kind in ("text", "markdown") and options.get("explicit", True):
            details["explicit"] = self._explicit(data)
        if kind in IMAGE_KINDS and options.get("ocr", False):
            from redline.probes.aigc.ocr import explicit_image_label

            details["explicit"] = explicit_image_label(path)
        if options.get("c2pa", True):
            manifest = self._c2pa(path, kind, data)
            if manifest is not None:
                details["c2pa"] = manifest
        if kind == "text":
            return self._judge_text(path, sha, size, details)
        if read is None:
            return FileResult(
                str(path),
                sha,
                size,
                Verdict.INCONCLUSIVE,
                kind,
                details=details,
                findings=(
                    self._finding(ITEM_IMPLICIT, Severity.LOW, path, "aigc.file.no_reader", {"kind": kind}, sha),
                ),
            )
        strict = options.get("strict_propagation", False) is True
        mentions = [r for r in raws if r.mention]
        if mentions:
            details["notes"] = [f"{r.carrier}: names AIGC but holds no label ({r.text[:40]!r})" for r in mentions]
        labels = [check_label(r, strict) for r in raws if not r.mention]
        return self._judge(path, sha, size, kind, labels, details)

    def _judge_text(self, path: Path, sha: str, size: int, details: dict[str, Any]) -> FileResult:
        """Plain text has no metadata: only the explicit label at head or tail can be checked."""
        explicit = details.get("explicit")
        if explicit is None:
            return FileResult(str(path), sha, size, Verdict.INCONCLUSIVE, "text", details=details)
        if explicit.get("found"):
            return FileResult(
                str(path),
                sha,
                size,
                Verdict.COMPLIANT,
                "text",
                (f"text/explicit-{explicit.get('where')}",),
                (),
                details,
            )
        finding = self._finding(
            ITEM_EXPLICIT, Severity.MEDIUM, path, "aigc.explicit.missing", {}, sha, str(explicit.get("clause", ""))
        )
        return FileResult(str(path), sha, size, Verdict.NO_LABEL, "text", (), (finding,), details)

    def _judge(
        self, path: Path, sha: str, size: int, kind: str, labels: list[CheckedLabel], details: dict[str, Any]
    ) -> FileResult:
        carriers_found = tuple(label.carrier for label in labels)
        details["labels"] = [
            {
                "carrier": c.carrier,
                "form": c.form,
                "fields": c.fields,
                "problems": [p.message for p in c.problems if not p.warning],
                "warnings": [p.message for p in c.problems if p.warning],
            }
            for c in labels
        ]
        if not labels:
            finding = self._finding(
                ITEM_IMPLICIT, Severity.MEDIUM, path, "aigc.implicit.missing", {}, sha, MEASURES_ART5
            )
            return FileResult(str(path), sha, size, Verdict.NO_LABEL, kind, (), (finding,), details)
        findings = [
            self._finding(
                ITEM_FIELDS,
                Severity.HIGH,
                path,
                "aigc.implicit.invalid",
                {"carrier": c.carrier, "problem": p.message},
                sha,
                p.clause,
            )
            for c in labels
            for p in c.problems
            if not p.warning
        ]
        if len(labels) > 1:
            findings.append(
                self._finding(
                    ITEM_FIELDS,
                    Severity.HIGH,
                    path,
                    "aigc.implicit.multiple",
                    {"count": len(labels), "carriers": ", ".join(carriers_found)},
                    sha,
                    UNIQUE,
                )
            )
        verdict = Verdict.NON_COMPLIANT if findings else Verdict.COMPLIANT
        findings += [
            self._finding(
                ITEM_FIELDS,
                Severity.LOW,
                path,
                "aigc.implicit.warning",
                {"carrier": c.carrier, "problem": p.message},
                sha,
                p.clause,
            )
            for c in labels
            for p in c.problems
            if p.warning
        ]
        return FileResult(str(path), sha, size, verdict, kind, carriers_found, tuple(findings), details)

    @staticmethod
    def _finding(
        item: str, severity: Severity, path: Path, code: str, params: dict[str, object], sha: str, clause: str = ""
    ) -> ProbeFinding:
        return ProbeFinding.coded(item, severity, str(path), code, params, sha, clause)

    @staticmethod
    def _explicit(data: carriers.Buffer) -> dict[str, Any]:
        from redline.probes.aigc.text import explicit_label

        return explicit_label(bytes(data[: 1 << 20]).decode("utf-8", errors="replace"))

    @staticmethod
    def _c2pa(path: Path, kind: str, data: carriers.Buffer) -> dict[str, Any] | None:
        from redline.probes.aigc.c2pa_check import inspect

        return inspect(path, kind, data)

    def summarise(self, results: list[FileResult]) -> dict[str, Any]:
        verdicts = Counter(r.verdict.value for r in results)
        return {
            "files": len(results),
            "verdicts": dict(sorted(verdicts.items())),
            "by_kind": dict(sorted(Counter(r.kind or "unknown" for r in results).items())),
            "carriers": dict(sorted(Counter(c for r in results for c in r.carriers).items())),
        }
