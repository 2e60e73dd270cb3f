"""Time registration (``POST /api/v1/time-entries`` and the quick-entry form): minutes 1–1440, at most 24 hours per
employee per day, no future dates, who may register for whom, and the role that prices the entry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from casemgmt.dossiers.models import DossierAssignment
from casemgmt.pilots.models import TimeEntry
from casemgmt.pilots.services import today
from tests.factories import create_client, create_dossier
from tests.worlds.personas import csrf_token, login

pytestmark = pytest.mark.anyio


@pytest.fixture
async def setting(db, employee):
    casemanager, cm_headers = await employee("casemanager")
    accountmanager, am_headers = await employee("accountmanager", services=["SZW"])
    async with db() as session, session.begin():
        client = await create_client(session)
        first = await create_dossier(session, client, casemanager.id, {"SZW": accountmanager.id})
        second = await create_dossier(session, client, casemanager.id, {"SZW": accountmanager.id})
    return {
        "cm": (casemanager, cm_headers),
        "am": (accountmanager, am_headers),
        "dossier": first,
        "other_dossier": second,
    }


async def entries(db) -> list[TimeEntry]:
    async with db() as session:
        return list((await session.scalars(select(TimeEntry).order_by(TimeEntry.id))).all())


async def post(client, headers, **body):
    return await client.post("/api/v1/time-entries", json=body, headers=headers)


async def test_register_minutes_with_activity_and_default_date(client, db, setting, audit_events):
    casemanager, headers = setting["cm"]
    response = await post(client, headers, dossier_id=setting["dossier"].id, minutes=45, activity="coordination")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body | {"id": None} == {
        "id": None,
        "dossier_id": setting["dossier"].id,
        "employee_id": casemanager.id,
        "role": "casemanager",
        "date": today().isoformat(),
        "minutes": 45,
        "activity": "coordination",
        "registered_by": casemanager.id,
    }
    [entry] = await entries(db)
    assert (entry.minutes, entry.activity, entry.entry_date, entry.role) == (45, "coordination", today(), "casemanager")
    [event] = await audit_events("time_entry")
    assert event.object_id == str(entry.id) and event.client_pseudonym


async def test_the_accountmanagers_time_is_priced_at_the_accountmanager_rate(client, db, setting):
    response = await post(
        client,
        setting["am"][1],
        dossier_id=setting["dossier"].id,
        minutes=30,
        activity="contact",
        date=(today() - timedelta(days=0)).isoformat(),
    )
    assert response.status_code == 201
    assert response.json()["role"] == "accountmanager"


async def test_at_most_24_hours_per_employee_per_day_across_dossiers(client, db, setting):
    headers = setting["cm"][1]
    assert (
        await post(client, headers, dossier_id=setting["dossier"].id, minutes=900, activity="other")
    ).status_code == 201
    assert (
        await post(client, headers, dossier_id=setting["other_dossier"].id, minutes=500, activity="other")
    ).status_code == 201
    over = await post(client, headers, dossier_id=setting["other_dossier"].id, minutes=41, activity="travel")
    assert over.status_code == 422
    [error] = over.json()["extra"]
    assert error["field"] == "minutes"
    assert "24 uur 1 minuut" in error["message"] and "1441 minuten" in error["message"]
    assert "23 uur 20 minuten" in error["message"]  # what was already registered
    assert sum(e.minutes for e in await entries(db)) == 1400
    exactly = await post(client, headers, dossier_id=setting["other_dossier"].id, minutes=40, activity="travel")
    assert exactly.status_code == 201  # 1440 minutes is allowed
    # another day, or another employee, has its own 24 hours
    yesterday = (today() - timedelta(days=1)).isoformat()
    async with db() as session, session.begin():  # the dossier was opened today in the factory: open it earlier
        from casemgmt.dossiers.models import Dossier

        dossier = await session.get(Dossier, setting["other_dossier"].id)
        dossier.opened_at = dossier.opened_at - timedelta(days=3)
    assert (
        await post(
            client, headers, dossier_id=setting["other_dossier"].id, minutes=60, activity="other", date=yesterday
        )
    ).status_code == 201
    assert (
        await post(client, setting["am"][1], dossier_id=setting["dossier"].id, minutes=60, activity="other")
    ).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"minutes": 0, "activity": "contact"}, "minutes"),
        ({"minutes": -5, "activity": "contact"}, "minutes"),
        ({"minutes": 1441, "activity": "contact"}, "minutes"),
        ({"activity": "contact"}, "minutes"),
        ({"minutes": 10, "activity": "koffie"}, "activity"),
        ({"minutes": 10, "activity": "contact", "date": "FUTURE"}, "date"),
        ({"minutes": 10, "activity": "contact", "date": "BEFORE_OPENING"}, "date"),
    ],
)
async def test_bad_entries_are_refused_and_nothing_is_written(client, db, setting, body, field):
    if body.get("date") == "FUTURE":
        body["date"] = (today() + timedelta(days=1)).isoformat()
    elif body.get("date") == "BEFORE_OPENING":
        body["date"] = (today() - timedelta(days=10)).isoformat()
    response = await post(client, setting["cm"][1], dossier_id=setting["dossier"].id, **body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["extra"]] == [field]
    assert await entries(db) == []


async def test_who_may_register(client, db, setting, employee):
    dossier_id = setting["dossier"].id
    _, outsider = await employee("casemanager")
    _, kcc = await employee("kcc_agent", services=["KCC"])
    _, evaluator = await employee("evaluator")
    for headers in (outsider, kcc, evaluator):
        assert (await post(client, headers, dossier_id=dossier_id, minutes=10, activity="other")).status_code == 403
    assert (
        await client.post("/api/v1/time-entries", json={"dossier_id": dossier_id, "minutes": 10, "activity": "other"})
    ).status_code == 401
    # only admins register for someone else
    casemanager = setting["cm"][0]
    for_other = await post(
        client, setting["am"][1], dossier_id=dossier_id, minutes=10, activity="other", employee_id=casemanager.id
    )
    assert for_other.status_code == 403
    assert await entries(db) == []

    admin, admin_headers = await employee("admin")
    by_admin = await post(
        client, admin_headers, dossier_id=dossier_id, minutes=20, activity="administration", employee_id=casemanager.id
    )
    assert by_admin.status_code == 201
    assert (by_admin.json()["employee_id"], by_admin.json()["registered_by"], by_admin.json()["role"]) == (
        casemanager.id,
        admin.id,
        "casemanager",
    )
    own = await post(client, admin_headers, dossier_id=dossier_id, minutes=15, activity="administration")
    assert own.status_code == 201 and own.json()["role"] == "admin"  # not involved: priced at the admin's own role
    not_involved = await post(
        client,
        admin_headers,
        dossier_id=dossier_id,
        minutes=5,
        activity="other",
        employee_id=(await employee("casemanager"))[0].id,
    )
    assert not_involved.status_code == 422 and not_involved.json()["extra"][0]["field"] == "employee_id"
    assert [e.minutes for e in await entries(db)] == [20, 15]


async def test_an_earlier_assignee_may_still_register_time(client, db, setting):
    accountmanager, headers = setting["am"]
    async with db() as session, session.begin():
        assignment = await session.scalar(
            select(DossierAssignment).where(
                DossierAssignment.user_id == accountmanager.id, DossierAssignment.dossier_id == setting["dossier"].id
            )
        )
        assignment.until = assignment.since + timedelta(seconds=1)
    response = await post(client, headers, dossier_id=setting["dossier"].id, minutes=25, activity="contact")
    assert response.status_code == 201 and response.json()["role"] == "accountmanager"


async def test_quick_entry_form_registers_and_reports_errors_in_place(client, db, setting):
    casemanager, _ = setting["cm"]
    dossier = setting["dossier"]
    await login(client, casemanager.email)
    page = await client.get(f"/tijdregistratie/nieuw?dossier_id={dossier.id}")
    assert page.status_code == 200
    assert "Tijd registreren" in page.text and dossier.ref in page.text
    token = await csrf_token(client, f"/tijdregistratie/nieuw?dossier_id={dossier.id}")
    htmx = {"hx-request": "true", "x-csrftoken": token}

    bad = await client.post(
        "/tijdregistratie",
        data={"dossier_id": dossier.id, "minutes": "0", "activity": "contact", "date": today().isoformat()},
        headers=htmx,
    )
    assert bad.status_code == 422
    assert "<html" not in bad.text and "minstens 1" in bad.text and 'aria-invalid="true"' in bad.text
    assert await entries(db) == []

    ok = await client.post(
        "/tijdregistratie",
        data={"dossier_id": dossier.id, "minutes": "90", "activity": "travel", "date": today().isoformat()},
        headers=htmx,
    )
    assert ok.status_code == 200
    assert "1 uur 30 minuten reistijd geregistreerd" in ok.text
    assert ok.headers["hx-trigger"] == "time-registered"
    assert [e.minutes for e in await entries(db)] == [90]

    plain = await client.post(
        "/tijdregistratie",
        data={"dossier_id": dossier.id, "minutes": "15", "activity": "other", "date": "", "_csrf_token": token},
        follow_redirects=False,
    )
    assert plain.status_code == 303
    assert [e.minutes for e in await entries(db)] == [90, 15]


async def test_quick_entry_form_is_refused_to_outsiders(client, setting, make_user):
    outsider = await make_user("casemanager")
    await login(client, outsider.email)
    response = await client.get(f"/tijdregistratie/nieuw?dossier_id={setting['dossier'].id}")
    assert response.status_code == 403
    evaluator = await make_user("evaluator")
    await login(client, evaluator.email)
    assert (await client.get(f"/tijdregistratie/nieuw?dossier_id={setting['dossier'].id}")).status_code == 403
