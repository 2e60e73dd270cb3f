"""The dossier API: opening, reading, changing status and assignments; bad input writes nothing."""

from __future__ import annotations

import re

import anyio
import pytest
from sqlalchemy import select, update

from casemgmt.audit.models import AuditEvent
from casemgmt.audit.services import AuditLog
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.models import User
from casemgmt.auth.roles import Role
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.dossiers.services import DossierService
from casemgmt.errors import Conflict
from tests.worlds.casework import Casework, counts

pytestmark = pytest.mark.anyio


def new_dossier(w: Casework, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "client_id": w.client_id,
        "subject": "Huur en schulden",
        "casemanager_id": w.cm.id,
        "assignments": [{"service": "SZW", "accountmanager_id": w.am.id}],
    }
    body.update(changes)
    return body


async def test_casemanager_opens_a_dossier(client, db, world: Casework) -> None:
    w = world
    response = await client.post(
        "/api/v1/dossiers",
        json=new_dossier(w, assignments=[{"service": "szw", "accountmanager_id": w.am.id}]),
        headers=w.tokens["cm"],
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {
        "id", "ref", "client_id", "subject", "status", "outcome", "casemanager_id", "assignments", "version",
        "opened_at", "closed_at", "external_refs",
    }  # fmt: skip
    assert re.fullmatch(r"D-\d{4}-\d{5}", body["ref"])
    assert body["status"] == "open" and body["outcome"] is None and body["closed_at"] is None
    assert body["casemanager_id"] == w.cm.id and body["version"] == 1
    assert [(a["service"], a["accountmanager_id"], a["until"]) for a in body["assignments"]] == [("SZW", w.am.id, None)]
    async with db() as s:
        rows = (await s.scalars(select(DossierAssignment).where(DossierAssignment.dossier_id == body["id"]))).all()
        assert sorted((r.role, r.user_id, r.assigned_by_id, r.until) for r in rows) == [
            ("accountmanager", w.am.id, w.cm.id, None),
            ("casemanager", w.cm.id, w.cm.id, None),
        ]
        event = await s.scalar(
            select(AuditEvent).where(AuditEvent.action == "create", AuditEvent.object_id == str(body["id"]))
        )
        assert event.object_type == "dossier" and event.client_pseudonym == w.client_pseudonym
        assert event.actor_id == w.cm.id and event.purpose == "casemanagement"


async def test_references_are_numbered_per_year(client, db, world: Casework) -> None:
    w = world
    first = (await client.post("/api/v1/dossiers", json=new_dossier(w), headers=w.tokens["admin"])).json()
    year = first["ref"][2:6]
    async with db() as s, s.begin():
        # the arranged dossier's reference comes from the factories' counter; keep it below ours
        await s.execute(update(Dossier).where(Dossier.id == w.dossier_id).values(ref=f"D-{year}-00001"))
        await s.execute(update(Dossier).where(Dossier.id == first["id"]).values(ref=f"D-{year}-00417"))
    second = (await client.post("/api/v1/dossiers", json=new_dossier(w), headers=w.tokens["admin"])).json()
    assert second["ref"] == f"D-{year}-00418"


async def test_references_stay_unique_when_opened_at_once(client, world: Casework) -> None:
    w = world
    results: list[dict[str, object]] = []

    async def open_one() -> None:
        response = await client.post("/api/v1/dossiers", json=new_dossier(w, assignments=[]), headers=w.tokens["cm"])
        assert response.status_code == 201, response.text
        results.append(response.json())

    async with anyio.create_task_group() as group:
        for _ in range(4):
            group.start_soon(open_one)
    refs = [r["ref"] for r in results]
    assert len(set(refs)) == 4


@pytest.mark.parametrize("role", ["kcc", "am", "evaluator"])
async def test_only_casemanagers_and_admins_open_dossiers(client, db, world: Casework, role: str) -> None:
    before = await counts(db)
    response = await client.post("/api/v1/dossiers", json=new_dossier(world), headers=world.tokens[role])
    assert response.status_code == 403
    assert await counts(db) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"assignments": [{"service": "XYZ", "accountmanager_id": 999999}]},
            "assignments[0].service",
            "Onbekende dienst 'XYZ'",
        ),
        ({"subject": ""}, "subject", "Vul het onderwerp van het dossier in"),
        ({"client_id": 999999}, "client_id", "Kies een bestaande klant"),
        ({"casemanager_id": None}, "casemanager_id", "Kies een casemanager"),
    ],
)
async def test_bad_input_is_refused_and_nothing_written(
    client, db, world: Casework, changes: dict[str, object], field: str, message: str
) -> None:
    before = await counts(db)
    response = await client.post("/api/v1/dossiers", json=new_dossier(world, **changes), headers=world.tokens["cm"])
    assert response.status_code == 422, response.text
    assert {"field": field, "message": message} in response.json()["extra"]
    assert await counts(db) == before


async def test_accountmanager_must_belong_to_the_service(client, db, world: Casework) -> None:
    w = world
    before = await counts(db)
    body = new_dossier(w, assignments=[{"service": "SZW", "accountmanager_id": w.am_dso.id}])
    response = await client.post("/api/v1/dossiers", json=body, headers=w.tokens["cm"])
    assert response.status_code == 422
    assert response.json()["extra"] == [
        {"field": "assignments[0].accountmanager_id", "message": "Dirk Dso hoort niet bij dienst SZW"}
    ]
    assert await counts(db) == before


async def test_casemanager_must_be_an_active_casemanager(client, db, make_user, world: Casework) -> None:
    w = world
    inactive = await make_user("casemanager", name="Ina Actief", active=False)
    before = await counts(db)
    for person_id, name in ((inactive.id, "Ina Actief"), (w.am.id, "Ahmed Accountmanager")):
        response = await client.post(
            "/api/v1/dossiers", json=new_dossier(w, casemanager_id=person_id), headers=w.tokens["cm"]
        )
        assert response.status_code == 422
        assert response.json()["extra"] == [
            {"field": "casemanager_id", "message": f"{name} is geen actieve casemanager"}
        ]
    assert await counts(db) == before


async def test_two_accountmanagers_for_one_service_is_a_conflict(client, db, make_user, world: Casework) -> None:
    w = world
    second = await make_user("accountmanager", services=["SZW"], name="Sara Szw")
    before = await counts(db)
    body = new_dossier(
        w,
        assignments=[
            {"service": "SZW", "accountmanager_id": w.am.id},
            {"service": "szw", "accountmanager_id": second.id},
        ],
    )
    response = await client.post("/api/v1/dossiers", json=body, headers=w.tokens["cm"])
    assert response.status_code == 409
    assert "SZW" in response.json()["detail"]
    assert await counts(db) == before


async def test_caseload_cap_refuses_with_the_cap_named(client, db, world: Casework) -> None:
    w = world
    async with db() as s, s.begin():
        await s.execute(update(User).where(User.id == w.cm.id).values(max_caseload=2))
    first = await client.post("/api/v1/dossiers", json=new_dossier(w), headers=w.tokens["admin"])
    assert first.status_code == 201  # the world's dossier + this one = 2
    before = await counts(db)
    refused = await client.post("/api/v1/dossiers", json=new_dossier(w), headers=w.tokens["admin"])
    assert refused.status_code == 422
    assert refused.json()["extra"] == [
        {"field": "casemanager_id", "message": "Casemanager Carla Casemanager heeft al 2 open dossiers (maximum 2)"}
    ]
    assert await counts(db) == before
    # closing one makes room again
    closed = await client.patch(
        f"/api/v1/dossiers/{first.json()['id']}",
        json={"version": 1, "status": "closed", "outcome": "withdrawn"},
        headers=w.tokens["cm"],
    )
    assert closed.status_code == 200
    assert (await client.post("/api/v1/dossiers", json=new_dossier(w), headers=w.tokens["admin"])).status_code == 201


async def test_reassignment_respects_the_cap(client, db, world: Casework) -> None:
    w = world
    async with db() as s, s.begin():
        await s.execute(update(User).where(User.id == w.other_cm.id).values(max_caseload=0))
    response = await client.patch(
        f"/api/v1/dossiers/{w.dossier_id}",
        json={"version": 1, "casemanager_id": w.other_cm.id, "reason": "Ziekte"},
        headers=w.tokens["cm"],
    )
    assert response.status_code == 422
    assert "Olga Ander heeft al 0 open dossiers (maximum 0)" in response.json()["extra"][0]["message"]


async def test_two_updates_with_the_same_version_one_wins(client, db, world: Casework) -> None:
    w = world
    url = f"/api/v1/dossiers/{w.dossier_id}"
    first = await client.patch(url, json={"version": 1, "status": "in_progress"}, headers=w.tokens["cm"])
    assert first.status_code == 200 and first.json()["version"] == 2
    before = await counts(db)
    second = await client.patch(url, json={"version": 1, "subject": "Iets anders"}, headers=w.tokens["am"])
    assert second.status_code == 409
    assert second.json()["detail"] == "Dit dossier is intussen gewijzigd; laad opnieuw"
    assert await counts(db) == before
    now = (await client.get(url, headers=w.tokens["cm"])).json()
    assert now["status"] == "in_progress" and now["subject"] == "Schulden en bijstand" and now["version"] == 2


async def test_concurrent_updates_one_200_one_409(client, world: Casework) -> None:
    w = world
    url = f"/api/v1/dossiers/{w.dossier_id}"
    statuses: list[int] = []

    async def change(token: dict[str, str], body: dict[str, object]) -> None:
        statuses.append((await client.patch(url, json=body, headers=token)).status_code)

    async with anyio.create_task_group() as group:
        group.start_soon(change, w.tokens["cm"], {"version": 1, "status": "waiting"})
        group.start_soon(change, w.tokens["am"], {"version": 1, "subject": "Gelijktijdig"})
    assert sorted(statuses) == [200, 409]
    final = (await client.get(url, headers=w.tokens["cm"])).json()
    assert final["version"] == 2
    assert (final["status"] == "waiting") != (final["subject"] == "Gelijktijdig")  # exactly one change kept


async def test_stale_row_at_flush_is_a_conflict(db, world: Casework) -> None:
    """The version the client sent matched what this request read, but someone committed in between."""
    w = world
    actor = CurrentUser(w.cm.id, w.cm.email, w.cm.name, "", frozenset({Role.CASEMANAGER}), ())
    async with db() as mine:
        service = DossierService(mine, actor, AuditLog(mine, actor))
        await service.load(w.dossier_id)  # this request has read version 1
        async with db() as theirs, theirs.begin():
            dossier = await theirs.get(Dossier, w.dossier_id)
            dossier.subject = "Zij waren eerder"
        with pytest.raises(Conflict, match="Dit dossier is intussen gewijzigd; laad opnieuw"):
            await service.update(w.dossier_id, version=1, status="in_progress")
        await mine.rollback()
    async with db() as s:
        dossier = await s.get(Dossier, w.dossier_id)
        assert (dossier.subject, dossier.status, dossier.version) == ("Zij waren eerder", "open", 2)


async def test_closing_needs_an_outcome_and_sets_closed_at(client, world: Casework) -> None:
    w = world
    url = f"/api/v1/dossiers/{w.dossier_id}"
    refused = await client.patch(url, json={"version": 1, "status": "closed"}, headers=w.tokens["cm"])
    assert refused.status_code == 422 and refused.json()["extra"][0]["field"] == "outcome"
    early = await client.patch(url, json={"version": 1, "outcome": "resolved"}, headers=w.tokens["cm"])
    assert early.status_code == 422
    closed = await client.patch(
        url, json={"version": 1, "status": "closed", "outcome": "resolved"}, headers=w.tokens["cm"]
    )
    body = closed.json()
    assert closed.status_code == 200 and body["status"] == "closed" and body["outcome"] == "resolved"
    assert body["closed_at"] is not None
    reopened = await client.patch(url, json={"version": 2, "status": "open"}, headers=w.tokens["cm"])
    assert reopened.status_code == 422
    assert reopened.json()["extra"][0]["message"] == "Dit dossier is gesloten; de status kan niet meer worden gewijzigd"


async def test_version_is_required(client, world: Casework) -> None:
    response = await client.patch(
        f"/api/v1/dossiers/{world.dossier_id}", json={"status": "waiting"}, headers=world.tokens["cm"]
    )
    assert response.status_code == 422 and response.json()["extra"][0]["field"] == "version"


async def test_reassigning_the_casemanager_keeps_history_and_leaves_read_access(client, db, world: Casework) -> None:
    w = world
    url = f"/api/v1/dossiers/{w.dossier_id}"
    no_reason = await client.patch(url, json={"version": 1, "casemanager_id": w.other_cm.id}, headers=w.tokens["cm"])
    assert no_reason.status_code == 422 and no_reason.json()["extra"][0]["field"] == "reason"
    moved = await client.patch(
        url, json={"version": 1, "casemanager_id": w.other_cm.id, "reason": "Verlof"}, headers=w.tokens["cm"]
    )
    assert moved.status_code == 200 and moved.json()["casemanager_id"] == w.other_cm.id
    async with db() as s:
        rows = (
            await s.scalars(
                select(DossierAssignment)
                .where(DossierAssignment.dossier_id == w.dossier_id, DossierAssignment.role == "casemanager")
                .order_by(DossierAssignment.id)
            )
        ).all()
    old = next(r for r in rows if r.user_id == w.cm.id)
    new = next(r for r in rows if r.user_id == w.other_cm.id)
    assert old.until is not None and old.ended_by_id == w.cm.id and old.end_reason == "Verlof"
    assert new.until is None and new.assigned_by_id == w.cm.id and new.reason == "Verlof"
    # the earlier casemanager reads, but no longer writes; the new one writes
    assert (await client.get(url, headers=w.tokens["cm"])).status_code == 200
    refused = await client.patch(url, json={"version": 2, "subject": "Nee"}, headers=w.tokens["cm"])
    assert refused.status_code == 403
    assert (
        await client.patch(url, json={"version": 2, "subject": "Ja"}, headers=w.tokens["other_cm"])
    ).status_code == 200


async def test_put_accountmanager_replaces_and_keeps_history(client, db, make_user, world: Casework) -> None:
    w = world
    sara = await make_user("accountmanager", services=["SZW"], name="Sara Szw")
    url = f"/api/v1/dossiers/{w.dossier_id}/assignments/SZW"
    response = await client.put(
        url, json={"accountmanager_id": sara.id, "reason": "Specialist"}, headers=w.tokens["cm"]
    )
    assert response.status_code == 200, response.text
    body = response.json()
    szw = [a for a in body["assignments"] if a["service"] == "SZW"]
    assert [(a["accountmanager_id"], a["until"] is None) for a in szw] == [(w.am.id, False), (sara.id, True)]
    assert body["version"] == 2
    # a new service joins the dossier
    dso = await client.put(
        f"/api/v1/dossiers/{w.dossier_id}/assignments/dso",
        json={"accountmanager_id": w.am_dso.id},
        headers=w.tokens["cm"],
    )
    assert dso.status_code == 200
    assert {(a["service"], a["accountmanager_id"]) for a in dso.json()["assignments"] if a["until"] is None} == {
        ("SZW", sara.id),
        ("DSO", w.am_dso.id),
    }
    # the earlier accountmanager reads only; the new one may write
    assert (await client.get(f"/api/v1/dossiers/{w.dossier_id}", headers=w.tokens["am"])).status_code == 200
    assert (await client.put(url, json={"accountmanager_id": w.am.id}, headers=w.tokens["am"])).status_code == 403


@pytest.mark.parametrize(
    ("service", "person", "status", "field"),
    [
        ("XYZ", "am", 422, "service"),
        ("DSO", "am", 422, "accountmanager_id"),  # Ahmed is SZW
        ("SZW", "cm", 422, "accountmanager_id"),  # not an accountmanager
    ],
)
async def test_put_accountmanager_bad_input(
    client, db, world: Casework, service: str, person: str, status: int, field: str
) -> None:
    w = world
    before = await counts(db)
    response = await client.put(
        f"/api/v1/dossiers/{w.dossier_id}/assignments/{service}",
        json={"accountmanager_id": w.person(person).id},
        headers=w.tokens["cm"],
    )
    assert response.status_code == status
    assert response.json()["extra"][0]["field"] == field
    assert await counts(db) == before


async def test_second_active_accountmanager_refused_by_the_database(db, world: Casework) -> None:
    """The partial unique index is the last line of defence: writing around the service still fails."""
    from datetime import UTC, datetime

    from sqlalchemy.exc import IntegrityError

    from tests.factories import service_id

    w = world
    with pytest.raises(IntegrityError):
        async with db() as s, s.begin():
            s.add(
                DossierAssignment(
                    dossier_id=w.dossier_id,
                    role="accountmanager",
                    service_id=await service_id(s, "SZW"),
                    user_id=w.other_am.id,
                    since=datetime.now(UTC),
                )
            )


async def test_list_filters_and_need_to_know(client, world: Casework) -> None:
    w = world
    other = (
        await client.post(
            "/api/v1/dossiers",
            json={"client_id": w.other_client_id, "subject": "Vergunning", "casemanager_id": w.other_cm.id,
                  "assignments": [{"service": "DSO", "accountmanager_id": w.other_am.id}]},
            headers=w.tokens["admin"],
        )
    ).json()  # fmt: skip

    async def ids(person: str, query: str = "") -> set[int]:
        response = await client.get(f"/api/v1/dossiers{query}", headers=w.tokens[person])
        assert response.status_code == 200, response.text
        return {d["id"] for d in response.json()}

    both = {w.dossier_id, other["id"]}
    assert await ids("admin") == both
    assert await ids("kcc") == both
    assert await ids("cm") == {w.dossier_id}
    assert await ids("am") == {w.dossier_id}
    assert await ids("earlier") == {w.dossier_id}
    assert await ids("other_am") == {other["id"]}
    assert await ids("admin", "?service=dso") == {other["id"]}
    assert await ids("admin", f"?casemanager_id={w.cm.id}") == {w.dossier_id}
    assert await ids("admin", "?status=closed") == set()
    assert (await client.get("/api/v1/dossiers?status=weg", headers=w.tokens["admin"])).status_code == 422
    assert (await client.get("/api/v1/dossiers?service=XYZ", headers=w.tokens["admin"])).status_code == 422
    assert (await client.get("/api/v1/dossiers", headers=w.tokens["evaluator"])).status_code == 403


async def test_reads_and_changes_are_audited(client, db, world: Casework) -> None:
    w = world
    await client.get(f"/api/v1/dossiers/{w.dossier_id}", headers=w.tokens["kcc"])
    await client.get(f"/api/v1/dossiers/{w.dossier_id}/timeline", headers=w.tokens["am"])
    await client.patch(
        f"/api/v1/dossiers/{w.dossier_id}", json={"version": 1, "status": "waiting"}, headers=w.tokens["cm"]
    )
    await client.get(f"/api/v1/dossiers/{w.dossier_id}", headers=w.tokens["other_cm"])  # refused: not logged
    async with db() as s:
        events = (
            await s.scalars(select(AuditEvent).where(AuditEvent.object_id == str(w.dossier_id)).order_by(AuditEvent.id))
        ).all()
    assert [(e.action, e.object_type, e.actor_id, e.purpose) for e in events] == [
        ("read", "dossier", w.kcc.id, "klantcontact"),
        ("read", "timeline", w.am.id, "casemanagement"),
        ("update", "dossier", w.cm.id, "casemanagement"),
    ]
    assert all(e.client_pseudonym == w.client_pseudonym for e in events)
    assert "status open → waiting" in events[-1].detail
    assert all(e.request_id for e in events)


async def test_unknown_dossier_is_404(client, world: Casework) -> None:
    response = await client.get("/api/v1/dossiers/999999", headers=world.tokens["admin"])
    assert response.status_code == 404 and response.json()["detail"] == "Dossier niet gevonden"
