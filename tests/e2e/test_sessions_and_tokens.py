"""Sessions, CSRF and API tokens over real HTTP, performing the attacks of issue 15 (B9, B17, B18):
forged CSRF pairs, a token planted in the account page's URL, tokens that never expire or cannot be
revoked, and a stolen session that outlives a password change."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest
from sqlalchemy import select

from redline.demo.seed import DEMO_PASSWORD
from redline.domain.workflow import Role
from redline.services.access import accounts
from redline.store.models import ApiToken
from tests.e2e.conftest import Live

PASSWORD = "first-password-1"


def _csrf(page: httpx.Response) -> str:
    return page.text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def _login(live: Live, username: str, password: str = DEMO_PASSWORD) -> httpx.Client:
    client = httpx.Client(base_url=live.url, timeout=30, follow_redirects=False)
    page = client.get("/login")
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": _csrf(page), "next": "/"}
    )
    assert response.status_code == 303, response.text
    return client


def _user(live: Live, name: str) -> None:
    accounts.create_user(live.ctx, accounts.NewUser(name, PASSWORD, Role.PLATFORM_ADMIN))


# ---- B17: the CSRF token is bound to the session and rotates -------------------------------------


def test_any_equal_value_in_csrf_cookie_and_field_is_refused(live: Live) -> None:
    forged = "A" * 43
    client = httpx.Client(base_url=live.url, timeout=30, follow_redirects=False)
    client.cookies.set("redline_csrf", forged)
    response = client.post(
        "/login", data={"username": "hz-admin", "password": DEMO_PASSWORD, "csrf_token": forged, "next": "/"}
    )
    assert response.status_code == 403
    assert "redline_session" not in response.cookies


def test_a_planted_csrf_cookie_does_not_let_a_forged_form_act_for_a_logged_in_user(live: Live) -> None:
    victim = _login(live, "hz-cac")
    planted = "B" * 43  # an attacker who can set cookies sets both halves of the double submit
    victim.cookies.set("redline_csrf", planted)
    response = victim.post("/account/tokens", data={"csrf_token": planted, "name": "for-the-attacker"})
    assert response.status_code == 403
    assert "rl_" not in response.text


def test_the_csrf_token_of_another_session_is_refused(live: Live) -> None:
    attacker, victim = _login(live, "sz-cac"), _login(live, "hz-cac")
    attackers_token = _csrf(attacker.get("/account"))
    assert victim.post("/logout", data={"csrf_token": attackers_token}).status_code == 403
    assert victim.get("/regulator").status_code == 200


def test_the_csrf_token_rotates_at_login_and_logout(live: Live) -> None:
    client = httpx.Client(base_url=live.url, timeout=30, follow_redirects=False)
    before = _csrf(client.get("/login"))
    assert (
        client.post(
            "/login", data={"username": "hz-mps", "password": DEMO_PASSWORD, "csrf_token": before, "next": "/"}
        ).status_code
        == 303
    )
    during = _csrf(client.get("/account"))
    assert during != before
    assert client.post("/logout", data={"csrf_token": during}).status_code == 303
    after = _csrf(client.get("/login"))
    assert after not in (before, during)
    # the pre-login token is dead after logout: a login form posted with it is refused
    assert (
        client.post(
            "/login", data={"username": "hz-mps", "password": DEMO_PASSWORD, "csrf_token": before, "next": "/"}
        ).status_code
        == 403
    )


# ---- B18: a new token is shown once, from the server, never from the URL ----------------------------


def test_the_account_page_never_shows_a_token_from_the_url(live: Live) -> None:
    client = _login(live, "nb-admin")
    page = client.get("/account", params={"token": "rl_ATTACKER-CHOSEN-TEXT"})
    assert page.status_code == 200
    assert "ATTACKER-CHOSEN-TEXT" not in page.text
    assert 'id="new-token"' not in page.text


def test_a_new_token_is_shown_once_on_the_post_response_only(live: Live) -> None:
    client = _login(live, "nb-admin")
    created = client.post("/account/tokens", data={"csrf_token": _csrf(client.get("/account")), "name": "ci"})
    assert created.status_code == 200
    token = re.search(r'id="new-token">(rl_[^<]+)<', created.text)
    assert token is not None
    assert token.group(1) not in client.get("/account").text


# ---- B9: tokens expire and are revocable; password change; log out everywhere -----------------------


def test_a_token_expires_after_its_lifetime(live: Live) -> None:
    _, principal = accounts.login(live.ctx, "sz-mps", DEMO_PASSWORD)
    token = accounts.create_api_token(live.ctx, principal, "short", days=1)
    api = httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert api.get("/api/v1/me").status_code == 200
    with live.ctx.uow() as uow:  # a day later: move the expiry into the past instead of the clock
        row = uow.session.scalars(select(ApiToken).where(ApiToken.token_hash == accounts.token_digest(token))).one()
        row.expires_at = live.ctx.now() - dt.timedelta(seconds=1)
        uow.commit()
    live.ctx.cache.clear()
    assert api.get("/api/v1/me").status_code == 401


def test_token_lifetime_is_capped_and_defaults_to_the_setting(live: Live) -> None:
    _, principal = accounts.login(live.ctx, "sz-mps", DEMO_PASSWORD)
    accounts.create_api_token(live.ctx, principal, "default")
    with pytest.raises(Exception, match="days"):
        accounts.create_api_token(live.ctx, principal, "forever", days=live.ctx.settings.api_token_max_days + 1)
    mine = accounts.list_api_tokens(live.ctx, principal)
    newest = max(mine, key=lambda t: t.id)
    assert newest.name == "default"
    lifetime = newest.expires_at - newest.created_at
    assert abs(lifetime - dt.timedelta(days=live.ctx.settings.api_token_days)) < dt.timedelta(minutes=1)


def test_the_owner_revokes_a_token_through_the_api_and_it_stops_at_once(live: Live) -> None:
    _, principal = accounts.login(live.ctx, "bj-cac", DEMO_PASSWORD)
    leaked, keeper = (accounts.create_api_token(live.ctx, principal, n) for n in ("leaked", "keeper"))
    api = httpx.Client(base_url=live.url, headers={"Authorization": f"Bearer {keeper}"}, timeout=30)
    listed = api.get("/api/v1/tokens").json()
    leaked_id = next(t["id"] for t in listed if t["name"] == "leaked")
    assert all("token_hash" not in t for t in listed)
    assert api.delete(f"/api/v1/tokens/{leaked_id}").status_code == 204
    assert httpx.get(live.url + "/api/v1/me", headers={"Authorization": f"Bearer {leaked}"}).status_code == 401
    assert api.get("/api/v1/me").status_code == 200


def test_nobody_revokes_another_users_token(live: Live) -> None:
    _, owner = accounts.login(live.ctx, "sz-admin", DEMO_PASSWORD)
    victim = accounts.create_api_token(live.ctx, owner, "victim")
    victim_id = max(t.id for t in accounts.list_api_tokens(live.ctx, owner))
    other = live.api("hz-cac")
    response = other.delete(f"/api/v1/tokens/{victim_id}")
    assert response.status_code == 404
    assert httpx.get(live.url + "/api/v1/me", headers={"Authorization": f"Bearer {victim}"}).status_code == 200


def test_the_owner_revokes_a_token_on_the_account_page(live: Live) -> None:
    client = _login(live, "sh-admin")
    created = client.post("/account/tokens", data={"csrf_token": _csrf(client.get("/account")), "name": "old"})
    token = re.search(r'id="new-token">(rl_[^<]+)<', created.text)
    assert token is not None
    page = client.get("/account")
    token_id = re.search(r'action="/account/tokens/(\d+)/revoke"', page.text)
    assert token_id is not None
    revoked = client.post(f"/account/tokens/{token_id.group(1)}/revoke", data={"csrf_token": _csrf(page)})
    assert revoked.status_code == 303
    assert httpx.get(live.url + "/api/v1/me", headers={"Authorization": f"Bearer {token.group(1)}"}).status_code == 401


def test_a_password_change_needs_the_current_password_and_ends_every_other_session(live: Live) -> None:
    _user(live, "pw-changer")
    thief, owner = _login(live, "pw-changer", PASSWORD), _login(live, "pw-changer", PASSWORD)
    _, principal = accounts.login(live.ctx, "pw-changer", PASSWORD)
    token = accounts.create_api_token(live.ctx, principal, "ci")
    page = owner.get("/account")
    wrong = owner.post(
        "/account/password",
        data={"csrf_token": _csrf(page), "current": "not-my-password-1", "new": "second-password-2"},
    )
    assert wrong.status_code == 422
    changed = owner.post(
        "/account/password",
        data={"csrf_token": _csrf(page), "current": PASSWORD, "new": "second-password-2", "revoke_tokens": "on"},
    )
    assert changed.status_code == 303
    assert owner.get("/account").status_code == 200  # this session stays
    assert thief.get("/account").status_code == 303  # the stolen one is gone
    assert httpx.get(live.url + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    with pytest.raises(Exception, match="wrong username or password"):
        accounts.login(live.ctx, "pw-changer", PASSWORD)
    accounts.login(live.ctx, "pw-changer", "second-password-2")


def test_log_out_everywhere_ends_every_session_of_the_account(live: Live) -> None:
    _user(live, "everywhere")
    laptop, phone = _login(live, "everywhere", PASSWORD), _login(live, "everywhere", PASSWORD)
    out = phone.post("/account/logout-everywhere", data={"csrf_token": _csrf(phone.get("/account"))})
    assert out.status_code == 303
    assert laptop.get("/account").status_code == 303
    assert phone.get("/account").status_code == 303
