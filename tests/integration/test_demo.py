from __future__ import annotations

from dataclasses import dataclass

import pytest
import yaml

from redline.bootstrap import build_context
from redline.config import Settings
from redline.demo import parties as demo_parties
from redline.demo import seed as demo
from redline.demo.seed import DEMO_PASSWORD, DemoSummary, load_demo
from redline.domain.workflow import FilingState
from redline.errors import InputError
from redline.services import audit
from redline.services.access import accounts
from redline.services.context import Context
from redline.services.filing import queries
from redline.services.principal import Principal
from redline.store.migrate import upgrade
from tests.conftest import EXAMPLES


@dataclass(frozen=True)
class Loaded:
    ctx: Context
    summary: DemoSummary


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    tmp_path = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{tmp_path}/demo.db"
    upgrade(url)
    ctx = build_context(Settings(database_url=url, blob_dir=tmp_path / "blobs"))
    return Loaded(ctx, load_demo(ctx))


def _as(loaded: Loaded, username: str) -> Principal:
    _token, principal = accounts.login(loaded.ctx, username, DEMO_PASSWORD)
    return principal


def _count(loaded: Loaded, username: str, region: str | None = None, overdue_only: bool = False) -> int:
    """How many filings the user sees (only the count: list_filings' rows are not used)."""
    f = queries.FilingFilter(region=region, overdue_only=overdue_only)
    _rows, total = queries.list_filings(loaded.ctx, _as(loaded, username), f)
    return total


def test_every_filing_state_appears_at_least_once(loaded: Loaded) -> None:
    by_state = loaded.summary.filings_by_state
    assert set(by_state) == {s.value for s in FilingState}
    assert all(n >= 1 for n in by_state.values()), by_state


def test_at_least_one_filing_is_overdue_for_the_provider_and_for_the_hangzhou_officer(loaded: Loaded) -> None:
    assert _count(loaded, "hz-admin", overdue_only=True) >= 1
    assert _count(loaded, "hz-cac", overdue_only=True) >= 1


def test_the_audit_chain_verifies(loaded: Loaded) -> None:
    with loaded.ctx.uow() as uow:
        report = audit.verify(uow.session)
    assert report.ok, report.reason
    assert report.entries > 100


def test_the_shenzhen_officer_sees_no_hangzhou_filing(loaded: Loaded) -> None:
    assert _count(loaded, "sz-cac") >= 1
    assert _count(loaded, "sz-cac", region="330100") == 0
    assert _count(loaded, "sz-cac", region="330000") == 0


def test_the_zhejiang_officer_sees_filings_of_both_hangzhou_and_ningbo(loaded: Loaded) -> None:
    assert _count(loaded, "zj-cac", region="330100") >= 1
    assert _count(loaded, "zj-cac", region="330200") >= 1
    assert _count(loaded, "zj-cac", region="440300") == 0


def test_every_listed_login_works_with_the_demo_password(loaded: Loaded) -> None:
    roles = {role for _user, role, _desc in loaded.summary.logins}
    assert {"provider_admin", "provider_member", "assessor", "cac_officer", "mps_officer", "platform_admin"} <= roles
    for username, role, _description in loaded.summary.logins:
        assert _as(loaded, username).role.value == role


def test_the_demo_services_are_the_example_profiles() -> None:
    embedded = [
        demo.VOICE_SOCIAL,
        demo.PHOTO_FACESWAP,
        demo.NEWS_GROWTH,
        demo.CHATBOT_GENAI,
        demo_parties.MODEL_SUPPORTER,
        demo_parties.FORUM_AIGC,
        demo_parties.APP_STORE,
        demo_parties.NEWS_AI_ANCHOR,
        demo_parties.VIDEO_VR,
        demo_parties.SHOP_COMMUNITY,
        demo_parties.FORUM_GROWTH,
    ]
    for name, profile in zip(
        [
            "voice-social",
            "photo-faceswap",
            "news-growth",
            "chatbot-genai",
            "model-supporter",
            "forum-aigc",
            "app-store",
            "news-ai-anchor",
            "video-vr",
            "shop-community",
            "forum-growth-judgement",
        ],
        embedded,
        strict=True,
    ):
        example = yaml.safe_load((EXAMPLES / name / "service.yaml").read_text(encoding="utf-8"))
        assert profile == {"service": example["service"], "basic_info": example["basic_info"]}, name


def test_loading_twice_raises_input_error(loaded: Loaded) -> None:
    with pytest.raises(InputError, match="already holds data"):
        load_demo(loaded.ctx)


def test_every_party_has_a_demo_filing_that_names_its_role(loaded: Loaded) -> None:
    # 深度合成管理规定 Art. 23 (technical supporter); 标识办法 Arts. 6 (platform) and 7 (app distribution platform)
    bound = set()
    for username in ("hf-admin", "cd-admin", "xm-admin"):
        rows, _total = queries.list_filings(loaded.ctx, _as(loaded, username), queries.FilingFilter())
        bound |= {o["binds"]["en"] for row in rows for o in row.obligations}
    assert {"technical supporter", "platform that spreads content", "app distribution platform"} <= bound


def test_the_demo_shows_a_judgement_recorded_and_a_question_still_open(loaded: Loaded) -> None:
    def outcomes(username: str) -> dict[str, str]:
        rows, _total = queries.list_filings(loaded.ctx, _as(loaded, username), queries.FilingFilter())
        return {o["trigger_id"]: o["outcome"] for row in rows for o in row.obligations}

    assert outcomes("nj-admin")["sa2018-3-2"] == "due"  # judged on the platform: a material change
    assert outcomes("nj-admin")["nt2017-3"] == "due"
    assert outcomes("xa-admin")["sa2018-3-3"] == "depends_on_judgement"  # left for a person to judge
