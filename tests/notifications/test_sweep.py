"""The sweep (``reminders/sweep.py``): promises due today and overdue, escalations past their norm, coordinators of
team promises three times late; idempotent by the unique key (run it twice: nothing new), on SQLite and PostgreSQL.
Coordinators are set with ``casemgmt users coordinator`` (a real process) and shown on Bereikbaarheid."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from casemgmt.commitments.models import Commitment
from casemgmt.directory.models import service_coordinators
from casemgmt.escalations.models import Escalation
from casemgmt.notifications.models import Notification
from casemgmt.reminders.sweep import sweep
from tests.notifications.helpers import notifications, received
from tests.worlds.commands import run
from tests.worlds.promises import World, login_as, make_commitment

pytestmark = pytest.mark.anyio

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # a Friday, 11:00 in Amsterdam


async def place(db, commitment_id: int, *, made: timedelta, due: timedelta) -> None:  # type: ignore[no-untyped-def]
    """Simulate time: the promise was made ``made`` before NOW and is due ``due`` after NOW (negative: past)."""
    async with db() as session, session.begin():
        await session.execute(
            update(Commitment)
            .where(Commitment.id == commitment_id)
            .values(made_at=NOW - made, due_at=NOW + due, first_due_at=NOW + due)
        )


async def run_sweep(db, now: datetime = NOW):  # type: ignore[no-untyped-def]
    async with db() as session, session.begin():
        return await sweep(session, now)


async def arrange(client, db, world: World, migrated) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Five promises and an escalation placed around NOW, and two coordinators (admin of SZW, other_cm of OCW)."""
    for email, code in ((world.admin.email, "SZW"), (world.other_cm.email, "OCW")):
        result = run(migrated, "users", "coordinator", email, "--service", code)
        assert result.returncode == 0 and f"is coordinator van {code}" in result.stdout, result.stderr
    ids = {
        "today": (await make_commitment(client, world, by="cm", owner_id=world.dso.id))["id"],
        "late": (await make_commitment(client, world, by="dso", owner_id=world.cm.id))["id"],
        "team_3x": (await make_commitment(client, world, by="cm", owner_id=None, owner_service="SZW"))["id"],
        "team_late": (await make_commitment(client, world, by="cm", owner_id=None, owner_service="SZW"))["id"],
        "later": (await make_commitment(client, world, by="cm", owner_id=world.szw.id))["id"],
    }
    await place(db, ids["today"], made=timedelta(days=1), due=timedelta(hours=3))
    await place(db, ids["late"], made=timedelta(days=3), due=-timedelta(days=1))
    await place(db, ids["team_3x"], made=timedelta(days=6), due=-timedelta(days=4))  # a 2-day term, waited 6 days
    await place(db, ids["team_late"], made=timedelta(days=3), due=-timedelta(days=1))  # waited 3 days of 6
    await place(db, ids["later"], made=timedelta(hours=1), due=timedelta(days=2))
    asked = await client.post(
        "/api/v1/escalations", json={"service": "OCW", "question": "Mag dit?"}, headers=world.token("kcc")
    )
    ids["escalation"] = asked.json()["id"]
    async with db() as session, session.begin():
        await session.execute(
            update(Escalation).where(Escalation.id == ids["escalation"]).values(due_at=NOW - timedelta(hours=1))
        )
        await session.execute(Notification.__table__.delete())  # only the sweep's notifications from here on
    return ids


def who_got(found: dict[int, list[Notification]], object_type: str, object_id: int) -> set[int]:
    return {
        uid for uid, ns in found.items() if any((n.object_type, n.object_id) == (object_type, object_id) for n in ns)
    }


async def test_the_sweep_reminds_the_right_people_once_a_day(client, db, world, migrated) -> None:
    ids = await arrange(client, db, world, migrated)
    report = await run_sweep(db)
    assert report.written == report.considered > 0
    due_today = await received(db, "commitment_due_today")
    assert who_got(due_today, "commitment", ids["today"]) == {world.dso.id}
    overdue = await received(db, "commitment_overdue")
    assert who_got(overdue, "commitment", ids["late"]) == {world.cm.id}
    assert who_got(overdue, "commitment", ids["team_3x"]) == {world.szw.id, world.admin.id}  # team + coordinator
    assert who_got(overdue, "commitment", ids["team_late"]) == {world.szw.id}  # not 3× late: the team only
    assert who_got(overdue, "commitment", ids["later"]) == set()
    past_norm = await received(db, "escalation_overdue")
    assert who_got(past_norm, "escalation", ids["escalation"]) == {world.ocw.id, world.ocw2.id, world.other_cm.id}
    texts = {n.text for n in await notifications(db)}
    assert any("uw dienst SZW" in text for text in texts) and all("Jan de Vries" not in text for text in texts)
    total = len(await notifications(db))
    assert total == report.written == 1 + 1 + 2 + 1 + 3

    again = await run_sweep(db, NOW + timedelta(hours=2))  # the same day: nothing new
    assert again.written == 0 and again.considered == total
    assert len(await notifications(db)) == total

    # the next day the overdue ones come again (one per day), and today's promise is now overdue
    next_day = await run_sweep(db, NOW + timedelta(days=1))
    assert next_day.written == total
    assert who_got(await received(db, "commitment_overdue"), "commitment", ids["today"]) == {world.dso.id}


async def test_kinds_switched_off_are_skipped_but_overdue_stays_on(client, db, world, migrated) -> None:
    ids = await arrange(client, db, world, migrated)
    for who in ("dso", "cm"):
        response = await client.put(
            "/api/v1/me/notification-settings",
            json={"settings": {"commitment_due_today": "off", "commitment_overdue": "email"}},
            headers=world.token(who),
        )
        assert response.status_code == 200, response.text
    await run_sweep(db)
    assert who_got(await received(db, "commitment_due_today"), "commitment", ids["today"]) == set()
    assert who_got(await received(db, "commitment_overdue"), "commitment", ids["late"]) == {world.cm.id}


async def test_answered_and_fulfilled_items_are_not_swept(client, db, world, migrated) -> None:
    ids = await arrange(client, db, world, migrated)
    async with db() as session, session.begin():
        await session.execute(update(Commitment).values(status="fulfilled"))
        await session.execute(update(Escalation).values(status="answered"))
    report = await run_sweep(db)
    assert report.written == 0 and await notifications(db) == []
    assert ids


async def test_the_coordinator_command_and_bereikbaarheid(client, db, world, migrated) -> None:
    added = run(migrated, "users", "coordinator", world.ocw.email, "--service", "szw")
    assert added.returncode == 0 and "is coordinator van SZW" in added.stdout, added.stderr
    twice = run(migrated, "users", "coordinator", world.ocw.email, "--service", "SZW")
    assert twice.returncode == 0 and "(was het al)" in twice.stdout
    await login_as(client, world.kcc)
    page = await client.get("/bereikbaarheid")
    assert "Coordinator: Omar Ocw" in page.text
    removed = run(migrated, "users", "coordinator", world.ocw.email, "--service", "SZW", "--remove")
    assert removed.returncode == 0 and "is geen coordinator van SZW" in removed.stdout
    unknown = run(migrated, "users", "coordinator", "niemand@x.nl", "--service", "SZW")
    assert unknown.returncode == 2 and "Geen gebruiker" in unknown.stderr
    bad_service = run(migrated, "users", "coordinator", world.ocw.email, "--service", "XYZ")
    assert bad_service.returncode == 2 and "Onbekende dienst" in bad_service.stderr
    async with db() as session:
        assert (await session.execute(select(service_coordinators))).all() == []
