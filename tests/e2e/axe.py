"""axe-core in a Playwright page: the page's own Content-Security-Policy stays on (the script goes in through
page.evaluate, which CSP does not govern), and the WCAG 2 A and AA rules run; serious and critical findings
come back as one line each."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from playwright.sync_api import Page

# Installed by `make browser-tools` from tests/browser-tools/package-lock.json (npm ci, hashes checked).
AXE_JS = Path(__file__).parents[1] / "browser-tools" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

RUN = """async () => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa"]}});
  return result.violations.map(v => ({
    rule: v.id, impact: v.impact || "", help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
  }));
}"""


@dataclasses.dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    targets: list[str]

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:5]) + (f" (+{len(self.targets) - 5} more)" if len(self.targets) > 5 else "")
        return f"{self.rule} [{self.impact}] {self.help}: {shown}"


def missing_reason() -> str | None:
    """Why axe cannot run here, or None when it can."""
    if AXE_JS.exists():
        return None
    return f"axe-core is not installed ({AXE_JS} is missing): run `make browser-tools` (needs node and npm)"


def serious_violations(page: Page) -> list[Violation]:
    """The serious and critical WCAG 2 A/AA violations axe finds on the page as it stands."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    found = [Violation(**v) for v in page.evaluate(RUN)]
    return [v for v in found if v.impact in BLOCKING]
