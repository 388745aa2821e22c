"""Judgements as users write them, in a change file or on the platform: a known question, the answer,
who decided, when, and why. Nothing is recorded without an author and reasons."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from redline.domain.filenames import line_value
from redline.domain.judgements import Judgement, QuestionId


def _said(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty: say why")
    return value.strip()


class JudgementIn(BaseModel):
    """`{question, answer: yes|no, by, date, reasons}`."""

    model_config = ConfigDict(extra="forbid")

    question: QuestionId
    answer: bool
    by: Annotated[str, AfterValidator(line_value), AfterValidator(_said)] = Field(min_length=1)
    date: dt.date
    reasons: Annotated[str, AfterValidator(_said)] = Field(min_length=1)

    def judgement(self) -> Judgement:
        return Judgement(self.question, self.answer, self.by, self.date, self.reasons)
