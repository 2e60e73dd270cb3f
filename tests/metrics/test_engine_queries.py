"""The engine runs a fixed number of queries whatever the number of dossiers (no N+1, no loop over rows)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from casemgmt.metrics.engine import dossier_figures, pilot_metrics
from tests.factories import create_client
from tests.worlds.metrics import FROM, NOW, TO, Arrange, dossier_at, enrol, make_pilot, mar

pytestmark = pytest.mark.anyio


async def arrange_pilot(db, casemanager_id: int, slug: str, dossiers: int):
    async with db() as session, session.begin():
        pilot = await make_pilot(session, slug=slug)
        arrange = Arrange(session, casemanager_id)
        for index in range(dossiers):
            client = await create_client(session)
            closed = mar(20) if index % 3 else None
            dossier = await dossier_at(session, client, casemanager_id, mar(2 + index % 15), closed, "resolved")
            await enrol(session, pilot, dossier, "pilot" if index % 2 else "control")
            await arrange.contact(dossier, client, mar(5), outcome="resolved", transfers=index % 3)
            await arrange.commitment(dossier, mar(12, 17), "fulfilled", index % 4 != 0, mar(11))
            await arrange.handoff(dossier, "SZW", "OCW", mar(6), "accepted")
            await arrange.handoff(dossier, "OCW", "SZW", mar(9), "accepted")
            await arrange.escalation(dossier, mar(13, 17), index % 2 == 0)
            await arrange.time(dossier, "casemanager", 30 + index)
            await arrange.response(dossier, date(2026, 3, 20), 1 + index % 10)
    return pilot


async def count_queries(app, db, call) -> int:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", record)
    try:
        async with db() as session:
            await call(session)
    finally:
        event.remove(app.state.engine.sync_engine, "before_cursor_execute", record)
    return len([s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))])


async def test_pilot_metrics_issues_the_same_queries_for_10_and_100_dossiers(app, db, casemanager):
    small = await arrange_pilot(db, casemanager.id, "klein", 10)
    large = await arrange_pilot(db, casemanager.id, "groot", 100)

    async def metrics(pilot):
        result = {}

        async def call(session):
            result["value"] = (await pilot_metrics(session, pilot, FROM, TO, NOW)).to_json()

        queries = await count_queries(app, db, call)
        return queries, result["value"]

    small_queries, small_result = await metrics(small)
    large_queries, large_result = await metrics(large)
    assert small_result["cohorts"]["pilot"]["dossiers"] + small_result["cohorts"]["control"]["dossiers"] == 10
    assert large_result["cohorts"]["pilot"]["dossiers"] + large_result["cohorts"]["control"]["dossiers"] == 100
    assert large_result["cohorts"]["pilot"]["measures"]["ping_pong_share"]["count"] == 50
    assert small_queries == large_queries
    assert large_queries <= 8


async def test_the_dossier_table_is_one_query_plus_the_cohort_size(app, db, casemanager):
    pilot = await arrange_pilot(db, casemanager.id, "tabel", 30)
    rows = []

    async def call(session):
        rows.extend(await dossier_figures(session, pilot, FROM, TO, NOW))

    assert await count_queries(app, db, call) == 2
    assert len(rows) == 30


async def test_the_metrics_plan_for_their_parameter_values_on_postgresql(app, db, casemanager):
    """A generic plan for a prepared statement ignores which pilot and period are asked (issue 6 benchmark: five
    times slower at ``large`` from the sixth request); the engine asks PostgreSQL for custom plans; no connection
    compiles with JIT (issue 18: compiling cost more than the statements it compiled)."""
    from sqlalchemy import text

    pilot = await arrange_pilot(db, casemanager.id, "plannen", 3)
    async with db() as session:
        dialect = session.get_bind().dialect.name
        await pilot_metrics(session, pilot, FROM, TO, NOW)
        if dialect == "postgresql":
            assert await session.scalar(text("SHOW plan_cache_mode")) == "force_custom_plan"
            assert await session.scalar(text("SHOW jit")) == "off"
        else:  # SQLite plans every statement afresh; nothing to set
            assert dialect == "sqlite"
    async with db() as session:
        if dialect == "postgresql":  # SET LOCAL: the setting ends with the transaction
            assert await session.scalar(text("SHOW plan_cache_mode")) == "auto"
            assert await session.scalar(text("SHOW jit")) == "off", "no connection of the engine compiles"
