"""A message in both languages the product speaks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """A message in both languages the product speaks: zh-CN first, then English."""

    zh: str
    en: str
