"""Demo samples for patrol campaigns: small fictional files per demo provider, and two campaigns with
samples attached but not yet run, so a regulator can run them from the page or the CLI.

Files: images and audio with and without a GB 45438-2025 implicit label (written by the probe's
own carrier writers), texts with and without an explicit label and one with a term of the
content-screen demo list, and a short access log in the nginx combined format (which lacks the
ports Art. 5(3) of the 2018 rule asks for, and covers days, not six months).
"""

from __future__ import annotations

import datetime as dt
import io
import wave
from pathlib import Path

from sqlalchemy import select

from redline.probes.aigc import carriers
from redline.probes.aigc.label import label_json
from redline.services.context import Context
from redline.services.patrol import campaign_samples, campaigns
from redline.services.principal import Principal
from redline.store.models import Campaign, Organisation, User


def _png(shade: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (shade % 256, 80, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def _jpeg(shade: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (40, shade % 256, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


def _wav(seed: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes((n * (seed + 3)) % 256 for n in range(2048)))
    return buffer.getvalue()


def _labelled(kind: str, data: bytes, producer: str, produce_id: str) -> bytes:
    write = carriers.writer(kind)
    assert write is not None
    return write(data, label_json("1", producer, produce_id))


def _access_log(today: dt.date, days: int, gap_day: int | None = None) -> bytes:
    """Four records a day for `days` days up to today; none on `gap_day` (a gap in retention)."""
    lines = []
    start = dt.datetime.combine(today - dt.timedelta(days=days), dt.time(1, 15))
    for n in range(days * 4):
        at = start + dt.timedelta(hours=6 * n)
        if gap_day is not None and (at.date() - start.date()).days == gap_day:
            continue
        stamp = at.strftime("%d/%b/%Y:%H:%M:%S") + " +0800"
        lines.append(
            f'203.0.113.{10 + n % 200} - user{n % 7} [{stamp}] "GET /room/{n} HTTP/1.1" 200 {512 + n} "-" "demo"'
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def sample_files(provider_id: int, today: dt.date) -> dict[str, list[tuple[str, bytes]]]:
    """The demo samples of one provider, by sample kind; which files carry labels varies by provider."""
    producer = f"9133{provider_id:014d}"
    odd = provider_id % 2 == 1
    files = [
        ("生成海报-已标识.png", _labelled("png", _png(provider_id * 40), producer, f"poster-{provider_id}")),
        ("生成海报-未标识.png", _png(provider_id * 40 + 7)),
        ("合成语音-已标识.wav", _labelled("wav", _wav(provider_id), producer, f"voice-{provider_id}")),
        ("合成语音-未标识.wav", _wav(provider_id + 1)),
    ]
    if odd:
        files.append(("头像生成-未标识.jpg", _jpeg(provider_id * 30)))
    texts = [
        ("AI写作示例.md", "# 今日推荐\n\n本文由人工智能生成。\n\n城市夜景漫步路线三条。\n".encode()),
        ("AI写作-无标识.md", "# 周末好去处\n\n城市公园与博物馆推荐。\n".encode()),
    ]
    if odd:
        texts.append(("评论区抽样.txt", "用户评论抽样（演示）：这里出现了测试违禁词，需要处置。\n".encode()))
    log = _access_log(today, 6 if odd else 12, 3 if odd else None)
    return {"file": files, "text": texts, "log": [("access.log", log)]}


def write_sample_tree(root: Path, provider_id: int, today: dt.date) -> Path:
    """The same samples as files on disk (`root/<kind>/<name>`), for the CLI and its tests."""
    for kind, files in sample_files(provider_id, today).items():
        (root / kind).mkdir(parents=True, exist_ok=True)
        for name, data in files:
            (root / kind / name).write_bytes(data)
    return root


def _principal(ctx: Context, username: str) -> Principal:
    with ctx.reader() as uow:
        user = uow.session.scalar(select(User).where(User.username == username))
        assert user is not None
        return Principal.of(user)


def _attach(ctx: Context, p: Principal, campaign_id: int, kinds: tuple[str, ...]) -> None:
    with ctx.reader() as uow:
        campaign = uow.session.get(Campaign, campaign_id)
        assert campaign is not None
        providers = [o.id for o in campaigns.providers_in_scope(uow.session, campaign)]
    for provider_id in providers:
        for kind, files in sample_files(provider_id, ctx.today()).items():
            if kind in kinds:
                campaign_samples.add_samples(ctx, p, campaign_id, provider_id, files, kind)


def load(ctx: Context) -> list[int]:
    """The demo campaigns (after the demo organisations and accounts exist); returns their ids."""
    today = ctx.today()
    hz_cac, zj_cac = _principal(ctx, "hz-cac"), _principal(ctx, "zj-cac")
    labels = campaigns.create_campaign(
        ctx,
        hz_cac,
        campaigns.CampaignSpec(
            name="杭州市生成式人工智能内容标识专项巡查（演示）",
            region="330100",
            basis=["ailabel2025", "sa2018:5(4)"],
            technologies=["generative_model", "deep_learning"],
            period_start=today - dt.timedelta(days=14),
            period_end=today + dt.timedelta(days=60),
            probes=[{"name": "aigc-label", "options": {}}, {"name": "content-screen", "options": {}}],
        ),
    )
    _attach(ctx, hz_cac, labels, ("file", "text"))
    with ctx.reader() as uow:
        zhejiang = list(
            uow.session.scalars(
                select(Organisation.id)
                .where(Organisation.kind == "provider", Organisation.location.startswith("33"))
                .order_by(Organisation.id)
            )
        )
    logs = campaigns.create_campaign(
        ctx,
        zj_cac,
        campaigns.CampaignSpec(
            name="浙江省网络日志留存与内容安全专项巡查（演示）",
            region="330000",
            basis=["sa2018:5(3)", "csl2016"],
            period_start=today - dt.timedelta(days=7),
            period_end=today + dt.timedelta(days=90),
            probes=[
                {"name": "log-retention", "options": {"assessment_date": today.isoformat()}},
                {"name": "content-screen", "options": {}},
            ],
            provider_ids=zhejiang,
        ),
    )
    _attach(ctx, zj_cac, logs, ("log", "text"))
    return [labels, logs]
