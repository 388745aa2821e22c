"""The words for the rulebook's values: places by name, functions, technologies and attributes, kinds of change,
in the reader's language. Handed to every template as `terms` by `web/templating.render`; the CLI uses them too."""

from __future__ import annotations

from dataclasses import dataclass

from redline.domain.jurisdiction import NATIONAL
from redline.errors import NotFoundError
from redline.rulebook.book import Rulebook
from redline.words import N_, gettext_for
from redline.words.labels import CAMPAIGN_STATES, CHANGE_KINDS, DOCUMENT_KINDS, STATES, TAGS, label


@dataclass(frozen=True)
class Terms:
    book: Rulebook | None
    lang: str

    @property
    def zh(self) -> bool:
        return self.lang == "zh-CN"

    def place(self, code: str | None) -> str:
        """A GB/T 2260 code by name (浙江省杭州市 / Hangzhou, Zhejiang Province); an unknown code as it is."""
        if not code:
            return ""
        if code == NATIONAL:
            return gettext_for(self.lang)(N_("National (all of China)"))
        divisions = self.book.divisions if self.book else None
        if divisions is None or divisions.get(code) is None:
            return code
        return divisions.full_name(code) if self.zh else divisions.full_name_en(code)

    def capability(self, cap_id: str) -> str:
        try:
            cap = self.book.capability(cap_id) if self.book else None
        except NotFoundError:
            cap = None
        return (cap.zh if self.zh else cap.en) if cap else cap_id

    def technology(self, tech_id: str) -> str:
        found = next((t for t in self.book.technologies if t.id == tech_id), None) if self.book else None
        return (found.zh if self.zh else found.en) if found else tech_id

    def tag(self, tag: str) -> str:
        return label(TAGS, tag, self.lang)

    def document_title(self, kind: str, title: str) -> str:
        """An issued document's official (Chinese) title; in English, the name of its kind."""
        return title if self.zh or kind not in DOCUMENT_KINDS else label(DOCUMENT_KINDS, kind, self.lang)

    def campaign_state(self, state: str) -> str:
        return label(CAMPAIGN_STATES, state, self.lang)

    def change_kind(self, kind: str) -> str:
        return label(CHANGE_KINDS, kind, self.lang)

    def state(self, state: str) -> str:
        return label(STATES, state, self.lang)
