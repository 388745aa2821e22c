"""The demo's organisations for every party and regime of issue 22, each with the service of its example.

The service profiles are the `service` and `basic_info` parts of examples/*/service.yaml
(tests/integration/test_demo.py keeps them equal). The offshore example (examples/offshore-genai) is
not among them: an organisation on the platform is registered under a GB/T 2260 division, and a
provider with no seat in China has none, so it is shown by `redline check` only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from redline.domain.workflow import Role
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import filings, judging
from redline.services.principal import Principal
from redline.store.models import User

MODEL_SUPPORTER: dict[str, Any] = {
    "service": {
        "name": "镜界换脸引擎 MirrorSwap SDK",
        "description": "向第三方应用提供人脸替换模型与 SDK，不直接面向公众提供服务。",
        "audience": "registered_users",
        "user_content": False,
        "capabilities": [],
        "roles": ["technical_supporter"],
    },
    "basic_info": {
        "functions": ["人脸替换模型授权", "SDK 与云端推理接口"],
        "scope": "境内企业客户（应用开发者）",
        "facilities": "GPU 推理集群 16 台",
        "deployment": "阿里云华东 1（杭州）",
        "licences": ["ICP 备案 皖ICP备00000000号（虚构）"],
    },
}

FORUM_AIGC: dict[str, Any] = {
    "service": {
        "name": "光圈社区 ApertureHub",
        "description": "摄影作品分享社区，用户上传图片和短视频并评论。",
        "audience": "registered_users",
        "user_content": True,
        "capabilities": ["information_sharing", "comments"],
        "roles": ["content_platform"],
    },
    "basic_info": {
        "functions": ["作品上传与分享", "评论", "AI 作品专区"],
        "scope": "中国境内互联网用户",
        "facilities": "对象存储与内容审核系统",
        "deployment": "华为云西南（贵阳）",
        "licences": ["ICP 备案 蜀ICP备00000000号（虚构）"],
    },
}

APP_STORE: dict[str, Any] = {
    "service": {
        "name": "应用汇 AppHarbour",
        "description": "安卓应用分发平台。",
        "audience": "public",
        "user_content": False,
        "capabilities": ["search"],
        "roles": ["app_distribution_platform"],
    },
    "basic_info": {
        "functions": ["应用上架审核", "应用搜索与下载"],
        "scope": "中国境内互联网用户",
        "facilities": "应用审核与分发集群",
        "deployment": "腾讯云华南（广州）",
        "licences": ["ICP 备案 闽ICP备00000000号（虚构）"],
    },
}

NEWS_AI_ANCHOR: dict[str, Any] = {
    "service": {
        "name": "金陵快讯 JinlingNews",
        "description": "互联网新闻信息服务：资讯发布与评论。",
        "audience": "public",
        "user_content": True,
        "capabilities": ["news_information", "comments"],
        "monthly_active_users": 1500000,
    },
    "basic_info": {
        "functions": ["新闻发布", "评论区"],
        "scope": "中国境内互联网用户",
        "facilities": "采编发布系统，评论审核系统",
        "deployment": "自有机房（南京）",
        "licences": ["互联网新闻信息服务许可证（虚构）"],
    },
}

VIDEO_VR: dict[str, Any] = {
    "service": {
        "name": "江视 RiverView",
        "description": "网络音视频平台：短视频与直播。",
        "audience": "public",
        "user_content": True,
        "capabilities": ["audio_video_platform", "short_video", "live_streaming"],
        "monthly_active_users": 600000,
    },
    "basic_info": {
        "functions": ["短视频", "直播", "评论"],
        "scope": "中国境内互联网用户",
        "facilities": "音视频转码与分发集群",
        "deployment": "天翼云华中（武汉）",
        "licences": ["信息网络传播视听节目许可证（虚构）"],
    },
}

SHOP_COMMUNITY: dict[str, Any] = {
    "service": {
        "name": "小满好物 XiaomanShop",
        "description": "网络购物平台，个性化商品推荐。",
        "audience": "public",
        "user_content": False,
        "capabilities": ["algorithmic_recommendation"],
        "monthly_active_users": 900000,
    },
    "basic_info": {
        "functions": ["商品推荐", "在线购物"],
        "scope": "中国境内互联网用户",
        "facilities": "推荐服务集群 20 台",
        "deployment": "阿里云华东 2（上海）",
        "licences": ["增值电信业务经营许可证 苏B2-00000000（虚构）"],
    },
}

FORUM_GROWTH: dict[str, Any] = {
    "service": {
        "name": "长安论坛 ChanganBBS",
        "description": "城市生活论坛。",
        "audience": "public",
        "user_content": True,
        "capabilities": ["forum", "comments"],
        "monthly_active_users": 10000000,
    },
    "basic_info": {
        "functions": ["发帖", "评论", "版块"],
        "scope": "中国境内互联网用户",
        "facilities": "论坛服务器 30 台，审核系统",
        "deployment": "自有机房（西安）",
        "licences": ["ICP 备案 陕ICP备00000000号（虚构）"],
    },
}


# (account, organisation, seat, display name, profile, change, days from today)
PARTIES: list[tuple[str, str, str, str, dict[str, Any], dict[str, Any], int]] = [
    (
        "hf-admin",
        "合肥镜界智能科技有限公司（虚构）",
        "340104",
        "陈镜（镜界，虚构）",
        MODEL_SUPPORTER,
        {
            "launch": True,
            "description": "人脸替换模型 SDK 向企业客户正式开放",
            "capabilities": ["face_swap"],
            "technologies": ["deep_learning"],
        },
        20,
    ),
    (
        "cd-admin",
        "成都光圈网络科技有限公司（虚构）",
        "510104",
        "何光（光圈，虚构）",
        FORUM_AIGC,
        {"launch": True, "description": "光圈社区正式上线，开放用户上传作品（含 AI 作品）"},
        25,
    ),
    (
        "xm-admin",
        "厦门应用汇科技有限公司（虚构）",
        "350203",
        "梁汇（应用汇，虚构）",
        APP_STORE,
        {
            "description": "审核“换脸相机”应用的上架申请",
            "listing": {"app": "换脸相机 FaceCam（虚构）", "capabilities": ["face_swap"]},
        },
        5,
    ),
    (
        "nj-admin",
        "南京金陵新闻网络有限公司（虚构）",
        "320106",
        "钱陵（金陵快讯，虚构）",
        NEWS_AI_ANCHOR,
        {
            "description": "新增 AI 合成主播播报新闻视频",
            "capabilities": ["ai_anchor"],
            "technologies": ["ai_anchor", "deep_learning"],
        },
        30,
    ),
    (
        "wh-admin",
        "武汉长江视界网络科技有限公司（虚构）",
        "420106",
        "江川（江视，虚构）",
        VIDEO_VR,
        {"description": "直播间接入虚拟现实（VR）全景直播", "technologies": ["virtual_reality"]},
        35,
    ),
    (
        "su-admin",
        "苏州小满电子商务有限公司（虚构）",
        "320505",
        "周满（小满，虚构）",
        SHOP_COMMUNITY,
        {
            "description": "新增“好物圈”买家社区（发帖、评论、话题）",
            "capabilities": ["information_sharing", "comments"],
        },
        15,
    ),
    (
        "xa-admin",
        "西安长安论坛网络有限公司（虚构）",
        "610113",
        "刘畅（长安论坛，虚构）",
        FORUM_GROWTH,
        {"description": "月活跃用户由 1000 万增至 1700 万", "mau_before": 10000000, "mau_after": 17000000},
        -3,
    ),
]


def load(ctx: Context, password: str, actor: str) -> list[tuple[str, str, str]]:
    """One organisation, provider account, service and draft filing per party; the AI anchor's question of a
    material change is judged on the platform, the forum's growth is left for a person to judge."""
    logins: list[tuple[str, str, str]] = []
    password_hash = accounts.hash_password(password)
    for username, name, seat, display, profile, change, offset in PARTIES:
        org = filings.create_organisation(ctx, "provider", name, seat, actor=actor)
        user_id = accounts.create_user(
            ctx,
            accounts.NewUser(username, password, Role.PROVIDER_ADMIN, display, org, None),
            actor=actor,
            password_hash=password_hash,
        )
        logins.append((username, Role.PROVIDER_ADMIN.value, f"{name} {seat}"))
        p = _principal(ctx, user_id)
        service = filings.add_service(ctx, p, profile)
        filing = filings.record_change(ctx, p, service, {**change, "date": ctx.today() + dt.timedelta(days=offset)})
        if username == "nj-admin":
            judging.record_judgement(
                ctx,
                p,
                filing,
                "material_change",
                True,
                "AI 合成主播以合成人脸、人声播报新闻，改变了新闻呈现方式和技术实现方式，舆论影响面扩大（演示，虚构）。",
            )
    return logins


def _principal(ctx: Context, user_id: int) -> Principal:
    with ctx.uow() as uow:
        row = uow.session.get(User, user_id)
        assert row is not None
        return Principal.of(row)
