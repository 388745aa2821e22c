"""A report-version diff as rows a person reads (change, item, before, after), in zh-CN or English.

The web page renders the same diff with its own template; this is the terminal's and any text output's."""

from __future__ import annotations

from redline.domain.report_diff import AnswerField, ItemTitle, ReportDiff
from redline.i18n import translations

ANSWERS = {"met": "Met", "partly_met": "Partly met", "not_met": "Not met", "not_applicable": "Not applicable"}
SEVERITIES = {"low": "Low", "medium": "Medium", "high": "High", "critical": "Critical"}
NONE = "—"


def diff_rows(diff: ReportDiff, lang: str) -> list[tuple[str, str, str, str]]:
    _ = translations(lang).gettext
    zh = lang == "zh-CN"

    def name(item: ItemTitle) -> str:
        return item.zh if zh or not item.en else item.en

    def word(table: dict[str, str], value: str | None) -> str:
        return _(table[value]) if value in table else (value or NONE)

    rows = [(_("Item added"), name(i), NONE, NONE) for i in diff.items_added]
    rows += [(_("Item removed"), name(i), NONE, NONE) for i in diff.items_removed]
    for a in diff.answers:
        if a.field is AnswerField.STATUS:
            rows.append((_("Answer changed"), name(a.item), word(ANSWERS, a.before), word(ANSWERS, a.after)))
        else:
            rows.append((_("Reason changed"), name(a.item), a.before or NONE, a.after or NONE))
    for f in diff.findings:
        what = (
            _("Finding added")
            if f.before is None
            else _("Finding removed")
            if f.after is None
            else _("Finding severity changed")
        )
        rows.append((what, f"{name(f.item)}: {f.text}", word(SEVERITIES, f.before), word(SEVERITIES, f.after)))
    for e in diff.evidence:
        shown = f"{e.file} ({e.sha256})"
        rows.append(
            (
                _("Evidence added") if e.added else _("Evidence removed"),
                name(e.item),
                NONE if e.added else shown,
                shown if e.added else NONE,
            )
        )
    return rows
