"""The demo's service profiles: the `service` and `basic_info` parts of examples/*/service.yaml
(examples/ is not installed with the package; tests/integration/test_demo.py keeps the two equal),
plus one more for 宁波 in the same shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

# The `service` and `basic_info` parts of examples/*/service.yaml (the provider part comes from
# the organisation the service is registered under).
VOICE_SOCIAL: dict[str, Any] = {
    "service": {
        "name": "声浪 SoundWave",
        "description": "语音社交应用：多人语音聊天室与兴趣群组。",
        "audience": "registered_users",
        "user_content": True,
        "capabilities": ["voice_chat_room", "group_chat"],
        "monthly_active_users": 850000,
    },
    "basic_info": {
        "functions": ["多人语音聊天室", "兴趣群组", "用户资料与昵称"],
        "scope": "中国境内互联网用户，18 岁以上实名注册用户",
        "facilities": "自建语音服务集群 24 台，第三方对象存储",
        "deployment": "阿里云华东 1（杭州）",
        "licences": ["ICP 备案 浙ICP备00000000号（虚构）", "增值电信业务经营许可证 浙B2-00000000（虚构）"],
    },
}
PHOTO_FACESWAP: dict[str, Any] = {
    "service": {
        "name": "拾光相册 Glimmer",
        "description": "照片美化与分享社区。",
        "audience": "registered_users",
        "user_content": True,
        "capabilities": ["information_sharing", "image_generation"],
        "filings": [],
        "monthly_active_users": 3200000,
    },
    "basic_info": {
        "functions": ["照片美化", "AI 滤镜", "作品分享与评论"],
        "scope": "中国境内互联网用户",
        "facilities": "GPU 推理集群 8 台，内容审核系统",
        "deployment": "腾讯云华南（广州）",
        "licences": ["ICP 备案 粤ICP备00000000号（虚构）"],
    },
}
NEWS_GROWTH: dict[str, Any] = {
    "service": {
        "name": "今闻 DailyWire",
        "description": "新闻资讯聚合与评论社区，个性化推荐。",
        "audience": "public",
        "user_content": True,
        "capabilities": ["information_sharing", "forum", "comments", "algorithmic_recommendation", "news_information"],
        "monthly_active_users": 2000000,
        "filings": [
            {
                "kind": "algorithm",
                "number": "京网信算备110105000000001号（虚构）",
                "date": dt.date(2023, 6, 1),
                "covers": ["algorithmic_recommendation"],
            }
        ],
    },
    "basic_info": {
        "functions": ["资讯推荐", "评论区", "话题讨论"],
        "scope": "中国境内互联网用户",
        "facilities": "推荐服务集群 120 台，评论审核系统",
        "deployment": "自有机房（北京亦庄）与华北云",
        "licences": ["互联网新闻信息服务许可证（转载服务）（虚构）", "增值电信业务经营许可证 京B2-00000000（虚构）"],
    },
}
CHATBOT_GENAI: dict[str, Any] = {
    "service": {
        "name": "问青 AskQing",
        "description": "面向公众的对话式生成式人工智能服务（文本、图片）。",
        "audience": "public",
        "user_content": True,
        "capabilities": ["generative_ai_service", "text_generation", "image_generation"],
        "declares_public_opinion": True,
    },
    "basic_info": {
        "functions": ["智能对话", "文生图", "对话分享"],
        "scope": "中国境内公众",
        "facilities": "自研大模型推理集群 64 卡",
        "deployment": "上海临港数据中心",
        "licences": ["ICP 备案 沪ICP备00000000号（虚构）"],
    },
}
CITY_LIVE: dict[str, Any] = {
    "service": {
        "name": "甬城圈 NingCircle",
        "description": "本地生活信息分享与网络直播社区。",
        "capabilities": ["information_sharing", "live_streaming"],
        "monthly_active_users": 400000,
    },
    "basic_info": {
        "functions": ["本地资讯分享", "网络直播", "评论互动"],
        "scope": "中国境内互联网用户，实名注册用户",
        "facilities": "直播推流服务器 16 台，内容审核系统",
        "deployment": "阿里云华东 1（杭州）",
        "licences": ["ICP 备案 浙ICP备00000001号（虚构）"],
    },
}
