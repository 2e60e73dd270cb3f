"""Enrolment of dossiers in a pilot cohort through ``/api/v1/pilots``: the seeded draw, manual choice with a reason,
twice → 409, cohort changes before and after the first contact, who may do it, and the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casemgmt.pilots import rules
from casemgmt.pilots.models import PilotEnrolment
from tests.factories import create_client, create_contact, create_dossier

pytestmark = pytest.mark.anyio


@pytest.fixture
async def team(employee):
    casemanager, cm_headers = await employee("casemanager")
    accountmanager, am_headers = await employee("accountmanager", services=["SZW"])
    admin, admin_headers = await employee("admin")
    return {
        "casemanager": (casemanager, cm_headers),
        "accountmanager": (accountmanager, am_headers),
        "admin": (admin, admin_headers),
    }


@pytest.fixture
def new_dossier(db, team):
    async def factory(services: tuple[str, ...] = ("SZW",), casemanager_id: int | None = None, status: str = "open"):
        cm = team["casemanager"][0]
        am = team["accountmanager"][0]
        async with db() as session, session.begin():
            client = await create_client(session)
            dossier = await create_dossier(
                session, client, casemanager_id or cm.id, {code: am.id for code in services}, status=status
            )
            return dossier

    return factory


async def enrolment_of(db, dossier_id: int) -> PilotEnrolment | None:
    async with db() as session:
        return await session.scalar(select(PilotEnrolment).where(PilotEnrolment.dossier_id == dossier_id))


async def test_random_pilot_draws_the_cohort_reproducibly_from_seed_and_dossier(
    client, db, load_pilot, team, new_dossier, audit_events
):
    await load_pilot(random_seed=424242, pilot_share=0.5)
    casemanager, headers = team["casemanager"]
    drawn = {}
    for _ in range(8):
        dossier = await new_dossier()
        response = await client.post(
            "/api/v1/pilots/proef/enrolments", json={"dossier_id": dossier.id}, headers=headers
        )
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["dossier_id"] == dossier.id and body["assigned_by"] == casemanager.id
        assert body["method"] == "random"
        drawn[dossier.id] = body["cohort"]
        # the answer is the pure draw: anyone can recompute it from the pilot file and the dossier id
        assert body["cohort"] == rules.draw_cohort(424242, 0.5, dossier.id)
        stored = await enrolment_of(db, dossier.id)
        assert stored is not None and stored.cohort == body["cohort"] and stored.assigned_by_id == casemanager.id
    assert set(drawn.values()) == {"pilot", "control"}  # with these ids both arms occur

    events = await audit_events("enrolment")
    assert [int(e.object_id) for e in events] == list(drawn)
    assert all(e.action == "create" and e.client_pseudonym and "seed 424242" in e.detail for e in events)


async def test_random_pilot_refuses_a_chosen_cohort(client, db, load_pilot, team, new_dossier):
    await load_pilot()
    dossier = await new_dossier()
    response = await client.post(
        "/api/v1/pilots/proef/enrolments",
        json={"dossier_id": dossier.id, "cohort": "pilot"},
        headers=team["casemanager"][1],
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["extra"]] == ["cohort"]
    assert await enrolment_of(db, dossier.id) is None


async def test_manual_pilot_needs_a_cohort_and_a_reason(client, db, load_pilot, team, new_dossier, audit_events):
    await load_pilot(assignment="manual", random_seed=None, pilot_share=None)
    dossier = await new_dossier()
    headers = team["admin"][1]
    missing = await client.post("/api/v1/pilots/proef/enrolments", json={"dossier_id": dossier.id}, headers=headers)
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["extra"]} == {"cohort", "reason"}
    assert await enrolment_of(db, dossier.id) is None

    ok = await client.post(
        "/api/v1/pilots/proef/enrolments",
        json={"dossier_id": dossier.id, "cohort": "control", "reason": "Klant wil zijn vaste contactpersoon houden"},
        headers=headers,
    )
    assert ok.status_code == 201, ok.text
    assert ok.json() | {"assigned_at": None} == {
        "dossier_id": dossier.id,
        "pilot": "proef",
        "cohort": "control",
        "method": "manual",
        "reason": "Klant wil zijn vaste contactpersoon houden",
        "assigned_by": team["admin"][0].id,
        "assigned_by_name": team["admin"][0].name,
        "assigned_at": None,
    }
    [event] = await audit_events("enrolment")
    assert "handmatig: Klant wil zijn vaste contactpersoon houden" in event.detail


async def test_enrolling_twice_is_a_conflict(client, db, load_pilot, team, new_dossier):
    await load_pilot()
    await load_pilot(slug="tweede")
    dossier = await new_dossier()
    headers = team["casemanager"][1]
    first = await client.post("/api/v1/pilots/proef/enrolments", json={"dossier_id": dossier.id}, headers=headers)
    assert first.status_code == 201
    again = await client.post("/api/v1/pilots/proef/enrolments", json={"dossier_id": dossier.id}, headers=headers)
    assert again.status_code == 409
    other = await client.post("/api/v1/pilots/tweede/enrolments", json={"dossier_id": dossier.id}, headers=headers)
    assert other.status_code == 409
    assert "hoogstens één pilot" in other.json()["detail"]
    async with db() as session:
        rows = (await session.scalars(select(PilotEnrolment))).all()
    assert len(rows) == 1


async def test_only_the_dossiers_casemanager_or_an_admin_enrols(client, db, load_pilot, team, new_dossier, employee):
    await load_pilot()
    dossier = await new_dossier()
    _, other_cm = await employee("casemanager")
    _, evaluator = await employee("evaluator")
    _, kcc = await employee("kcc_agent", services=["KCC"])
    for headers in (other_cm, evaluator, kcc, team["accountmanager"][1]):
        response = await client.post(
            "/api/v1/pilots/proef/enrolments", json={"dossier_id": dossier.id}, headers=headers
        )
        assert response.status_code == 403
    assert await enrolment_of(db, dossier.id) is None
    assert (await client.post("/api/v1/pilots/proef/enrolments", json={"dossier_id": dossier.id})).status_code == 401
    admin = await client.post(
        "/api/v1/pilots/proef/enrolments", json={"dossier_id": dossier.id}, headers=team["admin"][1]
    )
    assert admin.status_code == 201


async def test_unknown_pilot_or_dossier(client, load_pilot, team):
    await load_pilot()
    headers = team["admin"][1]
    assert (
        await client.post("/api/v1/pilots/bestaat-niet/enrolments", json={"dossier_id": 1}, headers=headers)
    ).status_code == 404
    assert (
        await client.post("/api/v1/pilots/proef/enrolments", json={"dossier_id": 999999}, headers=headers)
    ).status_code == 404
    assert (await client.post("/api/v1/pilots/proef/enrolments", json={}, headers=headers)).status_code == 422


async def test_the_dossier_must_involve_a_service_of_the_pilot(client, db, load_pilot, team, new_dossier):
    await load_pilot(services=["OCW", "DSO"])
    dossier = await new_dossier(services=("SZW",))
    response = await client.post(
        "/api/v1/pilots/proef/enrolments", json={"dossier_id": dossier.id}, headers=team["casemanager"][1]
    )
    assert response.status_code == 422
    [error] = response.json()["extra"]
    assert error["field"] == "dossier_id" and "pilot: DSO, OCW; dossier: SZW" in error["message"]
    closed = await new_dossier(services=("OCW",), status="closed")
    response = await client.post(
        "/api/v1/pilots/proef/enrolments", json={"dossier_id": closed.id}, headers=team["casemanager"][1]
    )
    assert response.status_code == 422 and "gesloten" in response.text


async def test_the_caseload_cap_is_checked_before_the_draw(client, db, load_pilot, team, new_dossier):
    await load_pilot(caseload_cap=1, random_seed=1, pilot_share=0.999999)  # (almost) everyone is drawn into the pilot
    headers = team["casemanager"][1]
    first = await new_dossier()
    assert (
        await client.post("/api/v1/pilots/proef/enrolments", json={"dossier_id": first.id}, headers=headers)
    ).json()["cohort"] == "pilot"
    second = await new_dossier()
    response = await client.post("/api/v1/pilots/proef/enrolments", json={"dossier_id": second.id}, headers=headers)
    assert response.status_code == 422
    assert "al 1 open dossiers in de pilotgroep" in response.json()["extra"][0]["message"]
    assert await enrolment_of(db, second.id) is None


async def test_before_the_first_contact_the_casemanager_may_change_the_cohort(
    client, db, load_pilot, team, new_dossier, audit_events
):
    await load_pilot(assignment="manual", random_seed=None, pilot_share=None)
    dossier = await new_dossier()
    headers = team["casemanager"][1]
    await client.post(
        "/api/v1/pilots/proef/enrolments",
        json={"dossier_id": dossier.id, "cohort": "control", "reason": "Eerst afwachten"},
        headers=headers,
    )
    no_reason = await client.patch(
        f"/api/v1/pilots/proef/enrolments/{dossier.id}", json={"cohort": "pilot"}, headers=headers
    )
    assert no_reason.status_code == 422 and no_reason.json()["extra"][0]["field"] == "reason"
    changed = await client.patch(
        f"/api/v1/pilots/proef/enrolments/{dossier.id}",
        json={"cohort": "pilot", "reason": "Klant heeft vragen bij drie diensten"},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["cohort"] == "pilot" and changed.json()["method"] == "manual"
    assert (await enrolment_of(db, dossier.id)).cohort == "pilot"  # type: ignore[union-attr]
    update = [e for e in await audit_events("enrolment") if e.action == "update"]
    assert len(update) == 1
    assert "cohort control → pilot" in update[0].detail and "vóór het eerste contact" in update[0].detail


async def test_after_the_first_contact_only_an_admin_changes_the_cohort_with_a_reason(
    client, db, load_pilot, team, new_dossier, audit_events
):
    await load_pilot()
    dossier = await new_dossier()
    cm_headers = team["casemanager"][1]
    enrolled = await client.post("/api/v1/pilots/proef/enrolments", json={"dossier_id": dossier.id}, headers=cm_headers)
    cohort = enrolled.json()["cohort"]
    other = "control" if cohort == "pilot" else "pilot"
    async with db() as session, session.begin():
        from casemgmt.clients.models import Client

        client_row = await session.get(Client, dossier.client_id)
        await create_contact(session, client_row, team["casemanager"][0].id, service="SZW", dossier_id=dossier.id)

    refused = await client.patch(
        f"/api/v1/pilots/proef/enrolments/{dossier.id}", json={"cohort": other, "reason": "Graag"}, headers=cm_headers
    )
    assert refused.status_code == 403
    assert "alleen functioneel beheer" in refused.json()["detail"]
    admin_headers = team["admin"][1]
    no_reason = await client.patch(
        f"/api/v1/pilots/proef/enrolments/{dossier.id}", json={"cohort": other}, headers=admin_headers
    )
    assert no_reason.status_code == 422
    assert (await enrolment_of(db, dossier.id)).cohort == cohort  # type: ignore[union-attr]

    done = await client.patch(
        f"/api/v1/pilots/proef/enrolments/{dossier.id}",
        json={"cohort": other, "reason": "Verkeerd ingedeeld: dossier valt buiten de doelgroep"},
        headers=admin_headers,
    )
    assert done.status_code == 200
    assert (await enrolment_of(db, dossier.id)).cohort == other  # type: ignore[union-attr]
    [update] = [e for e in await audit_events("enrolment") if e.action == "update"]
    assert update.actor_id == team["admin"][0].id
    assert "na het eerste contact" in update.detail and "buiten de doelgroep" in update.detail
    assert update.client_pseudonym is not None

    not_enrolled = await new_dossier()
    missing = await client.patch(
        f"/api/v1/pilots/proef/enrolments/{not_enrolled.id}",
        json={"cohort": "pilot", "reason": "x"},
        headers=admin_headers,
    )
    assert missing.status_code == 404
