"""The journal of a batch run: JSON lines of finished files, so a cancelled or crashed run resumes.

Line 1 is a header naming the probe, its version and the options: a journal is only reused by the same
run. Each further line is one finished file with the size and modification time it had when the run
started; a file changed since then is checked again. The last record of a path wins.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from redline.domain.assessment import Severity
from redline.errors import InputError
from redline.probes.base import FileResult, ProbeFinding, ProbeInfo, Verdict
from redline.probes.runner import result_dict

FORMAT = "redline/probe-batch-journal"


@dataclass(frozen=True)
class Stamp:
    """What identifies an unchanged file: its size and modification time in nanoseconds."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> Stamp | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return cls(st.st_size, st.st_mtime_ns)


def result_from_dict(d: Mapping[str, Any]) -> FileResult:
    """The inverse of `runner.result_dict`."""
    findings = tuple(
        ProbeFinding(
            f["item"],
            Severity(f["severity"]),
            f["location"],
            f["message"],
            f["evidence"],
            f.get("clause", ""),
            f.get("code", ""),
            f.get("params", {}),
        )
        for f in d["findings"]
    )
    return FileResult(
        d["path"],
        d["sha256"],
        int(d["size"]),
        Verdict(d["verdict"]),
        d["kind"],
        tuple(d["carriers"]),
        findings,
        d["details"],
    )


def _header(info: ProbeInfo, options: Mapping[str, Any]) -> dict[str, Any]:
    # options go through JSON once so that the header read back compares equal to a fresh one
    plain = json.loads(json.dumps(dict(options), default=str, sort_keys=True))
    return {"journal": FORMAT, "probe": info.name, "probe_version": info.version, "options": plain}


class Journal:
    """Append-only; every record is flushed at once so a killed run loses at most one line."""

    def __init__(self, path: Path, info: ProbeInfo, options: Mapping[str, Any]) -> None:
        self.path = path
        self.finished: dict[str, tuple[Stamp, FileResult]] = {}
        header = _header(info, options)
        fresh = not path.exists() or path.stat().st_size == 0
        if not fresh:
            self._read(header)
        try:
            self._handle: IO[str] = path.open("a", encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write the journal: {exc.strerror}", source=str(path)) from None
        if fresh:
            self._write(header)

    def _read(self, header: dict[str, Any]) -> None:
        try:
            data = self.path.read_bytes()
            complete = data.rfind(b"\n") + 1
            if complete < len(data):  # the run was killed while writing its last line: drop that line
                with self.path.open("r+b") as handle:
                    handle.truncate(complete)
            lines = data[:complete].decode("utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read the journal: {exc}", source=str(self.path)) from None
        try:
            found = json.loads(lines[0]) if lines else None
        except json.JSONDecodeError:
            found = None
        if found != header:
            raise InputError(
                f"the journal belongs to another run (expected {header['probe']} "
                f"{header['probe_version']} with options {header['options']}, found "
                f"{_describe(found)}); give a new journal file or delete this one",
                source=str(self.path),
                line=1,
            )
        for number, line in enumerate(lines[1:], start=2):
            try:
                record = json.loads(line)
                stamp = Stamp(int(record["size"]), int(record["mtime_ns"]))
                self.finished[record["path"]] = (stamp, result_from_dict(record["result"]))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise InputError(f"damaged journal record: {exc}", source=str(self.path), line=number) from None

    def done(self, path: Path, stamp: Stamp | None) -> FileResult | None:
        """The recorded result when the file is unchanged since it was recorded."""
        entry = self.finished.get(str(path))
        if entry is None or stamp is None or entry[0] != stamp:
            return None
        return entry[1]

    def record(self, path: Path, stamp: Stamp | None, result: FileResult) -> None:
        if stamp is not None:
            self._write(
                {"path": str(path), "size": stamp.size, "mtime_ns": stamp.mtime_ns, "result": result_dict(result)},
                flush=False,
            )

    def flush(self) -> None:
        self._handle.flush()

    def close(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()

    def _write(self, value: dict[str, Any], flush: bool = True) -> None:
        self._handle.write(json.dumps(value, ensure_ascii=False, default=str) + "\n")
        if flush:
            self._handle.flush()


def _describe(header: Any) -> str:
    if not isinstance(header, dict) or header.get("journal") != FORMAT:
        return "no journal header"
    return f"{header.get('probe')} {header.get('probe_version')} with options {header.get('options')}"
