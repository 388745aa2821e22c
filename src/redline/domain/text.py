"""A message in both languages the product speaks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """zh-CN first, with its English."""

    zh: str
    en: str

    def __add__(self, other: Text) -> Text:
        starts = other.en[:1]
        tight = not self.en or self.en[-1].isspace() or not starts or starts.isspace() or starts in ".,;:)"
        glue = "" if tight else " "
        return Text(self.zh + other.zh, self.en + glue + other.en)


def join(items: list[Text], zh_sep: str = "、", en_sep: str = ", ") -> Text:
    return Text(zh_sep.join(t.zh for t in items), en_sep.join(t.en for t in items))
