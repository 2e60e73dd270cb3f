"""Issue 12: the pilot figures count dossiers and contacts, never clients by BSN, so dossiers of unidentified
clients (no BSN/KvK) and of a client merged into another count exactly as before."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from casemgmt.casefile.identification import move_client_records
from casemgmt.clients.models import Client
from casemgmt.dossiers.models import Dossier
from casemgmt.metrics.engine import pilot_metrics
from tests.factories import create_client
from tests.worlds.metrics import FROM, NOW, TO

pytestmark = pytest.mark.anyio


async def metrics_of(db, pilot):
    async with db() as session:
        return (await pilot_metrics(session, pilot, FROM, TO, NOW)).to_json()


async def test_unidentified_and_merged_clients_change_no_figure(db, built):
    before = await metrics_of(db, built.pilot)
    async with db() as session, session.begin():
        client_ids = sorted(set(await session.scalars(select(Dossier.client_id))))
        await session.execute(
            update(Client).where(Client.id.in_(client_ids)).values(kind="unidentified", bsn=None, kvk=None)
        )
    assert await metrics_of(db, built.pilot) == before

    async with db() as session, session.begin():
        identified = await create_client(session, "Later geïdentificeerd")
        moved = await move_client_records(session, client_ids[0], identified.id)
        await session.execute(update(Client).where(Client.id == client_ids[0]).values(merged_into_id=identified.id))
    assert moved["dossiers.client_id"] >= 1
    assert await metrics_of(db, built.pilot) == before
