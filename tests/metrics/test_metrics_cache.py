"""Pilot statistics computed once per pilot, period and data version (issue 18): a second read answers from the
cache, a committed write makes the next read compute afresh (and see the write), and the data version changes after
every committed unsafe request, never after a read or a refused write."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.metrics.cache import FiguresCache, figures_cache_of
from casemgmt.web.data_version import STORE, change_data_version, current_data_version
from tests.factories import create_contact
from tests.worlds.metrics import FROM, TO, Arrange, mar
from tests.worlds.personas import login

pytestmark = pytest.mark.anyio

MARCH = {"from": FROM.isoformat(), "to": TO.isoformat()}
METRICS = "/api/v1/pilots/proef/metrics"


def inbound_n(body: dict) -> int:  # type: ignore[type-arg]
    return body["cohorts"]["pilot"]["measures"]["transfer_share"]["n"]


def fresh(app) -> FiguresCache:  # type: ignore[no-untyped-def]
    """The app's cache, emptied and its count reset (the app outlives a test)."""
    cache = figures_cache_of(app.state)
    cache.clear()
    cache.computed = 0
    return cache


async def version(db) -> bytes:  # type: ignore[no-untyped-def]
    async with db() as session:
        return await current_data_version(session)


async def test_a_second_read_does_not_recompute_and_a_write_does(app, client, db, built, make_user, make_token):
    cache = fresh(app)
    headers = await make_token(await make_user("evaluator"))
    first = await client.get(METRICS, params=MARCH, headers=headers)
    assert first.status_code == 200, first.text
    assert cache.computed == 1
    second = await client.get(METRICS, params=MARCH, headers=headers)
    assert second.json() == first.json()
    assert cache.computed == 1
    # another period is another result
    await client.get(METRICS, params={"from": FROM.isoformat()}, headers=headers)
    assert cache.computed == 2

    # a write: one more inbound contact on a pilot dossier in March, committed, then the version changes (what the
    # transaction middleware and the CLI do after every commit)
    async with db() as session, session.begin():
        dossier = built.dossiers["P1"]
        client_row = next(c for c in built.clients if c.id == dossier.client_id)
        await create_contact(session, client_row, dossier.casemanager_id, dossier_id=dossier.id, occurred_at=mar(3, 10))
    await change_data_version(app.stores.get(STORE))
    third = await client.get(METRICS, params=MARCH, headers=headers)
    assert cache.computed == 3
    assert inbound_n(third.json()) == inbound_n(first.json()) + 1


async def test_the_dashboard_reads_its_figures_once_per_data_version(app, client, db, built, make_user):
    cache = fresh(app)
    await login(client, (await make_user("evaluator")).email)
    for _ in range(2):
        response = await client.get("/pilots/proef", params=MARCH)
        assert response.status_code == 200
    assert cache.computed == 1
    await change_data_version(app.stores.get(STORE))
    assert (await client.get("/pilots/proef", params=MARCH)).status_code == 200
    assert cache.computed == 2


async def test_every_committed_unsafe_request_changes_the_data_version(client, db, make_user, make_token):
    headers = await make_token(await make_user("admin"))
    before = await version(db)
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    assert await version(db) == before, "a read changes nothing"
    refused = await client.post("/api/v1/clients", json={"kind": "person"}, headers=headers)
    assert refused.status_code == 422
    assert await version(db) == before, "a refused write wrote nothing"
    created = await client.post(
        "/api/v1/clients", json={"kind": "person", "name": "Mevrouw Versie", "bsn": "111222333"}, headers=headers
    )
    assert created.status_code == 201, created.text
    after = await version(db)
    assert after != before


async def test_the_version_is_read_in_the_callers_transaction(db) -> None:
    session: AsyncSession
    async with db() as session:
        assert isinstance(await current_data_version(session), bytes)


async def test_the_trends_are_read_once_per_data_version_by_the_api_page_and_downloads(
    app, client, db, built, make_user, make_token
):
    cache = fresh(app)
    evaluator = await make_user("evaluator")
    headers = await make_token(evaluator)

    def inbound(body: dict) -> int:  # type: ignore[type-arg]
        return sum(r["period"]["numerator"] for r in body["measures"]["inbound_contacts"]["rows"] if not r["is_total"])

    await login(client, evaluator.email)  # a write (the session): before the first read
    first = await client.get("/api/v1/trends", params=MARCH, headers=headers)
    assert first.status_code == 200, first.text
    assert (await client.get("/api/v1/trends/export.csv", params=MARCH, headers=headers)).status_code == 200
    assert (await client.get("/trends", params=MARCH)).status_code == 200
    assert cache.computed == 1, "the API, its download and the page share one computation"
    assert (await client.get("/api/v1/trends", params={**MARCH, "by": "channel"}, headers=headers)).json()
    assert cache.computed == 2, "another grouping is another result"

    async with db() as session, session.begin():
        dossier = built.dossiers["P1"]
        client_row = next(c for c in built.clients if c.id == dossier.client_id)
        await create_contact(session, client_row, dossier.casemanager_id, dossier_id=dossier.id, occurred_at=mar(3, 10))
    await change_data_version(app.stores.get(STORE))
    again = await client.get("/api/v1/trends", params=MARCH, headers=headers)
    assert cache.computed == 3
    assert inbound(again.json()) == inbound(first.json()) + 1


async def test_the_survey_figures_are_read_once_per_data_version(app, client, db, built, make_user, make_token):
    cache = fresh(app)
    headers = await make_token(await make_user("evaluator"))
    first = await client.get("/api/v1/metrics/survey", params=MARCH, headers=headers)
    assert first.status_code == 200, first.text
    assert (await client.get("/api/v1/metrics/survey", params=MARCH, headers=headers)).json() == first.json()
    assert cache.computed == 1
    await client.get("/api/v1/metrics/survey", params={**MARCH, "pilot": "proef"}, headers=headers)
    assert cache.computed == 2, "another selection is another result"

    async with db() as session, session.begin():
        await Arrange(session, built.dossiers["P1"].casemanager_id).response(built.dossiers["P1"], date(2026, 3, 9), 8)
    await change_data_version(app.stores.get(STORE))
    again = await client.get("/api/v1/metrics/survey", params=MARCH, headers=headers)
    assert cache.computed == 3
    assert again.json()["respondents"] == first.json()["respondents"] + 1
