"""The klantbeeld (issue 12): the client's timeline and dossier list through the API and on "Wie helpt deze klant?".

One world: a client with contacts without a dossier, a closed dossier (with a contact, a commitment and an
escalation) and an open one, every moment distinct and known, so the expected order is written out here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select

from casemgmt.audit.models import AuditEvent
from casemgmt.casefile.client_timeline import NEEDS_REASON
from casemgmt.clients.models import Client
from casemgmt.commitments.models import Commitment
from casemgmt.escalations.models import Escalation
from tests.factories import create_client, create_contact, create_dossier, service_id
from tests.worlds.personas import login

pytestmark = pytest.mark.anyio

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


def at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


@dataclass
class World:
    client_id: int
    other_client_id: int
    closed_ref: str
    open_ref: str
    kcc: dict[str, str]
    cm: dict[str, str]
    outsider: dict[str, str]
    evaluator: dict[str, str]
    kcc_email: str
    kcc_id: int
    outsider_email: str


EXPECTED = [  # newest first: (type, dossier) with dossier "closed", "open" or None
    ("contact", None),  # h12
    ("dossier_opened", "open"),  # h11
    ("escalation_answered", "closed"),  # h10
    ("dossier_closed", "closed"),  # h9
    ("commitment_closed", "closed"),  # h8
    ("escalation_asked", "closed"),  # h7
    ("commitment_made", "closed"),  # h6
    ("contact", "closed"),  # h5
    ("dossier_opened", "closed"),  # h4
    ("contact", None),  # h2
    ("contact", None),  # h1
]


@pytest.fixture
async def world(db, make_user, make_token) -> World:
    cm = await make_user("casemanager", name="Carla Casemanager")
    outsider = await make_user("casemanager", name="Otto Onbetrokken")
    kcc = await make_user("kcc_agent", services=["KCC"], name="Karin Kcc")
    evaluator = await make_user("evaluator")
    async with db() as s, s.begin():
        person = await create_client(s, name="Michael de Graaf")
        other = await create_client(s, name="Andere Klant")
        closed = await create_dossier(s, person, cm.id, subject="Beslag op uitkering")
        closed.opened_at, closed.status, closed.outcome, closed.closed_at = at(4), "closed", "resolved", at(9)
        opened = await create_dossier(s, person, cm.id, subject="Nieuwe aanvraag")
        opened.opened_at = at(11)
        for hour in (1, 2, 12):
            await create_contact(s, person, kcc.id, occurred_at=at(hour), summary=f"Vraag om {hour} uur")
        await create_contact(s, person, cm.id, dossier_id=closed.id, occurred_at=at(5), summary="In het dossier")
        await create_contact(s, other, kcc.id, occurred_at=at(3), summary="Andere klant")
        s.add(
            Commitment(
                client_id=person.id,
                dossier_id=closed.id,
                kind="callback",
                description="Ik bel u terug.",
                owner_id=cm.id,
                made_by_id=kcc.id,
                made_at=at(6),
                due_at=at(30),
                status="fulfilled",
                closed_at=at(8),
                closed_by_id=cm.id,
                kept_on_time=True,
            )
        )
        s.add(
            Escalation(
                service_id=await service_id(s, "KCC"),
                question="Klopt het beslag?",
                dossier_id=closed.id,
                asked_by_id=kcc.id,
                asked_at=at(7),
                due_at=at(40),
                status="answered",
                answer="Ja, tot januari.",
                answered_by_id=cm.id,
                answered_at=at(10),
            )
        )
        await s.flush()
        refs = (person.id, other.id, closed.ref, opened.ref)
    return World(
        *refs,
        kcc=await make_token(kcc),
        cm=await make_token(cm),
        outsider=await make_token(outsider),
        evaluator=await make_token(evaluator),
        kcc_email=kcc.email,
        kcc_id=kcc.id,
        outsider_email=outsider.email,
    )


def refs(w: World, items: list[dict]) -> list[tuple[str, str | None]]:
    names = {w.closed_ref: "closed", w.open_ref: "open", None: None}
    return [(item["type"], names[item["dossier_ref"]]) for item in items]


async def client_reads(db, client_id: int) -> list[AuditEvent]:
    async with db() as s:
        return list(
            await s.scalars(
                select(AuditEvent).where(AuditEvent.object_type == "client", AuditEvent.object_id == str(client_id))
            )
        )


async def test_timeline_has_every_kind_newest_first_with_its_dossier(client, db, world: World) -> None:
    w = world
    answer = await client.get(f"/api/v1/clients/{w.client_id}/timeline", headers=w.kcc)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert refs(w, body["items"]) == EXPECTED
    assert body["next_cursor"] is None
    moments = [item["occurred_at"] for item in body["items"]]
    assert moments == sorted(moments, reverse=True)
    first = body["items"][0]
    assert first["summary"] == "Vraag om 12 uur" and first["employee"] == "Karin Kcc"
    closed = next(item for item in body["items"] if item["type"] == "dossier_closed")
    assert closed["outcome"] == "resolved" and closed["casemanager"] == "Carla Casemanager"
    assert "Andere klant" not in answer.text  # another client's contact stays out
    [event_] = await client_reads(db, w.client_id)
    assert event_.action == "read" and event_.detail == "tijdlijn"


async def test_keyset_pages_cover_the_timeline_once(client, world: World) -> None:
    w = world
    seen: list[dict] = []
    cursor = None
    for _ in range(10):
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(f"/api/v1/clients/{w.client_id}/timeline", params=params, headers=w.kcc)).json()
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert refs(w, seen) == EXPECTED
    assert len({(item["type"], item["id"]) for item in seen}) == len(EXPECTED)


async def test_query_count_does_not_grow_with_the_timeline(app, client, db, world: World) -> None:
    w = world
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    async def count(url: str) -> int:
        statements.clear()
        engine = app.state.engine.sync_engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            assert (await client.get(url, headers=w.kcc)).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(statements)

    url = f"/api/v1/clients/{w.client_id}/timeline?limit=100"
    before = await count(url)
    async with db() as s, s.begin():
        person = await s.get(Client, w.client_id)
        assert person is not None
        for minute in range(40):
            await create_contact(s, person, w.kcc_id, occurred_at=at(13) + timedelta(minutes=minute))
    assert await count(url) == before


async def test_dossier_list_filters_by_status(client, world: World) -> None:
    w = world
    url = f"/api/v1/clients/{w.client_id}/dossiers"
    everything = (await client.get(url, headers=w.kcc)).json()
    assert [d["ref"] for d in everything] == [w.open_ref, w.closed_ref]  # newest opened first
    [closed] = (await client.get(url, params={"status": "closed"}, headers=w.kcc)).json()
    assert closed["outcome"] == "resolved" and closed["closed_at"].startswith("2026-10-01T18:00")
    assert closed["casemanager"] == "Carla Casemanager" and closed["subject"] == "Beslag op uitkering"
    [current] = (await client.get(url, params={"status": "open"}, headers=w.kcc)).json()
    assert current["ref"] == w.open_ref and current["outcome"] is None and current["closed_at"] is None


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("timeline", {"cursor": "gisteren"}, "cursor"),
        ("timeline", {"limit": 0}, "limit"),
        ("timeline", {"limit": 101}, "limit"),
        ("dossiers", {"status": "half"}, "status"),
    ],
)
async def test_bad_input_is_422_naming_the_field_and_nothing_audited(client, db, world, path, params, field) -> None:
    w = world
    answer = await client.get(f"/api/v1/clients/{w.client_id}/{path}", params=params, headers=w.kcc)
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["extra"]] == [field]
    assert await client_reads(db, w.client_id) == []


async def test_limited_view_gets_403_with_the_reason_to_state_a_reason(client, db, world: World) -> None:
    w = world
    for path in ("timeline", "dossiers"):
        answer = await client.get(f"/api/v1/clients/{w.client_id}/{path}", headers=w.outsider)
        assert answer.status_code == 403
        assert answer.json()["detail"] == NEEDS_REASON
        evaluator = await client.get(f"/api/v1/clients/{w.client_id}/{path}", headers=w.evaluator)
        assert evaluator.status_code == 403
    assert await client_reads(db, w.client_id) == []
    stated = await client.post(
        f"/api/v1/clients/{w.client_id}/inzage", json={"reden": "Klant belt over het beslag."}, headers=w.outsider
    )
    assert stated.status_code in (200, 201), stated.text
    assert (await client.get(f"/api/v1/clients/{w.client_id}/timeline", headers=w.outsider)).status_code == 200
    # the casemanager of the client's dossiers sees it without a reason
    assert (await client.get(f"/api/v1/clients/{w.client_id}/dossiers", headers=w.cm)).status_code == 200


async def test_unknown_client_is_404(client, world: World) -> None:
    for path in ("timeline", "dossiers"):
        assert (await client.get(f"/api/v1/clients/999999/{path}", headers=world.kcc)).status_code == 404


async def test_page_shows_the_timeline_and_closed_dossiers_and_loads_more(client, db, world: World) -> None:
    w = world
    async with db() as s, s.begin():
        person = await s.get(Client, w.client_id)
        assert person is not None
        for minute in range(20):  # 31 entries: more than one page of 25
            moment = at(13) + timedelta(minutes=minute)
            await create_contact(s, person, w.kcc_id, occurred_at=moment, summary=f"Extra {minute}")
    await login(client, w.kcc_email)
    page = await client.get(f"/klanten/{w.client_id}")
    assert page.status_code == 200
    text = page.text
    assert "Tijdlijn van de klant" in text and "Gesloten dossiers" in text
    assert text.count('data-testid="tijdlijn-item"') == 25
    assert "Beslag op uitkering" in text and "Opgelost" in text  # the closed dossier with its outcome
    assert "Vraag om 1 uur" not in text  # beyond the first page
    assert "Meer laden" in text
    more = text.split(f'hx-get="/klanten/{w.client_id}/tijdlijn', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    more = f"/klanten/{w.client_id}/tijdlijn{more}"
    assert more.startswith(f"/klanten/{w.client_id}/tijdlijn?cursor=")
    fragment = await client.get(more, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.text.count('data-testid="tijdlijn-item"') == 6
    assert "Vraag om 1 uur" in fragment.text and "Meer laden" not in fragment.text
    assert "<html" not in fragment.text
    plain = await client.get(more)  # without JavaScript: a page of its own
    assert "<html" in plain.text and "Vraag om 1 uur" in plain.text
    # one audit event per request: the page's timeline and closed dossiers, then each fragment
    details = [e.detail for e in await client_reads(db, w.client_id)]
    assert details[0] == "tijdlijn en gesloten dossiers"
    assert len(details) == 3 and all(d.startswith("tijdlijn voor ") for d in details[1:])


async def test_page_with_the_limited_view_shows_no_timeline(client, world: World) -> None:
    w = world
    await login(client, w.outsider_email)
    page = await client.get(f"/klanten/{w.client_id}")
    assert page.status_code == 200
    assert "Tijdlijn van de klant" not in page.text and "Vraag om 12 uur" not in page.text
    fragment = await client.get(f"/klanten/{w.client_id}/tijdlijn", headers={"HX-Request": "true"})
    assert fragment.status_code == 403
