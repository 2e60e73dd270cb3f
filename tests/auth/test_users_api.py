"""``GET /api/v1/users``, ``PATCH /api/v1/users/{id}`` (the cap; the rest of an account is tested in
``tests/organisation/``) and ``casemgmt users set-caseload``: the caseload cap."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casemgmt.audit.models import AuditEvent
from casemgmt.auth.models import User
from casemgmt.errors import InvalidInput
from casemgmt.organisation.rules import CASELOAD_NOT_CASEMANAGER as MESSAGE_NOT_CASEMANAGER
from casemgmt.organisation.users import MESSAGE_CASELOAD, parse_max_caseload
from tests.worlds.commands import run

pytestmark = pytest.mark.anyio

EMPLOYEE_ROLES = ["kcc_agent", "casemanager", "accountmanager", "admin"]
SERVICES = {"kcc_agent": ["KCC"], "accountmanager": ["SZW"]}


async def caseload_of(db, user_id: int) -> int | None:  # type: ignore[no-untyped-def]
    async with db() as session:
        return await session.scalar(select(User.max_caseload).where(User.id == user_id))


async def version(db, user_id: int) -> str:  # type: ignore[no-untyped-def]
    async with db() as session:
        return (await session.get(User, user_id)).updated_at.isoformat()


async def user_events(db) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    async with db() as session:
        return list((await session.scalars(select(AuditEvent).where(AuditEvent.object_type == "user"))).all())


# -- GET /api/v1/users --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", EMPLOYEE_ROLES)
async def test_employees_list_active_users_by_name(client, make_user, make_token, role) -> None:
    me = await make_user(role, services=SERVICES.get(role), name="Mees Medewerker")
    await make_user("accountmanager", "casemanager", services=["OCW", "SZW"], name="Anna Accountmanager")
    await make_user("casemanager", name="Zeger Zwart", phone="070 353 9999")
    await make_user("casemanager", name="Bert Buiten Dienst", active=False)
    response = await client.get("/api/v1/users", headers=await make_token(me))
    assert response.status_code == 200
    body = response.json()
    assert [user["name"] for user in body] == ["Anna Accountmanager", "Mees Medewerker", "Zeger Zwart"]
    anna = body[0]
    assert set(anna) == {"id", "name", "email", "roles", "services", "phone"}
    assert anna["roles"] == ["casemanager", "accountmanager"]
    assert anna["services"] == ["OCW", "SZW"]
    assert body[2]["phone"] == "070 353 9999"


async def test_email_filter_is_exact_and_case_insensitive(client, make_user, make_token) -> None:
    me = await make_user("kcc_agent", services=["KCC"])
    sanne = await make_user("accountmanager", services=["DSO"], email="sanne.smit@gemeente.nl", name="Sanne Smit")
    await make_user("accountmanager", services=["DSO"], email="sanne.smit2@gemeente.nl")
    headers = await make_token(me)
    found = await client.get("/api/v1/users", params={"email": "  Sanne.SMIT@Gemeente.NL "}, headers=headers)
    assert found.status_code == 200
    assert [user["id"] for user in found.json()] == [sanne.id]
    assert found.json()[0]["services"] == ["DSO"]
    assert (await client.get("/api/v1/users", params={"email": "sanne"}, headers=headers)).json() == []
    assert (await client.get("/api/v1/users", params={"email": "%@gemeente.nl"}, headers=headers)).json() == []


async def test_evaluator_gets_403_and_anonymous_401(client, make_user, make_token) -> None:
    evaluator = await make_user("evaluator")
    colleague = await make_user("casemanager", name="Carla Collega")
    response = await client.get("/api/v1/users", headers=await make_token(evaluator))
    assert response.status_code == 403
    assert "Carla Collega" not in response.text and colleague.email not in response.text
    assert (await client.get("/api/v1/users")).status_code == 401


# -- PATCH /api/v1/users/{id} -------------------------------------------------------------------------------------


async def test_admin_sets_and_clears_the_cap_and_it_is_audited(client, make_user, make_token, db) -> None:
    admin = await make_user("admin")
    casemanager = await make_user("casemanager", name="Cas Manager")
    headers = {**await make_token(admin), "X-Request-ID": "cap-1"}
    body = {"max_caseload": 12, "updated_at": await version(db, casemanager.id)}
    response = await client.patch(f"/api/v1/users/{casemanager.id}", json=body, headers=headers)
    assert response.status_code == 200
    assert response.json()["max_caseload"] == 12
    assert response.json()["name"] == "Cas Manager"
    assert await caseload_of(db, casemanager.id) == 12
    body = {"max_caseload": None, "updated_at": response.json()["updated_at"]}
    cleared = await client.patch(f"/api/v1/users/{casemanager.id}", json=body, headers=headers)
    assert cleared.status_code == 200 and cleared.json()["max_caseload"] is None
    assert await caseload_of(db, casemanager.id) is None
    events = await user_events(db)
    assert [(e.action, e.object_id, e.actor_id, e.actor_role, e.purpose) for e in events] == [
        ("update", str(casemanager.id), admin.id, "admin", "beheer"),
        ("update", str(casemanager.id), admin.id, "admin", "beheer"),
    ]
    assert "12" in events[0].detail and events[0].request_id == "cap-1"
    assert "geen maximum" in events[1].detail


@pytest.mark.parametrize(
    "body",
    [
        {"max_caseload": 0},
        {"max_caseload": -3},
        {"max_caseload": "5"},
        {"max_caseload": 2.5},
        {"max_caseload": True},
        {"max_caseload": 10_001},
        {"max_caseload": 5, "password": "geheim-geheim"},
    ],
)
async def test_bad_caseload_answers_422_and_changes_nothing(client, make_user, make_token, db, body) -> None:
    admin = await make_user("admin")
    casemanager = await make_user("casemanager")
    async with db() as session, session.begin():
        (await session.get(User, casemanager.id)).max_caseload = 8
    body = {**body, "updated_at": await version(db, casemanager.id)}
    response = await client.patch(f"/api/v1/users/{casemanager.id}", json=body, headers=await make_token(admin))
    assert response.status_code == 422
    assert response.json()["extra"][0]["field"] in ("max_caseload", "password")
    assert await caseload_of(db, casemanager.id) == 8
    assert await user_events(db) == []


async def test_only_a_casemanager_has_a_cap(client, make_user, make_token, db) -> None:
    admin = await make_user("admin")
    accountmanager = await make_user("accountmanager", services=["SZW"])
    response = await client.patch(
        f"/api/v1/users/{accountmanager.id}",
        json={"max_caseload": 5, "updated_at": await version(db, accountmanager.id)},
        headers=await make_token(admin),
    )
    assert response.status_code == 422
    assert response.json()["extra"] == [{"field": "max_caseload", "message": MESSAGE_NOT_CASEMANAGER}]
    assert await caseload_of(db, accountmanager.id) is None


async def test_unknown_user_answers_404(client, make_user, make_token) -> None:
    admin = await make_user("admin")
    response = await client.patch("/api/v1/users/999999", json={"max_caseload": 5}, headers=await make_token(admin))
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["kcc_agent", "casemanager", "accountmanager", "evaluator"])
async def test_only_an_admin_sets_the_cap(client, make_user, make_token, db, role) -> None:
    person = await make_user(role, services=SERVICES.get(role))
    casemanager = await make_user("casemanager")
    response = await client.patch(
        f"/api/v1/users/{casemanager.id}", json={"max_caseload": 3}, headers=await make_token(person)
    )
    assert response.status_code == 403
    assert await caseload_of(db, casemanager.id) is None
    assert (await client.patch(f"/api/v1/users/{casemanager.id}", json={"max_caseload": 3})).status_code == 401


def test_caseload_rule() -> None:
    assert parse_max_caseload(1) == 1
    assert parse_max_caseload(None) is None
    for bad in (0, -1, "3", 1.0, False):
        with pytest.raises(InvalidInput) as caught:
            parse_max_caseload(bad)
        assert caught.value.by_field() == {"max_caseload": MESSAGE_CASELOAD}


# -- casemgmt users set-caseload ----------------------------------------------------------------------------------


async def test_cli_sets_and_clears_the_cap(app, migrated, make_user, db) -> None:
    casemanager = await make_user("casemanager", email="cas@gemeente.nl")
    result = run(migrated, "users", "set-caseload", "--email", "CAS@gemeente.nl", "--max", "7")
    assert result.returncode == 0, result.stderr
    assert "maximaal 7 dossiers" in result.stdout
    assert await caseload_of(db, casemanager.id) == 7
    cleared = run(migrated, "users", "set-caseload", "--email", "cas@gemeente.nl", "--max", "geen")
    assert cleared.returncode == 0, cleared.stderr
    assert "geen maximum" in cleared.stdout
    assert await caseload_of(db, casemanager.id) is None
    events = await user_events(db)
    assert [(e.action, e.object_id, e.actor_id, e.actor_role, e.purpose) for e in events] == [
        ("update", str(casemanager.id), None, "system", "beheer"),
        ("update", str(casemanager.id), None, "system", "beheer"),
    ]
    assert "set-caseload" in events[0].detail


@pytest.mark.parametrize(
    ("email", "maximum", "message"),
    [
        ("cas@gemeente.nl", "0", MESSAGE_CASELOAD),
        ("cas@gemeente.nl", "-2", MESSAGE_CASELOAD),
        ("cas@gemeente.nl", "veel", MESSAGE_CASELOAD),
        ("niemand@gemeente.nl", "5", "Geen gebruiker met e-mailadres"),
        ("kcc@gemeente.nl", "5", MESSAGE_NOT_CASEMANAGER),
    ],
)
async def test_cli_refuses_bad_input(app, migrated, make_user, db, email, maximum, message) -> None:
    casemanager = await make_user("casemanager", email="cas@gemeente.nl")
    await make_user("kcc_agent", services=["KCC"], email="kcc@gemeente.nl")
    async with db() as session, session.begin():
        (await session.get(User, casemanager.id)).max_caseload = 4
    result = run(migrated, "users", "set-caseload", "--email", email, "--max", maximum)
    assert result.returncode == 2
    assert message in result.stderr
    assert await caseload_of(db, casemanager.id) == 4
    assert await user_events(db) == []
