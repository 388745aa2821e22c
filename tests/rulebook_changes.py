"""A changed rulebook built from the real data in a temporary directory, as an upgrade would bring it:
Art. 3 of the 2018 rule renumbered as Art. 30 (every citation follows), the growth trigger's deadline cut
from 30 to 20 working days, and a question added to the Art. 5 checklist."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from redline.rulebook.loader import DATA_DIR

RENUMBERED_FROM, RENUMBERED_TO = 3, 30
DEADLINE_TRIGGER = "sa2018-3-3"
NEW_ITEM = "sa2018-5-1-incident-drill"
CHECKLIST = "sa2018-art5"
_CITE_ART3 = re.compile(r"sa2018:3(?![0-9])")


def _rewrite(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _renumber(data: dict[str, Any]) -> None:
    for article in data["articles"]:
        if article["number"] == RENUMBERED_FROM:
            article["number"] = RENUMBERED_TO


def _deadline(data: dict[str, Any]) -> None:
    for trigger in data["triggers"]:
        if trigger["id"] == DEADLINE_TRIGGER:
            trigger["deadline"]["days"] = 20


def _new_item(data: dict[str, Any]) -> None:
    data["items"].append(
        {
            "id": NEW_ITEM,
            "question_zh": "是否每年组织一次安全事件应急演练？",
            "question_en": "Is a security-incident drill held every year?",
            "who_zh": "安全管理负责人",
            "who_en": "Head of security management",
            "evidence_zh": ["应急演练记录"],
            "evidence_en": ["Records of the drill"],
            "quotes": [{"cite": "sa2018:5(1)", "text": "安全管理负责人"}],
        }
    )


def changed_rulebook(root: Path, label: str = "2027.1") -> Path:
    """The real rulebook data copied under `root`, with the three changes above; the data directory."""
    data = root / "rulebook-changed"
    shutil.copytree(DATA_DIR, data)
    for path in [data / "triggers.yaml", data / "vocabulary.yaml", *(data / "checklists").glob("*.yaml")]:
        path.write_text(_CITE_ART3.sub(f"sa2018:{RENUMBERED_TO}", path.read_text(encoding="utf-8")), encoding="utf-8")
    _rewrite(data / "regulations" / "sa2018.yaml", _renumber)
    _rewrite(data / "triggers.yaml", _deadline)
    _rewrite(data / "checklists" / f"{CHECKLIST}.yaml", _new_item)
    manifest = (data / "rulebook.yaml").read_text(encoding="utf-8")
    (data / "rulebook.yaml").write_text(re.sub(r'version: "[^"]*"', f'version: "{label}"', manifest), "utf-8")
    return data
