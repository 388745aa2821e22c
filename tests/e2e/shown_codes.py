"""What a code looks like where a word belongs (issue 19, item 6): an identifier in snake_case (`add_capability`,
`notice_issued`) or a bare GB/T 2260 region code (`330106`). Shared by the tests that read pages, documents,
e-mails and terminal output.

The edges are ASCII letters and digits, not `\\b`: Chinese characters are word characters to `re`, so
`\\b` would miss a code run into Chinese text (`要求补充材料：supplement_request声浪`, `西湖区330106`)."""

from __future__ import annotations

import re

SNAKE = re.compile(r"(?<![A-Za-z0-9_])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9_])")
REGION_CODE = re.compile(r"(?<![A-Za-z0-9_.#/-])[1-6]\d{5}(?![A-Za-z0-9_.])")


def codes_in(text: str) -> list[str]:
    """Every distinct code in `text`, region codes marked as such."""
    return sorted(set(SNAKE.findall(text))) + [f"region code {c}" for c in sorted(set(REGION_CODE.findall(text)))]
