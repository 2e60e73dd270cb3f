"""The audit log's rules without HTTP: filter parsing, Dutch calendar days, and append-only storage."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, text, update

from casemgmt.audit.models import AuditEvent, AuditLogIsAppendOnly
from casemgmt.audit.queries import (
    MESSAGE_PERIOD_REVERSED,
    AuditFilter,
    format_moment,
    parse_filter,
    period_bounds,
)
from casemgmt.audit.services import AuditLog
from casemgmt.errors import InvalidInput


def test_parse_filter_reads_every_field() -> None:
    flt = parse_filter(
        {
            "actor_id": "4",
            "object_type": " dossier ",
            "object_id": "12",
            "pseudonym": "K-ABC",
            "from": "2026-01-02",
            "to": "31-01-2026",
            "after_id": "99",
            "limit": "20",
        }
    )
    assert flt == AuditFilter(4, "dossier", "12", "K-ABC", date(2026, 1, 2), date(2026, 1, 31), 99, 20)
    assert parse_filter({}) == AuditFilter()
    assert parse_filter({"from": "", "to": None, "actor_id": ""}) == AuditFilter()


def test_from_after_to_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_filter({"from": "2026-02-02", "to": "2026-02-01"})
    assert caught.value.by_field() == {"to": MESSAGE_PERIOD_REVERSED}
    assert parse_filter({"from": "2026-02-01", "to": "2026-02-01"}).date_to == date(2026, 2, 1)  # one day is fine


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"from": "2026-02-30"}, {"from"}),
        ({"to": "morgen"}, {"to"}),
        ({"actor_id": "0"}, {"actor_id"}),
        ({"actor_id": "1; drop"}, {"actor_id"}),
        ({"after_id": "x", "limit": "1000"}, {"after_id", "limit"}),
    ],
)
def test_bad_values_name_their_field(values, fields) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_filter(values)
    assert set(caught.value.by_field()) == fields


def test_period_bounds_are_dutch_days_in_utc() -> None:
    winter = period_bounds(date(2026, 1, 10), date(2026, 1, 10))
    assert winter == (datetime(2026, 1, 9, 23, 0, tzinfo=UTC), datetime(2026, 1, 10, 23, 0, tzinfo=UTC))
    # 29 March 2026 has 23 hours (summer time starts)
    assert period_bounds(date(2026, 3, 29), date(2026, 3, 29)) == (
        datetime(2026, 3, 28, 23, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 22, 0, tzinfo=UTC),
    )
    assert period_bounds(None, None) == (None, None)


def test_moment_is_shown_in_amsterdam_time() -> None:
    assert format_moment(datetime(2026, 7, 1, 22, 30, tzinfo=UTC)) == "02-07-2026 00:30"
    assert format_moment(datetime(2026, 12, 31, 23, 15, tzinfo=UTC)) == "01-01-2027 00:15"


def test_next_page_link_keeps_the_filters() -> None:
    from casemgmt.audit.queries import AuditPage

    page = AuditPage(rows=[], next_after_id=17, filter=AuditFilter(actor_id=3, date_from=date(2026, 1, 1)))
    assert page.next_url("/logboek") == "/logboek?actor_id=3&from=2026-01-01&after_id=17"
    assert AuditPage(rows=[]).next_url("/logboek") is None


@pytest.mark.anyio
async def test_the_orm_refuses_to_update_or_delete_an_audit_event(db, make_user) -> None:
    admin = await make_user("admin")
    async with db() as session, session.begin():
        event = AuditLog(session, None).record("read", "dossier", 1, purpose="beheer")
        await session.flush()
        event_id = event.id

    async with db() as session:
        event = await session.get(AuditEvent, event_id)
        event.purpose = "iets anders"
        with pytest.raises(AuditLogIsAppendOnly):
            await session.flush()
        await session.rollback()

    async with db() as session:
        event = await session.get(AuditEvent, event_id)
        await session.delete(event)
        with pytest.raises(AuditLogIsAppendOnly):
            await session.flush()
        await session.rollback()

    async with db() as session:
        stored = await session.get(AuditEvent, event_id)
        assert stored is not None and stored.purpose == "beheer"
    assert admin.id  # the user exists; the event was written without one (system)


@pytest.mark.anyio
async def test_postgresql_refuses_changes_in_the_database_itself(db) -> None:
    async with db() as session, session.begin():
        AuditLog(session, None).record("read", "dossier", 1, purpose="beheer")
    async with db() as session:
        if session.bind.dialect.name != "postgresql":
            pytest.skip("the database trigger exists on PostgreSQL only")
    for statement in (update(AuditEvent).values(purpose="x"), delete(AuditEvent)):
        async with db() as session:
            with pytest.raises(Exception, match="append-only"):
                await session.execute(statement)
            await session.rollback()
    async with db() as session:
        assert (await session.execute(text("SELECT purpose FROM audit_events"))).scalar_one() == "beheer"
