"""``POST /api/v1/users`` and ``PATCH /api/v1/users/{id}`` (issue 17): every bad input answers 422 or 409 with the
field and writes nothing; deactivating ends the employee's sessions and API tokens at once."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from casemgmt.audit.models import AuditEvent
from casemgmt.auth.models import ApiToken, SessionStoreEntry, User
from casemgmt.organisation import rules
from tests.worlds.personas import login

pytestmark = pytest.mark.anyio

NEW = {
    "email": "nieuw@gemeente.nl",
    "name": "Nina Nieuw",
    "roles": ["casemanager", "accountmanager"],
    "services": ["SZW"],
    "phone": "070 353 7510",
    "max_caseload": 12,
    "password": "een-lang-wachtwoord",
}


async def count(db, model: Any) -> int:  # type: ignore[no-untyped-def]
    async with db() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


LOGINS = SessionStoreEntry.namespace == "sessions"
"""The store's login sessions (it also keeps the data version, web/data_version.py)."""
SIGN_IN_ACTIONS = ("login", "login_failed", "logout")
"""Signing in and out is audited on the user too (signin/); these tests look at the administration's events."""


async def user_events(db) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    async with db() as session:
        rows = await session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "user", AuditEvent.action.not_in(SIGN_IN_ACTIONS))
            .order_by(AuditEvent.id)
        )
        return list(rows.all())


async def current(client, headers, user_id: int) -> str:  # type: ignore[no-untyped-def]
    async with client.app.state.alchemy.get_session() as session:
        return (await session.get(User, user_id)).updated_at.isoformat()


async def test_an_admin_creates_an_employee_who_can_then_sign_in(client, make_user, make_token, db) -> None:
    admin = await make_user("admin")
    response = await client.post("/api/v1/users", json=NEW, headers=await make_token(admin))
    assert response.status_code == 201, response.text
    body = response.json()
    assert {k: body[k] for k in ("email", "name", "roles", "services", "phone", "max_caseload", "is_active")} == {
        "email": "nieuw@gemeente.nl",
        "name": "Nina Nieuw",
        "roles": ["casemanager", "accountmanager"],
        "services": ["SZW"],
        "phone": "070 353 7510",
        "max_caseload": 12,
        "is_active": True,
    }
    assert body["has_password"] is True and "password" not in body
    assert (await login(client, "nieuw@gemeente.nl", "een-lang-wachtwoord")).status_code == 303
    [event] = await user_events(db)
    assert (event.action, event.actor_id, event.object_id) == ("create", admin.id, str(body["id"]))
    assert "casemanager" in event.detail and "een-lang-wachtwoord" not in event.detail


async def test_without_a_password_the_account_waits_inactive(client, make_user, make_token) -> None:
    admin = await make_user("admin")
    body = {**NEW, "password": None, "max_caseload": None}
    response = await client.post("/api/v1/users", json=body, headers=await make_token(admin))
    assert response.status_code == 201
    assert response.json()["is_active"] is False and response.json()["has_password"] is False


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"roles": ["superuser"]}, "roles"),
        ({"roles": []}, "roles"),
        ({"services": ["XYZ"]}, "services"),
        ({"roles": ["accountmanager"], "services": []}, "services"),
        ({"email": "kees@gemeente.nl"}, "email"),  # taken by the admin-to-be's colleague below
        ({"email": "geen-adres"}, "email"),
        ({"max_caseload": 0}, "max_caseload"),
        ({"max_caseload": -2}, "max_caseload"),
        ({"roles": ["kcc_agent"], "services": ["KCC"], "max_caseload": 5}, "max_caseload"),
        ({"phone": "bel maar"}, "phone"),
        ({"password": "kort"}, "password"),
        ({"name": "  "}, "name"),
    ],
)
async def test_bad_input_names_the_field_and_creates_nobody(client, make_user, make_token, db, change, field) -> None:
    admin = await make_user("admin")
    await make_user("kcc_agent", services=["KCC"], email="kees@gemeente.nl")
    before = await count(db, User)
    response = await client.post("/api/v1/users", json={**NEW, **change}, headers=await make_token(admin))
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["extra"]]
    assert all(e["message"] for e in response.json()["extra"])
    assert await count(db, User) == before
    assert await user_events(db) == []


async def test_an_admin_changes_roles_services_phone_and_name_and_it_is_audited(
    client, make_user, make_token, db
) -> None:
    admin = await make_user("admin")
    person = await make_user("kcc_agent", services=["KCC"], name="Kees")
    headers = await make_token(admin)
    body = {
        "updated_at": await current(client, headers, person.id),
        "name": "Kees Klant",
        "roles": ["kcc_agent", "accountmanager"],
        "services": ["KCC", "OCW"],
        "phone": "+31 70 353 7510",
    }
    response = await client.patch(f"/api/v1/users/{person.id}", json=body, headers=headers)
    assert response.status_code == 200, response.text
    out = response.json()
    assert (out["name"], out["roles"], out["services"], out["phone"]) == (
        "Kees Klant",
        ["kcc_agent", "accountmanager"],
        ["KCC", "OCW"],
        "+31 70 353 7510",
    )
    assert out["updated_at"] != body["updated_at"]
    [event] = await user_events(db)
    assert event.actor_id == admin.id and "rollen: +accountmanager" in event.detail and "OCW" in event.detail
    # the same version once more: somebody changed it meanwhile → 409, nothing written
    again = await client.patch(f"/api/v1/users/{person.id}", json={**body, "name": "Ander"}, headers=headers)
    assert again.status_code == 409
    assert (await client.get("/api/v1/users", params={"email": person.email}, headers=headers)).json()[0]["name"] == (
        "Kees Klant"
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"roles": ["nope"]}, "roles"),
        ({"roles": "casemanager"}, "roles"),
        ({"services": ["XYZ"]}, "services"),
        ({"roles": ["accountmanager"], "services": []}, "services"),
        ({"max_caseload": 0}, "max_caseload"),
        ({"name": ""}, "name"),
        ({"phone": "abc"}, "phone"),
        ({"is_active": "nee"}, "is_active"),
        ({"email": "ander@gemeente.nl"}, "email"),  # the address is the login; not changed here
        ({"updated_at": None}, "updated_at"),
    ],
)
async def test_a_bad_change_names_the_field_and_writes_nothing(
    client, make_user, make_token, db, change, field
) -> None:
    admin = await make_user("admin")
    person = await make_user("casemanager", name="Carla")
    headers = await make_token(admin)
    version = await current(client, headers, person.id)
    response = await client.patch(f"/api/v1/users/{person.id}", json={"updated_at": version, **change}, headers=headers)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["extra"]]
    assert await current(client, headers, person.id) == version
    assert await user_events(db) == []


async def test_the_last_admin_and_oneself_stay(client, make_user, make_token, db) -> None:
    admin = await make_user("admin")
    headers = await make_token(admin)
    version = await current(client, headers, admin.id)
    myself = await client.patch(
        f"/api/v1/users/{admin.id}", json={"updated_at": version, "is_active": False}, headers=headers
    )
    assert myself.status_code == 422 and myself.json()["extra"][0]["message"] == rules.NOT_YOURSELF
    demote = await client.patch(
        f"/api/v1/users/{admin.id}", json={"updated_at": version, "roles": ["casemanager"]}, headers=headers
    )
    assert demote.status_code == 422 and demote.json()["extra"] == [{"field": "roles", "message": rules.LAST_ADMIN}]
    # a second admin may take the role away once another admin exists
    other = await make_user("admin", name="Tweede")
    demote = await client.patch(
        f"/api/v1/users/{admin.id}", json={"updated_at": version, "roles": ["admin", "casemanager"]}, headers=headers
    )
    assert demote.status_code == 200
    lone = await client.patch(
        f"/api/v1/users/{other.id}",
        json={"updated_at": await current(client, headers, other.id), "is_active": False},
        headers=headers,
    )
    assert lone.status_code == 200  # the acting admin remains


async def test_deactivating_ends_sessions_and_tokens_at_once(client, make_user, make_token, db) -> None:
    admin = await make_user("admin")
    person = await make_user("casemanager")
    admin_headers = await make_token(admin)
    their_token = await make_token(person)
    assert (await login(client, person.email)).status_code == 303  # an open session of theirs
    async with db() as session:
        sessions_before = await session.scalar(select(func.count()).select_from(SessionStoreEntry).where(LOGINS))
    assert sessions_before == 1
    client.cookies.clear()
    response = await client.patch(
        f"/api/v1/users/{person.id}",
        json={"updated_at": await current(client, admin_headers, person.id), "is_active": False},
        headers=admin_headers,
    )
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert (await client.get("/api/v1/me", headers=their_token)).status_code == 401
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(SessionStoreEntry).where(LOGINS)) == 0
        revoked = (await session.scalars(select(ApiToken.revoked_at).where(ApiToken.user_id == person.id))).all()
    assert revoked and all(revoked)
    [event] = await user_events(db)
    assert "gedeactiveerd" in event.detail and "1 sessie(s)" in event.detail
    # reactivating lets them sign in again; revoked tokens stay revoked
    again = await client.patch(
        f"/api/v1/users/{person.id}",
        json={"updated_at": response.json()["updated_at"], "is_active": True},
        headers=admin_headers,
    )
    assert again.status_code == 200
    assert (await login(client, person.email)).status_code == 303
    assert (await client.get("/api/v1/me", headers=their_token)).status_code == 401


@pytest.mark.parametrize("role", ["kcc_agent", "casemanager", "accountmanager", "evaluator"])
async def test_only_admins_administer(client, make_user, make_token, db, role) -> None:
    person = await make_user(role, services=["SZW"] if role == "accountmanager" else None)
    headers = await make_token(person)
    assert (await client.post("/api/v1/users", json=NEW, headers=headers)).status_code == 403
    response = await client.patch(
        f"/api/v1/users/{person.id}", json={"updated_at": "x", "is_active": False}, headers=headers
    )
    assert response.status_code == 403
    assert (await client.patch("/api/v1/users/999999", json={"updated_at": "x"}, headers=headers)).status_code == 403
