"""``on_time_share`` and a rescheduled promise (issue 13): kept after its first due moment it is still late, however
far it was moved, and it counts in the period of its first due moment."""

from __future__ import annotations

from datetime import date

import pytest

from casemgmt.audit.services import AuditLog
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.roles import Role
from casemgmt.commitments.schemas import CommitmentCreate
from casemgmt.commitments.services import CommitmentService
from casemgmt.metrics.engine import pilot_metrics
from tests.factories import create_client
from tests.worlds.metrics import NOW, dossier_at, enrol, make_pilot, mar

pytestmark = pytest.mark.anyio


async def test_a_rescheduled_late_promise_is_still_late(db, make_user) -> None:
    casemanager = await make_user("casemanager", name="Carla Casemanager")
    actor = CurrentUser(casemanager.id, casemanager.email, casemanager.name, "", frozenset({Role.CASEMANAGER}), ())
    async with db() as session, session.begin():
        pilot = await make_pilot(session)
        dossier = await dossier_at(session, await create_client(session), casemanager.id, mar(2))
        await enrol(session, pilot, dossier, "pilot")
        promises = CommitmentService(session, actor, AuditLog(session, actor))

        async def promise(due_day: int) -> int:
            entered = CommitmentCreate(
                client_id=dossier.client_id,
                dossier_id=dossier.id,
                kind="callback",
                description="Ik bel u terug.",
                owner_id=casemanager.id,
                due_at=mar(due_day),
            )
            return (await promises.make(entered, now=mar(2))).id

        moved, kept = await promise(10), await promise(12)
        # due 10 March, moved on the 9th to 20 April, called back on 15 March: late against the first moment
        await promises.reschedule(moved, due_at=mar(20).replace(month=4), reason="Klant op vakantie", now=mar(9))
        late = await promises.fulfil(moved, note="Gebeld", now=mar(15))
        assert late.kept_on_time is False
        assert (await promises.fulfil(kept, note="Gebeld", now=mar(11))).kept_on_time is True
    async with db() as session:
        march = (await pilot_metrics(session, pilot, date(2026, 3, 1), date(2026, 3, 31), NOW)).to_json()
        april = (await pilot_metrics(session, pilot, date(2026, 4, 1), date(2026, 4, 30), NOW)).to_json()
    on_time = march["cohorts"]["pilot"]["measures"]["on_time_share"]
    assert (on_time["count"], on_time["n"]) == (1, 2)  # both were first due in March; one kept on time
    assert april["cohorts"]["pilot"]["measures"]["on_time_share"]["n"] == 0  # not again where it was moved to
