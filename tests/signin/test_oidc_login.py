"""Signing in with the municipality's account, over HTTP against a real OpenID provider (``tests/worlds/oidc.py``):
the first sign-in creates the employee with the roles of their groups, a changed group removes a role at the next
sign-in, and every bad answer — a tampered or expired ID token, one for another client, a replayed state, an error
from the provider, missing claims, groups without a role, a deactivated account, an unknown issuer — is a Dutch 4xx
page with nothing written but its audit event."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.pool import NullPool

from casemgmt.app import create_app
from casemgmt.audit.models import AuditEvent
from casemgmt.auth.models import LoginFailure, User
from casemgmt.db import create_engine
from casemgmt.settings import Settings
from casemgmt.signin.provider import OpenIDProvider
from tests.worlds.oidc import Provider
from tests.worlds.personas import csrf_from, login

pytestmark = pytest.mark.anyio


@pytest.fixture
async def oidc(app: Litestar) -> AsyncIterator[OpenIDProvider]:
    """The app's provider client; whatever a test shifts (clock, a proxy in front of the provider) is put back."""
    provider: OpenIDProvider = app.state.oidc
    yield provider
    provider.clock = time.time
    provider.transport = None
    provider.forget()


def relative(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


async def start(client: AsyncTestClient[Litestar], next_path: str = "") -> str:
    response = await client.get(
        "/login/oidc", params={"next": next_path} if next_path else None, follow_redirects=False
    )
    assert response.status_code == 302, response.text
    return response.headers["location"]


async def sign_in(
    client: AsyncTestClient[Litestar], provider: Provider, sub: str, next_path: str = "", **claims: Any
) -> httpx.Response:
    provider.set_user(sub, **claims)
    back = provider.authorize(await start(client, next_path), sub)
    return await client.get(relative(back), follow_redirects=False)


def claims_of(sub: str, *groups: str) -> dict[str, Any]:
    return {"email": f"{sub}@gemeente.example", "name": f"Medewerker {sub}", "groups": list(groups)}


async def users(db: Callable[[], Any]) -> list[User]:
    async with db() as session:
        return list((await session.scalars(select(User).order_by(User.id))).all())


async def events(db: Callable[[], Any], action: str | None = None) -> list[AuditEvent]:
    async with db() as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        return list((await session.scalars(query)).all())


def refused(response: httpx.Response, status: int, reason: str) -> None:
    assert response.status_code == status, response.text
    assert f'data-reason="{reason}"' in response.text
    assert "Inloggen niet gelukt" in response.text


async def test_first_sign_in_creates_the_employee_with_the_roles_of_their_groups(
    client, db, oidc_provider, oidc
) -> None:
    await client.get("/login")
    anonymous = client.cookies.get("casemgmt_session")
    response = await sign_in(
        client, oidc_provider, "anna", "/dossiers", **claims_of("anna", "casemgmt-casemanager", "casemgmt-szw", "x")
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/dossiers"
    assert client.cookies.get("casemgmt_session") not in (None, anonymous)  # a new session id (fixation)
    (user,) = await users(db)
    assert (user.email, user.name, user.oidc_issuer, user.oidc_subject) == (
        "anna@gemeente.example",
        "Medewerker anna",
        oidc_provider.issuer,
        "anna",
    )
    assert (user.roles, user.service_codes, user.password_hash) == (["casemanager"], ["SZW"], None)
    start_page = await client.get("/start")
    assert start_page.status_code == 200 and "Medewerker anna" in start_page.text
    created, logged_in = await events(db, "create"), await events(db, "login")
    assert [(e.object_type, e.object_id, e.actor_id) for e in created] == [("user", str(user.id), user.id)]
    assert "casemanager" in created[0].detail and "SZW" in created[0].detail
    assert [(e.object_id, e.actor_id) for e in logged_in] == [(str(user.id), user.id)]
    assert oidc_provider.issuer in logged_in[0].detail


async def test_a_group_removed_at_the_provider_removes_the_role_at_the_next_sign_in(
    client, db, oidc_provider, oidc
) -> None:
    groups = ("casemgmt-kcc", "casemgmt-casemanager", "casemgmt-szw")
    assert (await sign_in(client, oidc_provider, "bert", **claims_of("bert", *groups))).status_code == 303
    (user,) = await users(db)
    assert (user.roles, user.service_codes) == (["casemanager", "kcc_agent"], ["KCC", "SZW"])
    csrf = csrf_from((await client.get("/start")).text)
    assert (await client.post("/logout", headers={"x-csrftoken": csrf}, follow_redirects=False)).status_code == 303

    again = await sign_in(client, oidc_provider, "bert", **claims_of("bert", "casemgmt-casemanager", "casemgmt-ocw"))
    assert again.status_code == 303
    (user,) = await users(db)
    assert (user.roles, user.service_codes) == (["casemanager"], ["OCW"])
    (change,) = await events(db, "role_change")
    assert change.object_id == str(user.id)
    assert change.detail.startswith("rollen: casemanager, kcc_agent → casemanager; diensten: KCC, SZW → OCW")
    assert len(await events(db, "login")) == 2 and len(await events(db, "logout")) == 1

    # the same groups once more: no role change recorded
    await client.post(
        "/logout", headers={"x-csrftoken": csrf_from((await client.get("/start")).text)}, follow_redirects=False
    )
    await sign_in(client, oidc_provider, "bert", **claims_of("bert", "casemgmt-casemanager", "casemgmt-ocw"))
    assert len(await events(db, "role_change")) == 1


async def test_a_replayed_state_is_refused(client, db, oidc_provider, oidc) -> None:
    oidc_provider.set_user("carla", **claims_of("carla", "casemgmt-evaluator"))
    back = oidc_provider.authorize(await start(client), "carla")
    assert (await client.get(relative(back), follow_redirects=False)).status_code == 303
    replay = await client.get(relative(back), follow_redirects=False)
    refused(replay, 400, "unknown_state")
    assert "al gebruikt" in replay.text
    async with AsyncTestClient(app=client.app, base_url="http://testserver.local") as other_browser:
        refused(
            await other_browser.get(relative(back), follow_redirects=False), 400, "unknown_state"
        )  # another browser: no such state
    assert len(await users(db)) == 1 and len(await events(db, "login")) == 1
    assert len(await events(db, "login_failed")) == 2


class TamperingProxy(httpx.AsyncBaseTransport):
    """In front of the provider: changes the token endpoint's answer with ``change(token_json)``."""

    def __init__(self, change: Callable[[dict[str, Any]], None]) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.change = change

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if not request.url.path.endswith("/oauth2/token"):
            return response
        body = json.loads(await response.aread())
        self.change(body)
        return httpx.Response(response.status_code, json=body)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def with_admin_group(token: dict[str, Any]) -> None:
    """Make the ID token say the employee is an admin, keeping the provider's signature."""
    header, payload, signature = token["id_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["groups"] = [*claims["groups"], "casemgmt-admin"]
    token["id_token"] = ".".join([header, _b64(json.dumps(claims).encode()), signature])


async def test_a_tampered_id_token_is_refused_and_its_state_is_used_up(client, db, oidc_provider, oidc) -> None:
    oidc.transport = TamperingProxy(with_admin_group)
    oidc_provider.set_user("dirk", **claims_of("dirk", "casemgmt-kcc"))
    back = oidc_provider.authorize(await start(client), "dirk")
    response = await client.get(relative(back), follow_redirects=False)
    refused(response, 400, "bad_signature")
    assert "handtekening klopt niet" in response.text
    assert await users(db) == []
    (failure,) = await events(db, "login_failed")
    assert failure.actor_id is None and "bad_signature" in failure.detail
    oidc.transport = None
    refused(await client.get(relative(back), follow_redirects=False), 400, "unknown_state")  # one attempt per state


async def test_an_id_token_for_another_client_is_refused(client, db, oidc_provider, oidc) -> None:
    oidc_provider.set_user("eva", **claims_of("eva", "casemgmt-admin"))
    authorization = await start(client)
    nonce = parse_qs(urlsplit(authorization).query)["nonce"][0]
    foreign = oidc_provider.id_token_for("eva", client_id="andere-app", nonce=nonce, redirect_uri="http://x/cb")

    def swap(token: dict[str, Any]) -> None:
        token["id_token"] = foreign  # genuine, signed by the provider, same nonce: only the audience differs

    oidc.transport = TamperingProxy(swap)
    response = await client.get(relative(oidc_provider.authorize(authorization, "eva")), follow_redirects=False)
    refused(response, 400, "wrong_audience")
    assert "niet voor casemgmt uitgegeven" in response.text
    assert await users(db) == []


@pytest.mark.parametrize(
    ("shift", "reason"),
    [(2 * 3600, "expired"), (-600, "not_yet_valid")],
    ids=["expired-an-hour-ago", "issued-ten-minutes-ahead"],
)
async def test_an_id_token_outside_its_time_is_refused(client, db, oidc_provider, oidc, shift, reason) -> None:
    oidc.clock = lambda: time.time() + shift  # the provider's tokens live an hour; 60 s of clock skew allowed
    response = await sign_in(client, oidc_provider, "fleur", **claims_of("fleur", "casemgmt-kcc"))
    refused(response, 400, reason)
    assert await users(db) == []


async def test_small_clock_skew_is_allowed(client, db, oidc_provider, oidc) -> None:
    oidc.clock = lambda: time.time() - 30  # casemgmt 30 s behind: the token's iat is 30 s "in the future"
    assert (await sign_in(client, oidc_provider, "gijs", **claims_of("gijs", "casemgmt-kcc"))).status_code == 303


async def test_an_error_from_the_provider_is_refused(client, db, oidc_provider, oidc) -> None:
    back = oidc_provider.authorize(await start(client), None, deny=True)
    assert "error=access_denied" in back
    refused(await client.get(relative(back), follow_redirects=False), 400, "provider_error")
    assert await users(db) == []
    refused(await client.get("/login/oidc/callback"), 400, "unknown_state")  # nothing at all
    refused(await client.get("/login/oidc/callback", params={"state": "verzonnen", "code": "x"}), 400, "unknown_state")


@pytest.mark.parametrize(
    ("claims", "status", "reason", "words"),
    [
        ({"email": "h@gemeente.example"}, 403, "missing_groups", "groepen niet door"),
        ({"email": "h@gemeente.example", "groups": "casemgmt-szw"}, 403, "no_role", "geen van uw groepen"),
        ({"email": "h@gemeente.example", "groups": ["onbekend"]}, 403, "no_role", "geen van uw groepen"),
        ({"email": "h@gemeente.example", "groups": ["casemgmt-accountmanager"]}, 403, "no_service", "uw dienst"),
        ({"groups": ["casemgmt-kcc"]}, 403, "no_email", "e-mailadres"),
        ({"email": "h@x.nl", "email_verified": False, "groups": ["casemgmt-kcc"]}, 403, "no_email", "e-mailadres"),
        ({"email": "h@x.nl", "groups": {"casemgmt-kcc": True}}, 403, "missing_groups", "groepen niet door"),
    ],
    ids=[
        "no-groups-claim",
        "only-a-service",
        "unknown-group",
        "accountmanager-without-service",
        "no-email",
        "unverified-email",
        "groups-not-a-list",
    ],
)
async def test_claims_that_give_no_account_are_refused(client, db, oidc_provider, oidc, claims, status, reason, words):
    response = await sign_in(client, oidc_provider, f"h-{reason}", **claims)
    refused(response, status, reason)
    assert words in response.text
    assert await users(db) == []
    (failure,) = await events(db, "login_failed")
    assert reason in failure.detail


async def test_a_deactivated_employee_with_a_valid_id_token_is_refused(
    client, db, make_user, oidc_provider, oidc
) -> None:
    person = await make_user("kcc_agent", services=["KCC"], email="ivo@gemeente.example", active=False)
    response = await sign_in(client, oidc_provider, "ivo", **claims_of("ivo", "casemgmt-kcc", "casemgmt-admin"))
    refused(response, 403, "deactivated")
    (user,) = await users(db)
    assert (user.id, user.is_active, user.oidc_subject, user.roles) == (person.id, False, None, ["kcc_agent"])
    (failure,) = await events(db, "login_failed")
    assert failure.object_id == str(person.id) and "deactivated" in failure.detail


async def test_an_existing_account_is_linked_by_its_e_mail_address_once(client, db, make_user, oidc_provider, oidc):
    person = await make_user("casemanager", email="jan@gemeente.example")
    response = await sign_in(client, oidc_provider, "jan", **claims_of("jan", "casemgmt-casemanager"))
    assert response.status_code == 303
    (user,) = await users(db)
    assert (user.id, user.oidc_subject) == (person.id, "jan")
    # another subject at the provider with the same address cannot take the account over
    await client.post(
        "/logout", headers={"x-csrftoken": csrf_from((await client.get("/start")).text)}, follow_redirects=False
    )
    other = await sign_in(client, oidc_provider, "jan-2", **claims_of("jan", "casemgmt-admin"))
    refused(other, 403, "email_taken")
    (user,) = await users(db)
    assert (user.oidc_subject, user.roles) == ("jan", ["casemanager"])


async def test_logout_ends_the_session_at_the_provider_too(client, db, oidc_provider, oidc) -> None:
    assert (await sign_in(client, oidc_provider, "kees", **claims_of("kees", "casemgmt-kcc"))).status_code == 303
    csrf = csrf_from((await client.get("/start")).text)
    response = await client.post("/logout", headers={"x-csrftoken": csrf}, follow_redirects=False)
    assert response.status_code == 303
    target = urlsplit(response.headers["location"])
    query = parse_qs(target.query)
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{oidc_provider.issuer}/oauth2/end_session"
    assert query["post_logout_redirect_uri"] == [f"{client.app.state.settings.base_url}/login"]
    assert query["id_token_hint"][0].count(".") == 2
    assert f"form-action 'self' {oidc_provider.issuer}" in response.headers["content-security-policy"]
    assert (await client.get("/start", follow_redirects=False)).status_code in (
        302,
        303,
        401,
    )  # the local session is gone
    async with httpx.AsyncClient(timeout=10) as browser:
        ended = await browser.get(response.headers["location"])
    assert ended.status_code == 200  # the provider's own "end session" page


async def test_a_password_login_logs_out_locally_and_is_audited(client, db, make_user) -> None:
    person = await make_user("kcc_agent", services=["KCC"])
    assert (await login(client, person.email, "niet-goed")).status_code == 401
    assert (await login(client, "niemand@gemeente.example", "niet-goed")).status_code == 401
    assert (await login(client, person.email)).status_code == 303
    response = await client.post(
        "/logout", headers={"x-csrftoken": csrf_from((await client.get("/start")).text)}, follow_redirects=False
    )
    assert response.headers["location"] == "/login"
    failures = await events(db, "login_failed")
    assert [(e.object_id, e.detail) for e in failures] == [
        (str(person.id), "wachtwoord: onjuist wachtwoord"),
        ("", "wachtwoord: onbekend e-mailadres"),
    ]
    assert [(e.actor_id, e.detail) for e in await events(db, "login")] == [(person.id, "wachtwoord")]


async def other_app(settings: Settings, **changes: Any) -> Litestar:
    changed = Settings(**{**settings.model_dump(), **changes})
    return create_app(changed, engine=create_engine(changed, poolclass=NullPool))


async def test_an_issuer_that_names_itself_otherwise_is_refused(app, settings, db, oidc_provider) -> None:
    strict = await other_app(settings, oidc_issuer=oidc_provider.issuer + "/")  # discovery names it without "/"
    async with AsyncTestClient(app=strict, base_url="http://testserver.local") as client:
        response = await client.get("/login/oidc", follow_redirects=False)
        refused(response, 400, "unknown_issuer")
        assert "andere inlogdienst" in response.text
    (failure,) = await events(db, "login_failed")
    assert "discovery names issuer" in failure.detail


async def test_a_provider_that_cannot_be_reached_is_a_dutch_page(app, settings, db) -> None:
    unreachable = await other_app(settings, oidc_issuer="http://localhost:9")
    async with AsyncTestClient(app=unreachable, base_url="http://testserver.local") as client:
        response = await client.get("/login/oidc", follow_redirects=False)
        refused(response, 400, "provider_unavailable")
        assert "niet bereikbaar" in response.text
        assert "Inloggen met uw gemeenteaccount" in (await client.get("/login")).text


async def test_without_a_provider_there_is_no_button_and_no_sign_in(app, settings, db) -> None:
    plain = await other_app(settings, oidc_issuer=None, oidc_client_id=None)
    async with AsyncTestClient(app=plain, base_url="http://testserver.local") as client:
        page = await client.get("/login")
        assert "gemeenteaccount" not in page.text and 'name="password"' in page.text
        refused(await client.get("/login/oidc"), 404, "not_configured")
        refused(await client.get("/login/oidc/callback", params={"state": "x", "code": "y"}), 404, "not_configured")
    assert await events(db) == []


async def test_unknown_employees_are_not_created_when_that_is_off(app, settings, db, oidc_provider) -> None:
    closed = await other_app(settings, oidc_create_users=False)
    async with AsyncTestClient(app=closed, base_url="http://testserver.local") as client:
        response = await sign_in(client, oidc_provider, "lars", **claims_of("lars", "casemgmt-kcc"))
    refused(response, 403, "unknown_user")
    assert await users(db) == []


async def test_password_login_switched_off(app, settings, db, make_user, oidc_provider) -> None:
    person = await make_user("admin")
    only_oidc = await other_app(settings, password_login=False)
    async with AsyncTestClient(app=only_oidc, base_url="http://testserver.local") as client:
        page = await client.get("/login")
        assert 'name="password"' not in page.text and "Inloggen met uw gemeenteaccount" in page.text
        token = client.cookies.get("casemgmt_csrf")  # the page has no form; the htmx header carries the same token
        response = await client.post(
            "/login",
            data={"email": person.email, "password": "correct-horse-battery", "_csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 403
        assert "Inloggen met een wachtwoord staat uit" in response.text
        assert (await client.get("/start", follow_redirects=False)).status_code in (302, 303, 401)
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_password_login_off_needs_a_provider(settings) -> None:
    with pytest.raises(ValueError, match="CASEMGMT_PASSWORD_LOGIN=false leaves no way to sign in"):
        Settings(**{**settings.model_dump(), "password_login": False, "oidc_issuer": None})
