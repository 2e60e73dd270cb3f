"""The Logboek page (``GET /logboek``): who may see it, filters, paging, htmx fragments, escaping."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from casemgmt.audit.models import AuditEvent
from casemgmt.audit.queries import MESSAGE_PERIOD_REVERSED, PAGE_SIZE
from casemgmt.audit.services import AuditLog
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.models import User
from tests.worlds.personas import login

pytestmark = pytest.mark.anyio

NON_ADMIN_ROLES = ["kcc_agent", "casemanager", "accountmanager", "evaluator"]
SERVICES = {"kcc_agent": ["KCC"], "accountmanager": ["SZW"]}


async def record(db, person, *events: dict) -> list[int]:  # type: ignore[no-untyped-def]
    """Write audit events through the one writer (AuditLog), as ``person``, with chosen moments."""
    ids = []
    async with db() as session, session.begin():
        actor = CurrentUser.from_user(await session.get(User, person.id)) if person else None
        log = AuditLog(session, actor, request_id="req-test")
        written = []
        for values in events:
            values = dict(values)
            at = values.pop("at", None)
            event = log.record(
                values.pop("action", "read"),
                values.pop("object_type", "dossier"),
                values.pop("object_id", "1"),
                **values,
            )
            if at is not None:
                event.occurred_at = at
            written.append(event)
        await session.flush()
        ids = [event.id for event in written]
    return ids


def event_ids(html: str) -> list[int]:
    return [int(value) for value in re.findall(r'data-event-id="(\d+)"', html)]


async def admin_session(client, make_user):  # type: ignore[no-untyped-def]
    admin = await make_user("admin", name="Ad Beheer")
    await login(client, admin.email)
    return admin


async def test_anonymous_visitor_is_sent_to_login(client) -> None:
    response = await client.get("/logboek", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
async def test_other_roles_get_403(client, make_user, db, role) -> None:
    person = await make_user(role, services=SERVICES.get(role))
    await login(client, person.email)
    response = await client.get("/logboek")
    assert response.status_code == 403
    assert "Functioneel beheerder" in response.text  # the Dutch explanation names who may see it
    async with db() as session:
        assert (await session.scalars(select(AuditEvent).where(AuditEvent.object_type == "audit_log"))).all() == []


async def test_admin_sees_events_newest_first_with_every_column(client, make_user, db) -> None:
    admin = await admin_session(client, make_user)
    kcc = await make_user("kcc_agent", services=["KCC"], name="Kim Klant")
    older, newer = await record(
        db,
        kcc,
        {
            "object_type": "client",
            "object_id": "17",
            "client_pseudonym": "K-AAAA111111",
            "at": datetime(2026, 1, 15, 10, 0, tzinfo=UTC),
        },
        {
            "object_type": "dossier",
            "object_id": "42",
            "client_pseudonym": "K-BBBB222222",
            "purpose": "klantcontact",
            "at": datetime(2026, 7, 1, 10, 5, tzinfo=UTC),
        },
    )
    response = await client.get("/logboek")
    assert response.status_code == 200
    html = response.text
    assert [i for i in event_ids(html) if i != 1] == [newer, older]  # 1: the admin's login
    assert "Ingelogd" in html
    assert "01-07-2026 12:05" in html  # summer time: UTC+2
    assert "15-01-2026 11:00" in html  # winter time: UTC+1
    assert "Kim Klant" in html and "KCC-medewerker" in html
    assert "Ingezien" in html and "Dossier 42" in html and "Klant K-AAAA111111" in html  # no such dossier: its id
    assert "K-BBBB222222" in html and "klantcontact" in html and "req-test" in html
    assert 'hx-get="/logboek"' in html and 'hx-push-url="true"' in html and 'aria-live="polite"' in html
    assert f'value="{admin.id}"' in html  # the actor select lists users


async def test_viewing_the_log_is_itself_recorded(client, make_user, db) -> None:
    admin = await admin_session(client, make_user)
    response = await client.get("/logboek?object_type=dossier")
    assert response.status_code == 200
    async with db() as session:
        events = (await session.scalars(select(AuditEvent).where(AuditEvent.object_type == "audit_log"))).all()
    assert len(events) == 1
    assert (events[0].action, events[0].purpose, events[0].actor_id) == ("read", "beheer", admin.id)
    assert events[0].actor_role == "admin"
    assert events[0].request_id == response.headers["x-request-id"]
    assert "object_type=dossier" in events[0].detail


async def test_filter_by_actor(client, make_user, db) -> None:
    await admin_session(client, make_user)
    kim = await make_user("kcc_agent", services=["KCC"])
    cas = await make_user("casemanager")
    [kim_event] = await record(db, kim, {"object_id": "1"})
    [cas_event] = await record(db, cas, {"object_id": "2"})
    html = (await client.get(f"/logboek?actor_id={cas.id}")).text
    assert event_ids(html) == [cas_event]
    assert kim_event not in event_ids((await client.get(f"/logboek?actor_id={cas.id}&object_type=")).text)
    assert f'<option value="{cas.id}" selected' in html


async def test_filter_by_object_and_pseudonym(client, make_user, db) -> None:
    await admin_session(client, make_user)
    kim = await make_user("kcc_agent", services=["KCC"])
    client_7, dossier_7, dossier_8 = await record(
        db,
        kim,
        {"object_type": "client", "object_id": "7", "client_pseudonym": "K-PSEUDO0001"},
        {"object_type": "dossier", "object_id": "7", "client_pseudonym": "K-PSEUDO0001"},
        {"object_type": "dossier", "object_id": "8", "client_pseudonym": "K-PSEUDO0002"},
    )
    assert event_ids((await client.get("/logboek?object_type=dossier&object_id=7")).text) == [dossier_7]
    assert event_ids((await client.get("/logboek?object_type=dossier")).text)[:2] == [dossier_8, dossier_7]
    assert event_ids((await client.get("/logboek?pseudonym=K-PSEUDO0001")).text) == [dossier_7, client_7]
    empty = await client.get("/logboek?pseudonym=K-BESTAATNIET")
    assert empty.status_code == 200 and "Geen gebeurtenissen gevonden" in empty.text


async def test_filter_by_period_uses_dutch_calendar_days(client, make_user, db) -> None:
    await admin_session(client, make_user)
    kim = await make_user("kcc_agent", services=["KCC"])
    before, first, last, after = await record(
        db,
        kim,
        {"object_id": "before", "at": datetime(2026, 3, 9, 22, 59, tzinfo=UTC)},  # 9 March 23:59 in Den Haag
        {"object_id": "first", "at": datetime(2026, 3, 9, 23, 0, tzinfo=UTC)},  # 10 March 00:00
        {"object_id": "last", "at": datetime(2026, 4, 10, 21, 59, tzinfo=UTC)},  # 10 April 23:59 (summer time)
        {"object_id": "after", "at": datetime(2026, 4, 10, 22, 0, tzinfo=UTC)},  # 11 April 00:00
    )
    html = (await client.get("/logboek?from=2026-03-10&to=2026-04-10")).text
    assert event_ids(html) == [last, first]
    typed = (await client.get("/logboek?from=10-03-2026&to=10-04-2026")).text  # typed by hand, without a date picker
    assert event_ids(typed) == [last, first]
    assert event_ids((await client.get("/logboek?to=2026-03-09&object_type=dossier")).text) == [before]
    assert after in event_ids((await client.get("/logboek?from=2026-04-11")).text)


async def test_from_after_to_is_refused_with_a_dutch_message(client, make_user, db) -> None:
    await admin_session(client, make_user)
    response = await client.get("/logboek?from=2026-05-02&to=2026-05-01")
    assert response.status_code == 422
    assert MESSAGE_PERIOD_REVERSED in response.text
    assert 'value="2026-05-02"' in response.text  # what was typed is kept
    assert 'aria-invalid="true"' in response.text
    fragment = await client.get("/logboek?from=2026-05-02&to=2026-05-01", headers={"hx-request": "true"})
    assert fragment.status_code == 422
    assert MESSAGE_PERIOD_REVERSED in fragment.text and "<html" not in fragment.text
    bad = await client.get("/logboek?from=2026-13-45")
    assert bad.status_code == 422 and "Vul een geldige datum in" in bad.text
    async with db() as session:  # nothing was shown, so no read was recorded (only the admin's login)
        assert [e.action for e in (await session.scalars(select(AuditEvent))).all()] == ["login"]


async def test_htmx_request_gets_only_the_results(client, make_user, db) -> None:
    await admin_session(client, make_user)
    kim = await make_user("kcc_agent", services=["KCC"])
    [event] = await record(db, kim, {"object_id": "5"})
    response = await client.get("/logboek?object_id=5", headers={"hx-request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and "<form" not in response.text
    assert event_ids(response.text) == [event]
    assert response.headers["vary"] == "HX-Request"


async def test_keyset_paging_with_volgende_link(client, make_user, db) -> None:
    await admin_session(client, make_user)
    kim = await make_user("kcc_agent", services=["KCC"])
    ids = await record(db, kim, *({"object_type": "client", "object_id": str(n)} for n in range(PAGE_SIZE + 10)))
    first = (await client.get("/logboek?object_type=client")).text
    assert event_ids(first) == list(reversed(ids))[:PAGE_SIZE]
    link = re.search(r'href="(/logboek\?[^"]*after_id=\d+[^"]*)"[^>]*>Volgende', first.replace("&amp;", "&"))
    assert link, "no Volgende link"
    url = link.group(1)
    assert "object_type=client" in url and f"after_id={ids[10]}" in url
    second = await client.get(url, headers={"hx-request": "true"})
    assert event_ids(second.text) == list(reversed(ids))[PAGE_SIZE:]
    assert "Volgende" not in second.text
    assert "Nieuwste" in second.text


async def test_script_in_object_id_and_detail_is_escaped(client, make_user, db) -> None:
    await admin_session(client, make_user)
    kim = await make_user("kcc_agent", services=["KCC"])
    await record(
        db,
        kim,
        {
            "object_id": "<script>alert(1)</script>",
            "client_pseudonym": "<b>K</b>",
            "detail": '<script>alert("detail")</script>',
        },
    )
    html = (await client.get("/logboek")).text
    assert "<script>alert" not in html and "<b>K</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;K&lt;/b&gt;" in html


async def test_no_route_can_change_or_remove_audit_events(app) -> None:
    for route in app.routes:
        if "audit" in route.path or "logboek" in route.path:
            assert set(route.methods) <= {"GET", "HEAD", "OPTIONS"}, route.path
