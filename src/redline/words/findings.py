"""What probe findings say, keyed by the finding's stable code, in every language of the catalogue.

A finding carries a code (`aigc.implicit.missing`) and parameters (`{"hours": "13"}`); its words are the
catalogue's wording for the code, filled with the parameters. A code may have several wordings, most
specific first: the first whose parameters the finding supplies is used, so an optional detail (a list of
empty days, a count of binary lines) is a parameter the probe leaves out when there is none.

Codes are `<probe>.<subject>.<what>`; a finding without a code (a third-party probe written before codes,
see docs/plugins.md) gets `<probe>.other` and keeps its own message in every language.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache

from redline.words import N_, gettext_for

OTHER = "other"
PROBE_FAILED = "probe.failed"
TASK_FAILED = "probe.task.failed"

FINDINGS: dict[str, tuple[str, ...]] = {
    PROBE_FAILED: (N_("probe failed: {error}"),),
    TASK_FAILED: (N_("task failed after {attempts} attempts: {error}"),),
    # aigc-label: the Measures for labelling AI-generated content and GB 45438-2025
    "aigc.file.empty": (N_("empty file"),),
    "aigc.file.unknown": (N_("format not recognised"),),
    "aigc.file.unparsable": (N_("cannot parse the {kind} structure: {error}"),),
    "aigc.file.no_reader": (N_("no reader for {kind} files"),),
    "aigc.explicit.missing": (N_("no explicit label (人工智能/AI with 生成/合成) at head or tail"),),
    "aigc.implicit.missing": (N_("no implicit label found"),),
    "aigc.implicit.invalid": (N_("{carrier}: {problem}"),),
    "aigc.implicit.warning": (N_("{carrier}: {problem} (warning)"),),
    "aigc.implicit.multiple": (N_("{count} labels in one file ({carriers})"),),
    # log-retention: the Cybersecurity Law's six months and the 2018 provisions' log fields
    "log.file.truncated": (N_("truncated: {reason}; the {lines} lines before the cut were counted"),),
    "log.file.empty": (N_("empty file: no log lines"),),
    "log.file.unparsable": (
        N_("no line of {lines} could be parsed as a log record ({binary} binary)"),
        N_("no line of {lines} could be parsed as a log record"),
    ),
    "log.lines.unparsed": (
        N_(
            "{unparsed} line(s) ({share} %) do not match the {formats} format, {binary} of "
            "them binary; examples (masked): {examples}"
        ),
        N_("{unparsed} line(s) ({share} %) do not match the {formats} format; examples (masked): {examples}"),
    ),
    "log.lines.too_long": (N_("{count} line(s) longer than 1 MiB skipped"),),
    "log.clock.backwards": (N_("time goes backwards {count} time(s), by up to {seconds} s: {examples}"),),
    "log.field.missing": (N_("missing field: {title}{hint}"),),
    "log.field.empty": (N_("field never filled: {title} ('{field}' is empty in all {records} records)"),),
    "log.field.sparse": (
        N_("field rarely filled: {title} ('{field}') filled in {percent} % of records; examples: {examples}"),
    ),
    "log.retention.no_timestamp": (N_("no record with a readable timestamp: retention cannot be shown"),),
    "log.retention.gap": (
        N_(
            "gap: no records for {hours} hours, {start} to {end}; days without any record: "
            "{first_day} to {last_day} ({days} days)"
        ),
        N_("gap: no records for {hours} hours, {start} to {end}"),
    ),
    "log.retention.more_gaps": (N_("{count} more gaps (see summary)"),),
    "log.retention.short": (
        N_(
            "retained span starts {earliest}: {months} months back from the assessment "
            "date {assessed} is {needed}, {days} days short"
        ),
    ),
    "log.retention.stale": (N_("newest record {latest} is {days} days before the assessment date {assessed}"),),
    "log.clock.future": (
        N_("{count} timestamp(s) after the assessment date {assessed}, latest {latest}: the log clock is wrong"),
    ),
    "log.clock.mixed_zones": (N_("mixed time zones in the records: {zones}"),),
    # content-screen: listed terms, hidden text and injected spam
    "content.term.found": (
        N_("{category}: term '{term}' found in hidden text ({hidden}) as \"{snippet}\" (term list line {line})"),
        N_("{category}: term '{term}' found as \"{snippet}\" (term list line {line})"),
    ),
    "content.hidden.terms": (N_('hidden text ({reason}) holds listed terms: "{snippet}"'),),
    "content.hidden.links": (N_('hidden text ({reason}) holds {count} link(s), e.g. {link}: "{snippet}"'),),
    "content.spam.injected": (N_('injected spam ({kind}): {reason}: "{snippet}"'),),
    "content.input.refused": (N_("{error}"),),
    "content.found.more": (N_("{more} more findings not listed: the first {listed} are ({counts} in all)"),),
}

# What the campaign dashboard counts findings by: one short name per code.
KINDS: dict[str, str] = {
    PROBE_FAILED: N_("probe failed"),
    TASK_FAILED: N_("probe failed"),
    "aigc.file.empty": N_("empty file"),
    "aigc.file.unknown": N_("format not recognised"),
    "aigc.file.unparsable": N_("file unreadable"),
    "aigc.file.no_reader": N_("format not read"),
    "aigc.explicit.missing": N_("no explicit label"),
    "aigc.implicit.missing": N_("no implicit label found"),
    "aigc.implicit.invalid": N_("implicit label malformed"),
    "aigc.implicit.warning": N_("implicit label warning"),
    "aigc.implicit.multiple": N_("several implicit labels"),
    "log.file.truncated": N_("log file truncated"),
    "log.file.empty": N_("empty log file"),
    "log.file.unparsable": N_("log file unreadable"),
    "log.lines.unparsed": N_("log lines unreadable"),
    "log.lines.too_long": N_("log lines too long"),
    "log.clock.backwards": N_("log clock goes backwards"),
    "log.field.missing": N_("missing field"),
    "log.field.empty": N_("log field never filled"),
    "log.field.sparse": N_("log field rarely filled"),
    "log.retention.no_timestamp": N_("no record with a readable timestamp"),
    "log.retention.gap": N_("gap"),
    "log.retention.more_gaps": N_("gap"),
    "log.retention.short": N_("retained span starts"),
    "log.retention.stale": N_("newest record too old"),
    "log.clock.future": N_("log clock ahead"),
    "log.clock.mixed_zones": N_("mixed time zones in the records"),
    "content.term.found": N_("listed term"),
    "content.hidden.terms": N_("hidden text"),
    "content.hidden.links": N_("hidden text"),
    "content.spam.injected": N_("injected spam"),
    "content.input.refused": N_("term list refused"),
    "content.found.more": N_("findings not listed"),
}


def other_code(probe: str) -> str:
    """The code of a finding whose probe set none."""
    return f"{probe}.{OTHER}"


@cache
def _fields(msgid: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(msgid) if name)


def wording(code: str, params: Mapping[str, object]) -> str | None:
    """The English msgid for a finding: the code's first wording whose parameters are all given."""
    for msgid in FINDINGS.get(code, ()):
        if _fields(msgid) <= params.keys():
            return msgid
    return None


def finding_text(code: str, params: Mapping[str, object], message: str, lang: str) -> str:
    """A finding in `lang`; the probe's own message when its code has no wording here (a third-party
    probe's finding, or one stored before codes)."""
    msgid = wording(code, params)
    if msgid is None:
        return message
    # Parameters are the probe's data; only the catalogue's own {name} fields are filled, never attributes.
    return gettext_for(lang)(msgid).format_map({k: str(v) for k, v in params.items()})


def english(code: str, params: Mapping[str, object]) -> str:
    """The English words of a built-in finding: what its `message` holds, for readers of the JSON."""
    msgid = wording(code, params)
    if msgid is None:
        raise KeyError(f"no wording for finding code {code!r} with parameters {sorted(params)}")
    return msgid.format_map({k: str(v) for k, v in params.items()})


def kind_label(code: str, lang: str) -> str:
    """The short name of a finding's kind (its code; an older row's guessed category is looked up as
    it is, since the catalogue has the guesses built-in probes' messages gave)."""
    return gettext_for(lang)(KINDS.get(code, code))


def text_of(finding: object, lang: str) -> str:
    """The words of a finding as stored: a probe-run document's finding (a dict with `code`) or a campaign
    finding (an object whose `category` holds the code)."""
    if isinstance(finding, Mapping):
        code, params, message = finding.get("code"), finding.get("params"), finding.get("message")
    else:
        code = getattr(finding, "code", None) or getattr(finding, "category", None)
        params, message = getattr(finding, "params", None), getattr(finding, "message", None)
    return finding_text(str(code or ""), params if isinstance(params, Mapping) else {}, str(message or ""), lang)
