"""Team promises through the API (issue 13): a callback to a team, picking it up (200/403/409), rescheduling
(200/422, history kept), handing over to a team, the paged and filtered list, and the worklist's team panel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from casemgmt.commitments.models import Commitment, CommitmentDueChange, CommitmentOwnerChange
from tests.worlds.promises import in_days, make_commitment, make_overdue

pytestmark = pytest.mark.anyio


def team_callback(world, **values):  # type: ignore[no-untyped-def]
    """A KCC callback to team SZW, not about a dossier (the caller asked a question of SZW)."""
    body = {"dossier_id": None, "owner_id": None, "owner_service": "SZW", "description": "SZW belt u terug."}
    return {**body, **values}


async def count(db, model) -> int:  # type: ignore[no-untyped-def]
    async with db() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_callback_to_a_team_waits_for_its_members(client, world, db) -> None:
    made = await make_commitment(client, world, by="kcc", **team_callback(world))
    assert (made["owner_id"], made["owner_service"]) == (None, "SZW")
    assert made["first_due_at"] == made["due_at"]
    worklist = (await client.get("/api/v1/worklist", headers=world.token("szw"))).json()
    assert [c["id"] for c in worklist["team_commitments"]] == [made["id"]]
    assert worklist["team_commitments"][0]["owner_service"] == "SZW"
    assert made["id"] not in [c["id"] for c in worklist["commitments"]]
    other = (await client.get("/api/v1/worklist", headers=world.token("dso"))).json()
    assert other["team_commitments"] == []
    listed = await client.get("/api/v1/commitments?owner_service=SZW", headers=world.token("szw"))
    assert [c["id"] for c in listed.json()["items"]] == [made["id"]]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"owner_id": 1, "owner_service": "SZW"}, "owner_service"),
        ({"owner_id": None, "owner_service": None}, "owner_id"),
        ({"owner_id": None, "owner_service": "XYZ"}, "owner_service"),
    ],
)
async def test_one_owner_exactly(client, world, db, values, field) -> None:
    body = {"client_id": world.client_id, "kind": "callback", "description": "Wij bellen u terug.", **values}
    response = await client.post("/api/v1/commitments", json=body, headers=world.token("kcc"))
    assert response.status_code == 422, response.text
    assert field in {e["field"] for e in response.json()["extra"]}
    assert await count(db, Commitment) == 0


async def test_picking_up_a_team_promise(client, world, db, make_user, make_token) -> None:
    colleague = await make_user("accountmanager", services=["SZW"], name="Sem Szw")
    colleague_token = await make_token(colleague)
    made = await make_commitment(client, world, by="kcc", **team_callback(world))
    url = f"/api/v1/commitments/{made['id']}/pick-up"
    outsider = await client.post(url, headers=world.token("ocw"))
    assert outsider.status_code == 403
    assert await count(db, CommitmentOwnerChange) == 0
    picked = await client.post(url, headers=world.token("szw"))
    assert picked.status_code == 200, picked.text
    assert (picked.json()["owner_id"], picked.json()["owner_service"]) == (world.szw.id, None)
    again = await client.post(url, headers=colleague_token)
    assert again.status_code == 409 and "al opgepakt door een collega" in again.json()["detail"]
    async with db() as session:
        change = (await session.scalars(select(CommitmentOwnerChange))).one()
        stored = await session.get(Commitment, made["id"])
    assert (change.from_owner_id, change.to_owner_id, change.to_service_id) == (None, world.szw.id, None)
    assert change.from_service_id == stored.service_id and stored.owner_service_id is None  # the team stays recorded
    worklist = (await client.get("/api/v1/worklist", headers=world.token("szw"))).json()
    assert worklist["team_commitments"] == [] and [c["id"] for c in worklist["commitments"]] == [made["id"]]
    # the one who picked it up keeps it; the KCC agent who made it may still act on it, another KCC agent may not
    kept = await client.post(
        f"/api/v1/commitments/{made['id']}/fulfil", json={"note": "Gebeld"}, headers=world.token("szw")
    )
    assert kept.status_code == 200 and kept.json()["kept_on_time"] is True


async def test_team_members_may_act_but_the_kcc_only_on_its_own(client, world, db, make_user, make_token) -> None:
    other_kcc = await make_token(await make_user("kcc_agent", services=["KCC"], name="Karin Kcc"))
    made = await make_commitment(client, world, by="kcc", **team_callback(world))
    url = f"/api/v1/commitments/{made['id']}/reschedule"
    body = {"due_at": in_days(4), "reason": "Klant vraagt om later"}
    assert (await client.post(url, json=body, headers=other_kcc)).status_code == 403
    assert (await client.post(url, json=body, headers=world.token("dso"))).status_code == 403
    assert (await client.post(url, json=body, headers=world.token("szw"))).status_code == 200
    assert (await client.post(url, json={**body, "due_at": in_days(5)}, headers=world.token("kcc"))).status_code == 200


async def test_rescheduling(client, world, db) -> None:
    made = await make_commitment(client, world, due_at=in_days(1))
    url = f"/api/v1/commitments/{made['id']}/reschedule"
    past = await client.post(url, json={"due_at": in_days(-1), "reason": "Te laat"}, headers=world.token("dso"))
    assert past.status_code == 422 and {e["field"] for e in past.json()["extra"]} == {"due_at"}
    blank = await client.post(url, json={"due_at": in_days(3), "reason": "  "}, headers=world.token("dso"))
    assert blank.status_code == 422 and "reason" in {e["field"] for e in blank.json()["extra"]}
    missing = await client.post(url, json={"due_at": in_days(3)}, headers=world.token("dso"))
    assert missing.status_code == 422 and "reason" in {e["field"] for e in missing.json()["extra"]}
    assert await count(db, CommitmentDueChange) == 0
    moved = await client.post(
        url, json={"due_at": in_days(3), "reason": "Stukken nog niet binnen"}, headers=world.token("dso")
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["first_due_at"] == made["due_at"] != moved.json()["due_at"]
    async with db() as session:
        change = (await session.scalars(select(CommitmentDueChange))).one()
    assert change.reason == "Stukken nog niet binnen" and change.changed_by_id == world.dso.id
    assert change.from_due_at == datetime.fromisoformat(made["due_at"].replace("Z", "+00:00"))


async def test_handing_over_to_a_team_and_back(client, world, db) -> None:
    made = await make_commitment(client, world)
    url = f"/api/v1/commitments/{made['id']}/reassign"
    both = await client.post(
        url, json={"owner_id": world.szw.id, "owner_service": "SZW", "reason": "x"}, headers=world.token("dso")
    )
    assert both.status_code == 422 and {e["field"] for e in both.json()["extra"]} == {"owner_service"}
    to_team = await client.post(
        url, json={"owner_service": "szw", "reason": "Hoort bij SZW"}, headers=world.token("dso")
    )
    assert to_team.status_code == 200 and (to_team.json()["owner_id"], to_team.json()["owner_service"]) == (None, "SZW")
    async with db() as session:
        change = (await session.scalars(select(CommitmentOwnerChange))).one()
    assert (change.from_owner_id, change.to_owner_id) == (world.dso.id, None)
    picked = await client.post(f"/api/v1/commitments/{made['id']}/pick-up", headers=world.token("szw"))
    assert picked.json()["owner_id"] == world.szw.id


async def test_the_list_filters_sorts_and_pages(client, world, db) -> None:
    ids = [
        (await make_commitment(client, world, by="kcc", due_at=in_days(days), owner_id=world.szw.id))["id"]
        for days in (3, 1, 2)
    ]
    team = (await make_commitment(client, world, by="kcc", due_at=in_days(4), **team_callback(world)))["id"]
    info = (await make_commitment(client, world, kind="information", due_at=in_days(5)))["id"]
    by_due = [ids[1], ids[2], ids[0], team]
    headers = world.token("kcc")

    async def walk(query: str) -> list[list[int]]:
        pages, cursor = [], None
        while True:
            suffix = f"&cursor={cursor}" if cursor else ""
            body = (await client.get(f"/api/v1/commitments?{query}{suffix}", headers=headers)).json()
            pages.append([c["id"] for c in body["items"]])
            cursor = body["next_cursor"]
            if cursor is None:
                return pages

    assert await walk("kind=callback&limit=2") == [by_due[:2], by_due[2:]]
    assert await walk("kind=callback&limit=3&sort=-due_at") == [by_due[::-1][:3], by_due[::-1][3:]]
    assert await walk("kind=callback&sort=made_at") == [[*ids, team]]
    assert await walk("limit=10") == [[*by_due, info]]
    assert await walk(f"kind=callback&owner_id={world.szw.id}") == [by_due[:3]]
    assert await walk("owner_service=SZW") == [[team]]
    await make_overdue(db, ids[0])
    assert await walk("kind=callback&state=overdue") == [[ids[0]]]
    async with db() as session, session.begin():
        due_soon = datetime.now(UTC) + timedelta(minutes=1)
        stored = await session.get(Commitment, ids[2])
        stored.due_at = stored.first_due_at = due_soon
    today = (await client.get("/api/v1/commitments?state=due_today", headers=headers)).json()["items"]
    assert [c["id"] for c in today] == [ids[2]]
    for bad in ("cursor=nonsense", "sort=owner", "limit=0", "limit=201", "state=later"):
        refused = await client.get(f"/api/v1/commitments?{bad}", headers=headers)
        assert refused.status_code == 422, bad
