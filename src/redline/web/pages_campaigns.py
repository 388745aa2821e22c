"""Pages for patrol campaigns: list and new-campaign form, the campaign dashboard with samples,
runs and findings, and the forms that upload samples, start runs and act on findings."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from redline.adapters.archives import MAX_TOTAL_BYTES
from redline.errors import ConflictError, InputError, PermissionDeniedError
from redline.probes.base import option_value
from redline.services.context import Context
from redline.services.filing import party_views
from redline.services.patrol import campaign_actions, campaign_runs, campaign_samples, campaigns
from redline.services.patrol.campaigns import SAMPLE_KINDS, CampaignSpec
from redline.services.patrol.views import campaign_page as campaign_page_of
from redline.services.patrol.views import campaign_rows
from redline.services.principal import Principal
from redline.web import charts, forms
from redline.web.deps import Csrf, CtxDep, IdPath, PageUser
from redline.web.templating import render, request_lang
from redline.words import gettext_for, labels
from redline.words.findings import kind_label

router = APIRouter()


def _region_name(ctx: Context, request: Request, code: str) -> str:
    """The campaign's region in the page's language (pinyin in English)."""
    divisions = ctx.book.divisions
    return divisions.full_name(code) if request_lang(request) == "zh-CN" else divisions.full_name_en(code)


def _require_party(p: Principal) -> None:
    if not (p.is_regulator or p.is_provider):
        raise PermissionDeniedError("patrol campaigns are for regulators and the providers they cover")


def _probe_specs(form: FormData) -> list[dict[str, object]]:
    """Checked probes, with options from lines `probe key=value`."""
    chosen = forms.many(form, "probes")
    options: dict[str, dict[str, object]] = {name: {} for name in chosen}
    for n, line in enumerate(forms.text(form, "options").splitlines()):
        if not line.strip():
            continue
        name, _, pair = line.strip().partition(" ")
        key, sep, value = pair.strip().partition("=")
        if name not in options or not sep or not key:
            raise InputError(f"line {n + 1}: write 'probe key=value' for a chosen probe", field="options")
        options[name][key.strip()] = option_value(value.strip())
    return [{"name": name, "options": options[name]} for name in chosen]


@router.get("/campaigns", response_class=HTMLResponse)
def campaign_list(request: Request, ctx: CtxDep, p: PageUser) -> HTMLResponse:
    _require_party(p)
    from redline.probes.registry import installed_probes

    today = ctx.today()
    return render(
        request,
        "campaigns.html",
        rows=campaign_rows(ctx, p),
        probes=list(installed_probes().values()),
        technologies=ctx.book.technologies,
        providers=party_views.provider_rows(ctx, p),
        today=today,
        names=ctx.book.divisions,
    )


@router.post("/campaigns", dependencies=[Csrf])
async def create(request: Request, ctx: CtxDep, p: PageUser) -> Response:
    form = await request.form()
    start, end = forms.date(form, "period_start", required=True), forms.date(form, "period_end", required=True)
    assert start is not None and end is not None
    basis = [b for b in forms.text(form, "basis").replace("，", ",").replace(",", " ").split() if b]
    try:
        providers = [int(x) for x in forms.many(form, "provider_ids")]
    except ValueError:
        raise InputError("choose providers from the list", field="provider_ids") from None
    campaign_id = campaigns.create_campaign(
        ctx,
        p,
        CampaignSpec(
            name=forms.text(form, "name"),
            region=forms.text(form, "region"),
            basis=basis,
            period_start=start,
            period_end=end,
            probes=_probe_specs(form),
            technologies=forms.many(form, "technologies"),
            provider_ids=providers,
        ),
    )
    return RedirectResponse(f"/campaigns/{campaign_id}?done=created", status_code=303)


@dataclass(frozen=True)
class ActError:
    """A refused action on a finding, to show on its form with what was chosen."""

    finding_id: int
    message: str
    action: str
    filing_id: str
    due: str


@router.get("/campaigns/{campaign_id}", response_class=HTMLResponse)
def campaign_page(request: Request, ctx: CtxDep, p: PageUser, campaign_id: IdPath, done: str = "") -> HTMLResponse:
    return _campaign(request, ctx, p, campaign_id, done)


def _campaign(
    request: Request, ctx: CtxDep, p: PageUser, campaign_id: int, done: str = "", act_error: ActError | None = None
) -> HTMLResponse:
    page = campaign_page_of(ctx, p, campaign_id)
    lang = request_lang(request)
    gettext = gettext_for(lang)
    severities = [(labels.label(labels.SEVERITIES, k, lang), v) for k, v in page.by_severity.items()]
    kinds = [(kind_label(k, lang), v) for k, v in list(page.by_category.items())[:12]]
    svg = {
        "severity": charts.bar_chart(gettext("By severity"), severities),
        "category": charts.bar_chart(gettext("By category"), kinds),
        "provider": charts.bar_chart(gettext("By provider"), list(page.by_provider.items())),
    }
    choices = {pid: campaign_actions.filing_choices(ctx, p, pid) for pid in page.findings} if page.can_act else {}
    return render(
        request,
        "campaign.html",
        status=422 if act_error else 200,
        d=page,
        c=page.campaign,
        svg=svg,
        findings=page.findings,
        names={x.id: x.name for x in page.providers},
        kinds=SAMPLE_KINDS,
        done=done,
        busy=page.busy,
        choices=choices,
        act_error=act_error,
        region_name=_region_name(ctx, request, page.campaign.region),
    )


@router.post("/campaigns/{campaign_id}/samples", dependencies=[Csrf])
async def upload(request: Request, ctx: CtxDep, p: PageUser, campaign_id: IdPath) -> Response:
    form = await request.form()
    provider_id = forms.chosen_id(form, "provider_id", "provider")
    kind = forms.text(form, "kind") or "file"
    uploads = [u for u in form.getlist("files") if isinstance(u, UploadFile) and u.filename]
    if not uploads:
        raise InputError("choose one or more files, or a ZIP", field="files")
    plain: list[tuple[str, bytes]] = []
    for u in uploads:
        name = u.filename or "upload"
        if name.lower().endswith(".zip"):
            campaign_samples.add_archive(
                ctx, p, campaign_id, provider_id, await u.read(MAX_TOTAL_BYTES + 1), kind, source=name
            )
        else:
            plain.append((name, await u.read(ctx.blobs.max_bytes + 1)))
    if plain:
        campaign_samples.add_samples(ctx, p, campaign_id, provider_id, plain, kind)
    return RedirectResponse(f"/campaigns/{campaign_id}?done=samples", status_code=303)


@router.post("/campaigns/{campaign_id}/runs", dependencies=[Csrf])
async def run(request: Request, ctx: CtxDep, p: PageUser, campaign_id: IdPath) -> Response:
    form = await request.form()
    campaign_runs.start_run(ctx, p, campaign_id, forms.text(form, "probe") or None)
    return RedirectResponse(f"/campaigns/{campaign_id}?done=run#runs", status_code=303)


@router.post("/campaign-findings/{finding_id}/actions", dependencies=[Csrf])
async def act(request: Request, ctx: CtxDep, p: PageUser, finding_id: IdPath) -> Response:
    form = await request.form()
    try:
        done = campaign_actions.act_on_finding(
            ctx,
            p,
            finding_id,
            forms.text(form, "action"),
            filing_id=forms.integer(form, "filing_id"),
            due=forms.date(form, "due"),
            note=forms.text(form, "note"),
        )
    except (InputError, ConflictError) as exc:  # the campaign page again, the message on the finding's form
        campaign_id = campaign_actions.campaign_of(ctx, p, finding_id)
        typed = {k: v[:40] if isinstance(v := form.get(k), str) else "" for k in ("action", "filing_id", "due")}
        chosen = ActError(finding_id, exc.message, typed["action"], typed["filing_id"], typed["due"])
        return _campaign(request, ctx, p, campaign_id, act_error=chosen)
    if done.action is campaign_actions.FindingAction.SUMMONS:
        return RedirectResponse(f"/summonses/{done.ref}", status_code=303)
    return RedirectResponse(f"/filings/{done.filing_id}?done={done.action.value}", status_code=303)
