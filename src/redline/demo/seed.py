"""Fictional demo data, loaded only through the service functions.

Every organisation, account, filing step, answer, evidence file and summons goes through the
same use case a user would call, so every audit entry and timeline event is a real one. Dates are
relative to `ctx.today()`. All companies are fictional; the services are the example profiles
in examples/*/service.yaml (plus one more for 宁波 in the same shape; the parties of issue 22 in
demo_parties.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from redline.demo import parties as demo_parties
from redline.demo import patrol as demo_patrol
from redline.demo.profiles import CHATBOT_GENAI, CITY_LIVE, NEWS_GROWTH, PHOTO_FACESWAP, VOICE_SOCIAL
from redline.domain.workflow import Action, FilingState, Role
from redline.errors import InputError
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import filings, review
from redline.services.principal import Principal
from redline.store.models import Filing, RectificationItem, User

DEMO_PASSWORD = "redline-demo-2026"
ACTOR = "demo"
SECURITY_LEAD = "sa2018-5-1-security-lead"
STAFFING = "sa2018-5-1-reviewer-staffing"
LOGS = "csl-network-log-retention-six-months"
SPREAD = "sa2018-5-5-spread-control"
LABEL = "ailabel2025-4-video-explicit"


@dataclass(frozen=True)
class DemoSummary:
    logins: list[tuple[str, str, str]]  # username, role, who the account stands for
    filings_by_state: dict[str, int] = field(default_factory=dict)


class _Loader:
    """The demo script's helpers; each step is one service call."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.today = ctx.today()
        self.logins: list[tuple[str, str, str]] = []
        # Every demo account has the published demo password: one argon2 hash serves them all.
        self.password_hash = accounts.hash_password(DEMO_PASSWORD)

    def day(self, offset: int) -> dt.date:
        return self.today + dt.timedelta(days=offset)

    def as_of(self, offset: int) -> Context:
        """The same platform with its clock set `offset` days away, to play out past events."""
        moment = self.ctx.now() + dt.timedelta(days=offset)
        return dataclasses.replace(self.ctx, today=lambda: moment.date(), now=lambda: moment)

    # -- organisations and accounts -------------------------------------------------------------

    def organisation(self, kind: str, name: str, location: str) -> int:
        return filings.create_organisation(self.ctx, kind, name, location, actor=ACTOR)

    def user(
        self,
        username: str,
        role: Role,
        display_name: str,
        description: str,
        *,
        organisation_id: int | None = None,
        jurisdiction: str | None = None,
    ) -> Principal:
        user_id = accounts.create_user(
            self.ctx,
            accounts.NewUser(username, DEMO_PASSWORD, role, display_name, organisation_id, jurisdiction),
            actor=ACTOR,
            password_hash=self.password_hash,
        )
        self.logins.append((username, role.value, description))
        with self.ctx.uow() as uow:
            row = uow.session.get(User, user_id)
            assert row is not None
            return Principal.of(row)

    # -- the provider's side ---------------------------------------------------------------------

    def change(self, p: Principal, service_id: int, kind: str, offset: int, description: str, **more: Any) -> int:
        return filings.record_change(
            self.ctx, p, service_id, {"kind": kind, "date": self.day(offset), "description": description, **more}
        )

    def items(self, filing_id: int) -> list[str]:
        with self.ctx.uow() as uow:
            row = uow.session.get(Filing, filing_id)
            assert row is not None
            return filings.checklist_items(self.ctx, row)

    def answer(
        self, p: Principal, filing_id: int, *, partly: dict[str, str] | None = None, only: int | None = None
    ) -> None:
        """Answer the checklist: 'met', except the `partly` items (id -> finding), which are partly
        met with a medium finding; `only` answers just the first few items (work in progress)."""
        items = self.items(filing_id)
        answers: dict[str, dict[str, Any]] = {item: {"status": "met"} for item in items[:only]}
        for item, finding in (partly or {}).items():
            if item in answers:
                answers[item] = {"status": "partly_met", "findings": [{"severity": "medium", "text": finding}]}
        filings.save_answers(self.ctx, p, filing_id, answers)

    def evidence(self, p: Principal, filing_id: int, filename: str, text: str, item: str | None = None) -> str:
        """A short UTF-8 text as evidence, for `item` if this filing's checklists have it."""
        target = item if item in self.items(filing_id) else None
        return filings.add_evidence(
            self.ctx, p, filing_id, target, filename, io.BytesIO(text.encode("utf-8")), "演示用证明材料（虚构）"
        )

    def prepare(self, p: Principal, filing_id: int, *, partly: dict[str, str] | None = None) -> None:
        """A complete self-assessment: every item answered, one evidence file."""
        self.answer(p, filing_id, partly=partly)
        self.evidence(
            p,
            filing_id,
            "安全管理负责人任命文件.txt",
            f"演示材料（虚构）：备案 {filing_id} 的安全管理负责人任命文件与岗位职责说明。",
            SECURITY_LEAD,
        )

    def act(
        self, p: Principal, filing_id: int, action: Action, note: str = "", extra: dict[str, Any] | None = None
    ) -> None:
        review.act(self.ctx, p, filing_id, action, note, extra)

    def submit(self, p: Principal, filing_id: int) -> None:
        self.act(p, filing_id, Action.SUBMIT, "提交安全评估报告")

    def order_rectification(self, p: Principal, filing_id: int, demands: list[str]) -> None:
        items = [review.RectificationDemand(text, self.day(30 + 15 * n)) for n, text in enumerate(demands)]
        self.act(p, filing_id, Action.ORDER_RECTIFICATION, "评估报告所列措施未完全落实，责令限期整改", {"items": items})

    def rectification_items(self, filing_id: int) -> list[int]:
        with self.ctx.uow() as uow:
            return list(
                uow.session.scalars(
                    select(RectificationItem.id)
                    .where(RectificationItem.filing_id == filing_id)
                    .order_by(RectificationItem.round, RectificationItem.id)
                )
            )

    def rectify(self, p: Principal, filing_id: int, responses: list[str]) -> None:
        for item_id, response in zip(self.rectification_items(filing_id), responses, strict=False):
            review.answer_rectification(self.ctx, p, filing_id, item_id, response)

    def first_item(self, filing_id: int) -> str:
        return self.items(filing_id)[0]

    # -- summary -------------------------------------------------------------------------------

    def summary(self) -> DemoSummary:
        with self.ctx.uow() as uow:
            counts: Counter[str] = Counter()
            for state, n in uow.session.execute(select(Filing.state, func.count()).group_by(Filing.state)):
                counts[state] = n
        return DemoSummary(list(self.logins), {s.value: counts.get(s.value, 0) for s in FilingState})


def load_demo(ctx: Context) -> DemoSummary:
    """Load the fictional demo into an empty database; refuse a database that holds users."""
    with ctx.uow() as uow:
        if uow.session.scalar(select(User.id).limit(1)) is not None:
            raise InputError("the database already holds data; demo data goes into an empty database")
    d = _Loader(ctx)
    year = d.today.year

    # -- organisations and accounts -------------------------------------------------------------
    hz_org = d.organisation("provider", "杭州声浪网络科技有限公司（虚构）", "330106")
    nb_org = d.organisation("provider", "宁波甬城圈网络科技有限公司（虚构）", "330203")
    sz_org = d.organisation("provider", "深圳拾光影像科技有限公司（虚构）", "440305")
    bj_org = d.organisation("provider", "北京今闻信息技术有限公司（虚构）", "110105")
    sh_org = d.organisation("provider", "上海问青智能科技有限公司（虚构）", "310115")
    lab_org = d.organisation("assessor", "浙江明鉴网络安全评估中心（虚构）", "330106")

    d.user("admin", Role.PLATFORM_ADMIN, "平台管理员（演示）", "平台管理员")
    hz_cac = d.user("hz-cac", Role.CAC_OFFICER, "杭州市网信办（演示）", "杭州市网信办 (330100)", jurisdiction="330100")
    hz_mps = d.user(
        "hz-mps", Role.MPS_OFFICER, "杭州市公安局网安支队（演示）", "杭州市公安局 (330100)", jurisdiction="330100"
    )
    sz_cac = d.user("sz-cac", Role.CAC_OFFICER, "深圳市网信办（演示）", "深圳市网信办 (440300)", jurisdiction="440300")
    sz_mps = d.user(
        "sz-mps", Role.MPS_OFFICER, "深圳市公安局网警支队（演示）", "深圳市公安局 (440300)", jurisdiction="440300"
    )
    bj_cac = d.user("bj-cac", Role.CAC_OFFICER, "北京市网信办（演示）", "北京市网信办 (110000)", jurisdiction="110000")
    bj_mps = d.user(
        "bj-mps", Role.MPS_OFFICER, "北京市公安局网安总队（演示）", "北京市公安局 (110000)", jurisdiction="110000"
    )
    zj_cac = d.user("zj-cac", Role.CAC_OFFICER, "浙江省网信办（演示）", "浙江省网信办 (330000)", jurisdiction="330000")
    zj_mps = d.user(
        "zj-mps", Role.MPS_OFFICER, "浙江省公安厅网安总队（演示）", "浙江省公安厅 (330000)", jurisdiction="330000"
    )
    lab = d.user(
        "assessor",
        Role.ASSESSOR,
        "陈立（明鉴评估师，虚构）",
        "浙江明鉴网络安全评估中心（虚构）评估师",
        organisation_id=lab_org,
    )
    hz = d.user(
        "hz-admin",
        Role.PROVIDER_ADMIN,
        "王岚（声浪，虚构）",
        "杭州声浪网络科技有限公司（虚构） 330106",
        organisation_id=hz_org,
    )
    hz_member = d.user(
        "hz-member",
        Role.PROVIDER_MEMBER,
        "李舟（声浪，虚构）",
        "杭州声浪网络科技有限公司（虚构） 成员",
        organisation_id=hz_org,
    )
    nb = d.user(
        "nb-admin",
        Role.PROVIDER_ADMIN,
        "周宁（甬城圈，虚构）",
        "宁波甬城圈网络科技有限公司（虚构） 330203",
        organisation_id=nb_org,
    )
    sz = d.user(
        "sz-admin",
        Role.PROVIDER_ADMIN,
        "林深（拾光，虚构）",
        "深圳拾光影像科技有限公司（虚构） 440305",
        organisation_id=sz_org,
    )
    bj = d.user(
        "bj-admin",
        Role.PROVIDER_ADMIN,
        "赵今（今闻，虚构）",
        "北京今闻信息技术有限公司（虚构） 110105",
        organisation_id=bj_org,
    )
    sh = d.user(
        "sh-admin",
        Role.PROVIDER_ADMIN,
        "孙青（问青，虚构）",
        "上海问青智能科技有限公司（虚构） 310115",
        organisation_id=sh_org,
    )

    hz_service = filings.add_service(ctx, hz, VOICE_SOCIAL)
    nb_service = filings.add_service(ctx, nb, CITY_LIVE)
    sz_service = filings.add_service(ctx, sz, PHOTO_FACESWAP)
    bj_service = filings.add_service(ctx, bj, NEWS_GROWTH)
    sh_service = filings.add_service(ctx, sh, CHATBOT_GENAI)

    # -- 杭州 ------------------------------------------------------------------------------------
    # draft, overdue: the function went live 40 days ago and the assessment is still unfinished
    late = d.change(
        hz,
        hz_service,
        "add_capability",
        -40,
        "新增一对一语音聊天（随机匹配陌生用户）",
        capabilities=["one_to_one_voice_chat"],
    )
    d.answer(hz_member, late, only=4)
    d.evidence(
        hz_member,
        late,
        "一对一语音匹配规则.txt",
        "演示材料（虚构）：随机匹配规则与未成年人过滤说明。",
        "sa2018-5-5-mobilisation-control",
    )

    # notice_issued: the city CAC office's written notice
    notice = filings.notify(
        ctx,
        hz_cac,
        hz_service,
        f"杭网信评〔{year}〕7号（虚构）",
        "群组内多次出现煽动性语音内容，请开展安全评估并提交报告",
        due=d.day(30),
    )

    # closed, through rectification: the CAC orders, verifies and closes its review; the police accept the
    # report and close theirs (each authority within its own duties)
    rectified = d.change(
        hz, hz_service, "add_capability", 20, "新增语音直播间（主播开播、观众连麦）", capabilities=["live_streaming"]
    )
    d.prepare(hz, rectified, partly={STAFFING: "夜间时段语音直播间无专职巡查人员", LOGS: "语音房日志仅留存 90 天"})
    d.submit(hz, rectified)
    d.act(hz_cac, rectified, Action.START_REVIEW)
    review.comment(ctx, hz_cac, rectified, d.first_item(rectified), "请补充语音内容实时审核的覆盖时段与人员排班。")
    d.order_rectification(
        hz_cac, rectified, ["建立语音直播间 7×24 小时巡查与值班制度", "网络日志留存不少于六个月并可按账号检索"]
    )
    d.rectify(hz, rectified, ["已建立三班倒巡查制度，附排班表（演示）", "日志系统已改造，留存 180 天（演示）"])
    d.act(hz, rectified, Action.SUBMIT_RECTIFICATION, "整改完成，提交整改报告")
    d.act(hz_cac, rectified, Action.VERIFY, "现场核验整改措施已落实")
    d.act(hz_cac, rectified, Action.CLOSE, "整改已核验，结案")
    d.act(hz_mps, rectified, Action.START_REVIEW)
    d.act(hz_mps, rectified, Action.ACCEPT, "公安机关审查完毕，予以接收")
    d.act(hz_mps, rectified, Action.CLOSE, "结案")

    # supplement_requested, overdue: played out 60 days ago, so the supplement's period has run out;
    # the CAC accepted, the police asked for a supplement
    then = _Loader(d.as_of(-60))
    supplement = then.change(
        hz,
        hz_service,
        "adopt_technology",
        10,
        "上线基于深度学习的语音房推荐算法",
        technologies=["recommendation_algorithm", "deep_learning"],
        aspects=["function", "implementation"],
        material_change=True,
    )
    then.prepare(hz, supplement)
    then.submit(hz, supplement)
    then.act(hz_cac, supplement, Action.START_REVIEW)
    then.act(hz_cac, supplement, Action.ACCEPT, "网信部门审查完毕，予以接收")
    then.act(hz_mps, supplement, Action.START_REVIEW)
    then.act(hz_mps, supplement, Action.REQUEST_SUPPLEMENT, "请补充推荐算法对热门语音房流量分配的说明及人工干预记录")

    # -- 宁波 (the 浙江 provincial office reviews) -------------------------------------------------
    # under_review, with a third-party assessor who signed before submission
    signed = d.change(nb, nb_service, "add_capability", 25, "新增短视频发布与推荐", capabilities=["short_video"])
    d.prepare(nb, signed)
    filings.invite_assessor(ctx, nb, signed, "assessor")
    filings.sign_conclusion(ctx, lab, signed, "经逐项核查，评估内容属实，安全措施有效（演示，虚构）。")
    d.submit(nb, signed)
    d.act(zj_cac, signed, Action.START_REVIEW)
    d.act(zj_mps, signed, Action.START_REVIEW)
    review.comment(ctx, zj_cac, signed, d.first_item(signed), "评估师结论已阅，待核对短视频审核规则。")

    # accepted by both, after one request for supplementary material by the CAC
    accepted = d.change(
        nb, nb_service, "user_growth", -10, "月活跃用户由 40 万增至 120 万", mau_before=400000, mau_after=1200000
    )
    d.prepare(nb, accepted)
    d.submit(nb, accepted)
    d.act(zj_mps, accepted, Action.START_REVIEW)
    d.act(zj_mps, accepted, Action.ACCEPT, "公安机关审查完毕，予以接收")
    d.act(zj_cac, accepted, Action.START_REVIEW)
    d.act(zj_cac, accepted, Action.REQUEST_SUPPLEMENT, "请补充直播审核人员排班表")
    d.evidence(nb, accepted, "直播审核排班表.txt", "演示材料（虚构）：直播审核人员三班排班表。", STAFFING)
    d.submit(nb, accepted)
    d.act(zj_cac, accepted, Action.START_REVIEW)
    d.act(zj_cac, accepted, Action.ACCEPT, "材料齐全，评估报告予以接收")

    # -- 深圳 ------------------------------------------------------------------------------------
    # onsite_inspection, left open
    inspecting = d.change(
        sz,
        sz_service,
        "add_capability",
        30,
        "新增“一键换脸”特效（上传人脸照片替换模板视频中的人脸）",
        capabilities=["face_swap"],
        technologies=["deep_learning"],
    )
    d.prepare(sz, inspecting)
    d.submit(sz, inspecting)
    d.act(sz_cac, inspecting, Action.START_REVIEW)
    d.act(sz_mps, inspecting, Action.START_REVIEW)
    d.act(sz_mps, inspecting, Action.START_INSPECTION, "对换脸功能的生物识别信息处理开展现场检查")

    # verified: inspected by the police (who then accept), rectification ordered by the CAC, answered and
    # verified (not yet closed)
    verified = d.change(sz, sz_service, "add_capability", 15, "新增 AI 视频特效生成", capabilities=["video_generation"])
    d.prepare(sz, verified, partly={LABEL: "部分导出视频未保留显著标识"})
    d.submit(sz, verified)
    d.act(sz_cac, verified, Action.START_REVIEW)
    d.act(sz_mps, verified, Action.START_REVIEW)
    d.act(sz_mps, verified, Action.START_INSPECTION, "现场检查生成内容标识")
    d.act(
        sz_mps,
        verified,
        Action.FINISH_INSPECTION,
        "现场检查完毕",
        {
            "inspectors": "深圳市公安局网警支队 2 人、深圳市网信办 1 人（演示）",
            "findings": "生成视频未全部添加显著标识；审核日志留存完整。",
            "date": d.day(-3),
        },
    )
    d.act(sz_mps, verified, Action.ACCEPT, "公安机关审查完毕；标识问题由网信部门责令整改")
    d.order_rectification(sz_cac, verified, ["对全部 AI 生成视频添加显著标识"])
    d.rectify(sz, verified, ["已在播放页与下载文件中添加“AI 生成”显著标识（演示）"])
    d.act(sz, verified, Action.SUBMIT_RECTIFICATION, "整改完成")
    d.act(sz_cac, verified, Action.VERIFY, "抽查 50 条生成视频，均已标识")

    # rectification_ordered, one of two items answered so far
    incident = d.change(sz, sz_service, "harmful_incident", -5, "AI 滤镜作品区出现违法有害信息传播扩散")
    d.prepare(sz, incident, partly={SPREAD: "作品区先发后审，违法有害信息处置滞后"})
    d.submit(sz, incident)
    d.act(sz_cac, incident, Action.START_REVIEW)
    d.order_rectification(sz_cac, incident, ["完善作品区先审后发机制", "开展存量作品清理并报送清理情况"])
    d.rectify(sz, incident, ["作品区已改为先审后发（演示）"])

    # -- 北京 ------------------------------------------------------------------------------------
    # rectification_submitted
    growth = d.change(
        bj, bj_service, "user_growth", -20, "月活跃用户由 200 万增至 2000 万", mau_before=2000000, mau_after=20000000
    )
    d.prepare(bj, growth, partly={STAFFING: "评论审核人员配置未随用户规模增长"})
    d.submit(bj, growth)
    d.act(bj_cac, growth, Action.START_REVIEW)
    d.act(bj_mps, growth, Action.START_REVIEW)
    d.act(bj_mps, growth, Action.ACCEPT, "公安机关审查完毕，予以接收")
    d.order_rectification(bj_cac, growth, ["评论区审核人员配置与用户规模相适应"])
    d.rectify(bj, growth, ["评论审核人员由 40 人增至 150 人（演示）"])
    d.act(bj, growth, Action.SUBMIT_RECTIFICATION, "提交整改报告")

    # reassessment_ordered
    reassess = d.change(bj, bj_service, "add_capability", 40, "新增新闻直播频道", capabilities=["live_streaming"])
    d.prepare(bj, reassess)
    d.submit(bj, reassess)
    d.act(bj_cac, reassess, Action.START_REVIEW)
    d.act(bj_cac, reassess, Action.ORDER_REASSESSMENT, "评估未覆盖直播连麦场景，请重新评估")

    # closed, accepted without findings
    closed = d.change(bj, bj_service, "add_capability", 10, "新增微博客式短评功能", capabilities=["microblog"])
    d.prepare(bj, closed)
    d.submit(bj, closed)
    d.act(bj_cac, closed, Action.START_REVIEW)
    d.act(bj_cac, closed, Action.ACCEPT)
    d.act(bj_cac, closed, Action.CLOSE, "评估报告已接收，结案")
    d.act(bj_mps, closed, Action.START_REVIEW)
    d.act(bj_mps, closed, Action.ACCEPT)
    d.act(bj_mps, closed, Action.CLOSE, "评估报告已接收，结案")

    # -- 上海 (no Shanghai officer in the demo: its filings wait) ---------------------------------
    launch = d.change(
        sh,
        sh_service,
        "launch",
        30,
        "面向境内公众正式上线生成式人工智能对话服务",
        technologies=["generative_model", "deep_learning"],
    )
    d.prepare(sh, launch)
    d.submit(sh, launch)
    planned = d.change(sh, sh_service, "add_capability", 60, "新增文生视频功能", capabilities=["video_generation"])
    d.answer(sh, planned, only=3)

    # -- 约谈 ------------------------------------------------------------------------------------
    review.record_summons(
        ctx,
        hz_cac,
        review.SummonsRecord(
            provider_id=hz_org,
            date=d.day(-6),
            agencies="杭州市网信办、杭州市公安局（演示）",
            attendees="杭州声浪网络科技有限公司（虚构）法定代表人、安全管理负责人",
            problems="新增一对一语音聊天功能上线前未开展安全评估；群组内煽动性语音内容处置不及时",
            demands="立即开展安全评估并提交报告；完善语音内容巡查制度",
            deadline=d.day(24),
            filing_id=notice,
        ),
    )
    review.record_summons(
        ctx,
        sz_cac,
        review.SummonsRecord(
            provider_id=sz_org,
            date=d.day(-2),
            agencies="深圳市网信办、深圳市公安局（演示）",
            attendees="深圳拾光影像科技有限公司（虚构）总经理、内容安全负责人",
            problems="AI 滤镜作品区违法有害信息传播扩散；深度合成内容未按要求标识",
            demands="限期完成整改并报送整改报告；对存量作品全面清理",
            deadline=d.day(28),
            filing_id=incident,
        ),
    )
    demo_patrol.load(ctx)  # patrol campaigns with samples, not yet run
    d.logins.extend(demo_parties.load(ctx, DEMO_PASSWORD, ACTOR))  # every party and regime (issue 22)

    return d.summary()
