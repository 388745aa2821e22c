"""A fictional local rulebook package: the directory `rules/` holds a manifest, a regulation, a trigger and a
checklist in redline's rulebook schema, in force only in Shanghai."""

from __future__ import annotations

from pathlib import Path


def rulebook_dir() -> Path:
    return Path(__file__).parent / "rules"
