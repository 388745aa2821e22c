"""What a file's result holds of its findings: counts of all of them, and the first `MAX_LISTED` of them.

A large file can hold hundreds of thousands of findings; kept whole they grow memory with the file (and the
JSON output with them), and no reviewer reads past the first pages. So every finding is counted by kind, and
the first MAX_LISTED in report order (terms pass by pass, each in text order, then spam in text order) are
listed, with the cap stated in the result (docs/adr/0026-content-screen-findings-capped-per-file.md).
Pieces of a streamed file arrive in text order: each pass keeps its own first MAX_LISTED, which together
hold the first MAX_LISTED of the whole, exactly as the whole-file path lists them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from redline.probes.content_screen.matcher import Match
from redline.probes.content_screen.spam import SpamFinding

MAX_LISTED = 1000


@dataclass
class Listing:
    """Findings of one file as they come, piece by piece."""

    cap: int = MAX_LISTED
    counts: Counter[str] = field(default_factory=Counter)
    _terms: dict[int, list[tuple[Match, str]]] = field(default_factory=dict)
    _spam: list[tuple[SpamFinding, str]] = field(default_factory=list)

    def add_terms(self, ranked: list[tuple[int, Match, str]]) -> None:
        """Term matches of the next piece, with the pass each comes from (matcher.ranked_matches)."""
        self.counts["term"] += len(ranked)
        for rank, match, shown in ranked:
            kept = self._terms.setdefault(rank, [])
            if len(kept) < self.cap:
                kept.append((match, shown))

    def add_spam(self, found: list[tuple[SpamFinding, str]]) -> None:
        """Spam findings of the next piece."""
        self.counts.update(f.kind for f, _ in found)
        room = self.cap - len(self._spam)
        if room > 0:
            self._spam += sorted(found, key=lambda s: (s[0].start, s[0].end))[:room]

    def terms(self) -> list[tuple[Match, str]]:
        """The first listed term matches, pass by pass."""
        return [pair for rank in sorted(self._terms) for pair in self._terms[rank]][: self.cap]

    def spam(self) -> list[tuple[SpamFinding, str]]:
        """The spam findings listed after the terms, up to the cap in all."""
        return self._spam[: self.cap - len(self.terms())]
