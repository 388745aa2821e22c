"""Reading HTML form posts into the shapes the services take."""

from __future__ import annotations

import datetime as dt
from typing import Any

from starlette.datastructures import FormData

from redline.errors import InputError
from redline.services.filing.review import RectificationDemand

# No free-text field of a form is longer; a longer value is refused (422) instead of stored.
MAX_TEXT = 20_000


def text(form: FormData, name: str, max_length: int = MAX_TEXT) -> str:
    value = form.get(name, "")
    if not isinstance(value, str):
        return ""
    if len(value) > max_length:
        raise InputError(f"at most {max_length} characters", field=name)
    return value.strip()


def secret(form: FormData, name: str, max_length: int = 1024) -> str:
    """A password as typed: never stripped (a space may be part of it), bounded."""
    value = form.get(name, "")
    if not isinstance(value, str):
        return ""
    if len(value) > max_length:
        raise InputError(f"at most {max_length} characters", field=name)
    return value


def date(form: FormData, name: str, required: bool = False) -> dt.date | None:
    raw = text(form, name)
    if not raw:
        if required:
            raise InputError("a date is required", field=name)
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InputError(f"not a date: '{raw}' (YYYY-MM-DD)", field=name) from None


def integer(form: FormData, name: str) -> int | None:
    raw = text(form, name)
    if not raw:
        return None
    return _int(raw, name)


MAX_ID = 2_147_483_647  # PostgreSQL INTEGER: a larger number is no row's id


def row_id(form: FormData, name: str) -> int | None:
    """An optional id: blank is None, anything but a number a row could have is refused."""
    value = integer(form, name)
    if value is not None and not 1 <= value <= MAX_ID:
        raise InputError("not a valid id", field=name)
    return value


def row_ids(form: FormData, name: str) -> list[int]:
    """Every id given under `name` (ticked checkboxes), each as `row_id` checks it."""
    out = []
    for raw in many(form, name):
        value = _int(raw, name)
        if not 1 <= value <= MAX_ID:
            raise InputError("not a valid id", field=name)
        out.append(value)
    return out


def chosen_id(form: FormData, name: str, what: str) -> int:
    """A required id from a select list."""
    value = integer(form, name)
    if value is None:
        raise InputError(f"choose a {what}", field=name)
    return value


def _int(raw: str, name: str) -> int:
    try:
        return int(raw.replace(",", ""))
    except ValueError:
        raise InputError(f"not a number: '{raw}'", field=name) from None


def many(form: FormData, name: str) -> list[str]:
    values = [v.strip() for v in form.getlist(name) if isinstance(v, str) and v.strip()]
    if any(len(v) > MAX_TEXT for v in values):
        raise InputError(f"at most {MAX_TEXT} characters", field=name)
    return values


MAX_FINDING_ROWS = 101  # the stored findings (services.filings.MAX_FINDINGS) and one "add finding" row


def answers(form: FormData, items: list[str]) -> dict[str, dict[str, Any]]:
    """The checklist form: per item a status, a reason and numbered finding rows (`fsev:ITEM:N`,
    `ftext:ITEM:N`, `fdel:ITEM:N`). A row left wholly blank (the "add finding" row) adds nothing; a row
    is removed only when its removal is ticked; a severity is never assumed (the service refuses none)."""
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        if f"status:{item}" not in form:
            continue
        findings = []
        for n in range(MAX_FINDING_ROWS + 1):
            severity_key, text_key = f"fsev:{item}:{n}", f"ftext:{item}:{n}"
            if severity_key not in form and text_key not in form:
                break
            if n == MAX_FINDING_ROWS:
                raise InputError(
                    f"at most {MAX_FINDING_ROWS - 1} findings on one item", field=f"answers.{item}.findings"
                )
            severity, finding = text(form, severity_key), text(form, text_key)
            if text(form, f"fdel:{item}:{n}") or not (severity or finding):
                continue
            findings.append({"severity": severity, "text": finding})
        out[item] = {
            "status": text(form, f"status:{item}") or None,
            "reason": text(form, f"reason:{item}"),
            "findings": findings,
        }
    return out


def entered(form: FormData, max_length: int = MAX_TEXT) -> dict[str, list[str]]:
    """What was typed into a form, to show it again with a message (text fields only, each bounded)."""
    out: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if isinstance(value, str) and name != "csrf_token":
            out.setdefault(name, []).append(value[:max_length])
    return out


def choice(form: FormData, name: str) -> bool | None:
    """A yes / no / not stated select."""
    value = text(form, name)
    return {"true": True, "false": False}.get(value)


def service(form: FormData) -> dict[str, Any]:
    """The service part of a profile, as a service YAML has it."""
    data: dict[str, Any] = {
        "name": text(form, "name"),
        "description": text(form, "description"),
        "audience": text(form, "audience") or "public",
        "user_content": choice(form, "user_content"),
        "capabilities": many(form, "capabilities"),
        "monthly_active_users": integer(form, "monthly_active_users"),
        "declares_public_opinion": True if text(form, "declares_public_opinion") == "on" else None,
    }
    number = text(form, "filing_number", 200)
    if number:
        data["filings"] = [{"number": number}]
    return data


def change(form: FormData) -> dict[str, Any]:
    data: dict[str, Any] = {"date": text(form, "date"), "description": text(form, "description")}
    if text(form, "kind"):
        data["kind"] = text(form, "kind")
    for key in ("capabilities", "capabilities_removed", "technologies"):
        if many(form, key):
            data[key] = many(form, key)
    for key in ("mau_before", "mau_after"):
        value = integer(form, key)
        if value is not None:
            data[key] = value
    material = text(form, "material_change")
    if material in ("true", "false"):
        data["material_change"] = material == "true"
    return data


def demands(form: FormData) -> list[RectificationDemand]:
    texts, dues = form.getlist("item_text"), form.getlist("item_due")
    out = []
    for n, (t, d) in enumerate(zip(texts, dues, strict=False)):
        if isinstance(t, str) and t.strip():
            if not isinstance(d, str) or not d:
                raise InputError("each rectification item needs a due date", field=f"item_due.{n}")
            try:
                out.append(RectificationDemand(t.strip(), dt.date.fromisoformat(d)))
            except ValueError:
                raise InputError(f"not a date: '{d}'", field=f"item_due.{n}") from None
    return out
