"""Login, logout, throttling, inactive users, CSRF, session fixation, security headers."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from casemgmt.auth.models import LoginFailure, SessionStoreEntry
from casemgmt.auth.throttle import MAX_ADDRESS_FAILURES, MAX_FAILURES, locked_until
from tests.worlds.personas import PASSWORD, csrf_from, csrf_token, login

pytestmark = pytest.mark.anyio


async def test_login_shows_start_page_with_roles_and_services(client, make_user) -> None:
    person = await make_user("accountmanager", services=["SZW", "OCW"], name="Anouk Jansen")
    response = await login(client, person.email)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    page = await client.get("/start")
    assert page.status_code == 200
    assert "Welkom, Anouk Jansen" in page.text
    assert "Accountmanager" in page.text
    assert "SZW" in page.text and "OCW" in page.text


async def test_wrong_password_shows_form_again_without_session(client, make_user, db) -> None:
    person = await make_user("casemanager")
    response = await login(client, person.email, "wrong-password-123")
    assert response.status_code == 401
    assert "Onjuist e-mailadres of wachtwoord" in response.text
    assert (await client.get("/", follow_redirects=False)).status_code == 303
    async with db() as session:
        assert await session.scalar(select(LoginFailure.email)) == person.email


async def test_unknown_email_gets_the_same_message(client) -> None:
    response = await login(client, "nobody@test.casemgmt.nl", "whatever-123")
    assert response.status_code == 401
    assert "Onjuist e-mailadres of wachtwoord" in response.text


async def test_logout_ends_the_session(client, make_user) -> None:
    person = await make_user("kcc_agent", services=["KCC"])
    await login(client, person.email)
    token = await csrf_token(client)
    response = await client.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert (await client.get("/", follow_redirects=False)).headers["location"] == "/login"


async def test_five_failures_lock_the_email_for_fifteen_minutes(client, make_user) -> None:
    person = await make_user("casemanager")
    for _ in range(5):
        assert (await login(client, person.email, "wrong-password-123")).status_code == 401
    locked = await login(client, person.email)  # even the right password is refused now
    assert locked.status_code == 429
    assert "Te veel mislukte inlogpogingen" in locked.text
    other = await make_user("casemanager")
    assert (await login(client, other.email)).status_code == 303  # only that e-mail is locked


async def test_parallel_wrong_passwords_cannot_pass_the_lock_together(client, make_user, db) -> None:
    person = await make_user("casemanager")
    token = csrf_from((await client.get("/login")).text)

    async def attempt(password: str) -> int:
        data = {"email": person.email, "password": password, "_csrf_token": token}
        return (await client.post("/login", data=data, follow_redirects=False)).status_code

    answers = await asyncio.gather(*(attempt("wrong-password-123") for _ in range(19)), attempt(PASSWORD))
    assert answers.count(401) + answers[-1:].count(303) <= MAX_FAILURES, answers
    assert set(answers) <= {401, 429, 303}
    async with db() as session:  # a refused attempt is not counted; a wrong one is
        failures = await session.scalar(select(func.count()).select_from(LoginFailure))
    assert failures == answers.count(401)


async def test_one_address_trying_many_e_mails_is_slowed_down_too(client, make_user) -> None:
    person = await make_user("casemanager")
    for n in range(MAX_ADDRESS_FAILURES):
        assert (await login(client, f"gok{n}@gemeente.nl", "wrong-password-123")).status_code == 401
    refused = await login(client, person.email)  # another e-mail, the right password, the same client address
    assert refused.status_code == 429
    assert "vanaf deze computer" in refused.text


@pytest.mark.parametrize("email", ["a" * 250 + "@gemeente.nl", "x" * 10_000])
async def test_an_impossible_e_mail_is_a_wrong_login_not_an_error(client, db, email) -> None:
    response = await login(client, email)
    assert response.status_code == 401
    assert "Onjuist e-mailadres of wachtwoord" in response.text
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(LoginFailure)) == 0


async def test_a_nul_in_the_login_form_is_refused_not_an_error(client, db) -> None:
    response = await login(client, "kcc\x00@gemeente.nl")
    assert response.status_code == 422
    assert "niet kan worden opgeslagen" in response.text
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_lockout_rule() -> None:
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    five = [now - timedelta(minutes=m) for m in (1, 2, 3, 4, 5)]
    assert locked_until(five, now) == five[0] + timedelta(minutes=15)
    assert locked_until(five[:4], now) is None
    assert locked_until(five, now + timedelta(minutes=15)) is None  # lockout over
    spread = [now - timedelta(minutes=m) for m in (1, 5, 10, 15, 20)]
    assert locked_until(spread, now) is None  # not within 15 minutes


async def test_inactive_user_cannot_log_in(client, make_user) -> None:
    person = await make_user("casemanager", active=False)
    assert (await login(client, person.email)).status_code == 401


async def test_deactivated_user_is_refused_on_next_request(client, make_user, db) -> None:
    from casemgmt.auth.models import User

    person = await make_user("casemanager")
    await login(client, person.email)
    assert (await client.get("/start")).status_code == 200
    async with db() as session, session.begin():
        (await session.get(User, person.id)).is_active = False
    response = await client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


async def test_post_without_csrf_token_is_refused(client, make_user) -> None:
    person = await make_user("casemanager")
    await client.get("/login")
    response = await client.post("/login", data={"email": person.email, "password": "correct-horse-battery"})
    assert response.status_code == 403
    assert "CSRF" in response.text
    assert "<html" in response.text  # a Dutch page, not a stack trace
    assert "Traceback" not in response.text


async def test_htmx_requests_send_the_token_in_a_header(client, make_user) -> None:
    person = await make_user("casemanager")
    await login(client, person.email)
    page = await client.get("/start")
    token = csrf_from(page.text)
    assert f'"x-csrftoken": "{token}"' in page.text
    response = await client.post("/logout", headers={"x-csrftoken": token, "hx-request": "true"})
    assert response.status_code in (200, 303)


async def test_session_id_set_before_login_does_not_carry_the_login(client, make_user, app) -> None:
    person = await make_user("casemanager")
    await client.get("/login")
    planted = client.cookies.get("casemgmt_session")
    assert planted
    await login(client, person.email)
    after = client.cookies.get("casemgmt_session")
    assert after and after != planted
    from litestar.testing import AsyncTestClient

    async with AsyncTestClient(app=app, base_url="http://testserver.local") as attacker:
        attacker.cookies.set("casemgmt_session", planted)
        response = await attacker.get("/", follow_redirects=False)
        assert response.status_code == 303


async def test_session_is_stored_in_the_database(client, make_user, db) -> None:
    person = await make_user("casemanager")
    await login(client, person.email)
    async with db() as session:
        keys = (await session.scalars(select(SessionStoreEntry.key))).all()
    assert client.cookies.get("casemgmt_session") in keys


async def test_security_headers_on_pages_errors_and_assets(client) -> None:
    for path in ("/login", "/does-not-exist", "/static/htmx/htmx.min.js", "/health"):
        response = await client.get(path)
        csp = response.headers["content-security-policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"


async def test_personal_data_is_never_cached_but_static_assets_are_not_affected(client, make_user, make_token) -> None:
    person = await make_user("casemanager")
    headers = await make_token(person)
    assert (await client.get("/api/v1/me", headers=headers)).headers["cache-control"] == "no-store"
    await login(client, person.email)
    for path in ("/werkvoorraad", "/does-not-exist", "/login"):
        assert (await client.get(path)).headers["cache-control"] == "no-store", path
    assert (await client.get("/static/htmx/htmx.min.js")).headers.get("cache-control") != "no-store"
    assert "strict-transport-security" not in (await client.get("/login")).headers  # test mode is plain HTTP


async def test_production_sends_hsts(migrated) -> None:
    from litestar.testing import AsyncTestClient
    from sqlalchemy.pool import NullPool

    from casemgmt.app import create_app
    from casemgmt.db import create_engine
    from casemgmt.settings import Mode, Settings

    settings = Settings(database_url=migrated.database_url, mode=Mode.PRODUCTION, secret_key="k" * 32)
    app = create_app(settings, engine=create_engine(settings, poolclass=NullPool))
    async with AsyncTestClient(app=app, base_url="https://casemgmt.example") as production:
        response = await production.get("/login")
    assert response.headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


async def test_session_cookie_flags(client, make_user) -> None:
    person = await make_user("casemanager")
    response = await login(client, person.email)
    cookie = next(v for k, v in response.headers.multi_items() if k == "set-cookie" and "casemgmt_session" in v)
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie  # test mode; production sets Secure (tests/web/test_settings.py)


async def test_next_parameter_only_follows_local_paths(client, make_user) -> None:
    person = await make_user("casemanager")
    page = await client.get("/login")
    response = await client.post(
        "/login",
        data={
            "email": person.email,
            "password": "correct-horse-battery",
            "next": "//evil.example/",
            "_csrf_token": csrf_from(page.text),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


async def _stored_session(db, key: str) -> SessionStoreEntry:
    async with db() as session:
        entry = await session.scalar(select(SessionStoreEntry).where(SessionStoreEntry.key == key))
        assert entry is not None
        return entry


async def test_an_unchanged_session_is_not_written_again_until_its_renewal_is_due(
    client, make_user, db, monkeypatch
) -> None:
    import casemgmt.auth.middleware as middleware

    person = await make_user("casemanager")
    await login(client, person.email)
    key = client.cookies.get("casemgmt_session")
    assert (await client.get("/start")).status_code == 200
    written = await _stored_session(db, key)

    assert (await client.get("/start")).status_code == 200
    assert (await client.get("/dossiers")).status_code == 200
    unchanged = await _stored_session(db, key)
    assert (unchanged.expires_at, unchanged.value) == (written.expires_at, written.value)

    # Five minutes later the same page moves the (sliding) expiry along.
    later = middleware.time.time() + middleware.SESSION_RENEW_AFTER_SECONDS + 1
    monkeypatch.setattr(middleware.time, "time", lambda: later)
    assert (await client.get("/start")).status_code == 200
    renewed = await _stored_session(db, key)
    assert renewed.expires_at > written.expires_at
    assert client.cookies.get("casemgmt_session") == key  # same session, same id


def test_renewal_is_due_after_five_minutes() -> None:
    from casemgmt.auth.middleware import SESSION_RENEW_AFTER_SECONDS, renewal_due

    assert SESSION_RENEW_AFTER_SECONDS == 300
    assert not renewal_due(1_000, 1_000)
    assert not renewal_due(1_000, 1_299)
    assert renewal_due(1_000, 1_300)


async def test_identity_is_read_with_its_roles_and_services_in_one_query(app, make_user, db) -> None:
    from sqlalchemy import event

    from casemgmt.auth.roles import Role
    from casemgmt.auth.services import Accounts

    person = await make_user("accountmanager", "casemanager", services=["SZW", "OCW"])
    inactive = await make_user("kcc_agent", services=["KCC"], active=False)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", count)
    try:
        async with db() as session:
            accounts = Accounts(session, app.state.passwords)
            user = await accounts.active_user(person.id)
            assert len(statements) == 1
            assert await accounts.active_user(inactive.id) is None
    finally:
        event.remove(app.state.engine.sync_engine, "before_cursor_execute", count)
    assert user is not None
    assert user.roles == frozenset({Role.ACCOUNTMANAGER, Role.CASEMANAGER})
    assert user.service_codes == ("OCW", "SZW")
    assert (user.email, user.name) == (person.email, person.name)


def test_an_account_name_and_email_have_the_columns_length() -> None:
    """Limits everywhere (issue 11): refused with a Dutch message before PostgreSQL would refuse the row."""
    from casemgmt.auth.services import MAX_NAME_LENGTH, validate_account

    assert validate_account("a@b.nl", "n" * MAX_NAME_LENGTH, ["kcc_agent"], ["KCC"]) == []
    long_email = "e" * 250 + "@b.nl"
    errors = validate_account(long_email, "n" * (MAX_NAME_LENGTH + 1), ["kcc_agent"], ["KCC"])
    assert {e.field: e.message for e in errors} == {
        "email": f"Het e-mailadres is te lang ({len(long_email)} tekens, maximaal 254)",
        "name": f"De naam is te lang ({MAX_NAME_LENGTH + 1} tekens, maximaal {MAX_NAME_LENGTH})",
    }
