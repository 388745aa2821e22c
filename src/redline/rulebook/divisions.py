"""GB/T 2260 administrative divisions: names, levels and the prefecture above a county."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from redline.rulebook.place_names import english_name

# Prefecture-level entries that are placeholders, not a city government of their own.
_PLACEHOLDER_PREFECTURES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


class Level(StrEnum):
    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: Level
    parent: str | None


class Divisions:
    """Lookup over the division table shipped in the rulebook (see data/README.md)."""

    def __init__(self, rows: list[Division]) -> None:
        self._by_code = {d.code: d for d in rows}

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Division | None:
        return self._by_code.get(code)

    def all(self) -> Iterator[Division]:
        return iter(self._by_code.values())

    def chain(self, code: str) -> list[Division]:
        """The division and its ancestors, nearest first."""
        out: list[Division] = []
        current = self._by_code.get(code)
        while current is not None:
            out.append(current)
            current = self._by_code.get(current.parent) if current.parent else None
        return out

    def local_authority_seat(self, code: str) -> Division | None:
        """The prefecture-level or higher division whose CAC and PSB receive a provider's report.

        Municipalities (北京市 …) and counties directly under a province have no real
        prefecture above them; their province-level division is the seat.
        """
        for division in self.chain(code):
            if division.level is Level.PREFECTURE and division.name not in _PLACEHOLDER_PREFECTURES:
                return division
            if division.level is Level.PROVINCE:
                return division
        return None

    def full_name(self, code: str) -> str:
        names = [d.name for d in reversed(self.chain(code)) if d.name not in _PLACEHOLDER_PREFECTURES]
        return "".join(names)

    def name_en(self, code: str) -> str:
        """The division's English name (杭州市 → Hangzhou); the code itself when it is unknown."""
        division = self._by_code.get(code)
        return english_name(division.name) if division else code

    def full_name_en(self, code: str) -> str:
        """From the place up to its province, in English: Xihu District, Hangzhou, Zhejiang Province."""
        names = [english_name(d.name) for d in self.chain(code) if d.name not in _PLACEHOLDER_PREFECTURES]
        return ", ".join(names)

    def is_placeholder(self, code: str) -> bool:
        """A prefecture-level entry that stands for no city government (北京市's 市辖区)."""
        division = self._by_code.get(code)
        return division is not None and division.name in _PLACEHOLDER_PREFECTURES

    def children(self, code: str) -> list[Division]:
        """The divisions directly under `code`, by code; a placeholder prefecture gives way to the counties
        under it (北京市's children are its districts). `code` "100000" (national) has the provinces."""
        if code == "100000":
            return sorted((d for d in self._by_code.values() if d.level is Level.PROVINCE), key=lambda d: d.code)
        out: list[Division] = []
        for d in sorted(self._by_code.values(), key=lambda d: d.code):
            if d.parent != code:
                continue
            out.extend(self.children(d.code) if d.name in _PLACEHOLDER_PREFECTURES else [d])
        return out

    def contains(self, outer: str, inner: str) -> bool:
        """Whether division `inner` lies within `outer` (a division contains itself)."""
        return any(d.code == outer for d in self.chain(inner))
