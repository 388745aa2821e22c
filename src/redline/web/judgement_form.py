"""The filing page's judgement form: which questions it asks, and what a person entered in it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from redline.errors import InputError

MAX_REASONS = 4_000
ANSWERS = {"yes": True, "no": False}


@dataclass(frozen=True)
class JudgementForm:
    """What was entered, kept to show the form again with the message when it is refused."""

    question: str
    answer: str
    reasons: str
    error: str = ""
    field: str = ""

    @classmethod
    def of(cls, form: Mapping[str, Any]) -> JudgementForm:
        def value(name: str, limit: int) -> str:
            raw = form.get(name, "")
            return raw[: limit + 1] if isinstance(raw, str) else ""

        return cls(value("question", 200).strip(), value("answer", 10).strip(), value("reasons", MAX_REASONS))

    def yes(self) -> bool:
        """The answer as a bool; refuses a missing answer and reasons past the bound."""
        if len(self.reasons) > MAX_REASONS:
            raise InputError(f"at most {MAX_REASONS} characters", field="reasons")
        if self.answer not in ANSWERS:
            raise InputError("choose yes or no", field="answer")
        return ANSWERS[self.answer]

    def failed(self, exc: InputError) -> JudgementForm:
        return replace(self, error=exc.message, field=exc.field or "")
