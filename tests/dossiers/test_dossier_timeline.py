"""The dossier timeline: newest first, keyset pagination without gaps or duplicates, constant query count, escaping."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import event

from casemgmt.casefile.dossier_controllers import FIRST_PAGE
from casemgmt.casefile.timeline import DEFAULT_LIMIT, TIMELINE_SOURCES, Cursor
from casemgmt.clients.models import Client
from tests.factories import create_client, create_contact
from tests.worlds.casework import Casework, login_as

pytestmark = pytest.mark.anyio

BASE = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


async def add_contacts(db, w: Casework, n: int, *, same_moment_every: int = 0) -> None:
    async with db() as s, s.begin():
        client = await s.get(Client, w.client_id)
        for i in range(n):
            # every few contacts share a moment, to exercise the id tiebreak
            step = i // same_moment_every if same_moment_every else i
            await create_contact(
                s,
                client,
                w.kcc.id,
                dossier_id=w.dossier_id,
                occurred_at=BASE + timedelta(minutes=step),
                summary=f"Gesprek {i:03d}",
            )


async def test_pages_follow_each_other_without_gaps_or_duplicates(client, db, world: Casework) -> None:
    w = world
    await add_contacts(db, w, 30, same_moment_every=3)
    url = f"/api/v1/dossiers/{w.dossier_id}/timeline"
    everything = (await client.get(f"{url}?limit=100", headers=w.tokens["cm"])).json()
    assert len(everything) == 33  # 30 contacts + 3 assignments (current casemanager, accountmanager, earlier)
    keys = [(e["at"], e["type"], e["id"]) for e in everything]
    moments = [datetime.fromisoformat(e["at"]) for e in everything]
    assert moments == sorted(moments, reverse=True)

    seen: list[tuple[str, str, int]] = []
    before = ""
    pages = 0
    while True:
        query = f"?limit=7&before={quote(before)}" if before else "?limit=7"
        response = await client.get(url + query, headers=w.tokens["cm"])
        assert response.status_code == 200
        page = response.json()
        pages += 1
        seen += [(e["at"], e["type"], e["id"]) for e in page]
        if "x-next-before" not in response.headers:
            break
        before = response.headers["x-next-before"]
        assert before == page[-1]["cursor"]
    assert pages == 5
    assert seen == keys
    assert len(set(seen)) == len(seen)


async def test_entries_carry_what_the_reader_needs(client, db, world: Casework) -> None:
    w = world
    response = await client.post(
        "/api/v1/contacts",
        json={"client_id": w.client_id, "dossier_id": w.dossier_id, "channel": "desk", "direction": "in",
              "service": "KCC", "outcome": "transferred", "transfers": 2, "summary": "Belt terug",
              "subject": "Toeslag", "topic": "bijstand"},
        headers=w.tokens["kcc"],
    )  # fmt: skip
    assert response.status_code == 201
    newest = (await client.get(f"/api/v1/dossiers/{w.dossier_id}/timeline?limit=1", headers=w.tokens["am"])).json()
    assert len(newest) == 1
    entry = newest[0]
    assert entry["type"] == "contact" and entry["id"] == response.json()["id"]
    assert entry["employee"] == {"id": w.kcc.id, "name": "Kees Kcc"}
    assert (entry["channel"], entry["direction"], entry["service"], entry["outcome"], entry["transfers"]) == (
        "desk", "in", "KCC", "transferred", 2,
    )  # fmt: skip
    assert (entry["summary"], entry["subject"]) == ("Belt terug", "Toeslag")
    assignments = [
        e
        for e in (await client.get(f"/api/v1/dossiers/{w.dossier_id}/timeline", headers=w.tokens["am"])).json()
        if e["type"] == "assignment"
    ]
    earlier = next(e for e in assignments if e["who"]["id"] == w.earlier.id)
    assert earlier["role"] == "casemanager" and earlier["until"] and earlier["end_reason"] == "Overgedragen"
    assert {e["service"] for e in assignments} == {None, "SZW"}


async def test_bad_cursor_and_limit(client, world: Casework) -> None:
    url = f"/api/v1/dossiers/{world.dossier_id}/timeline"
    for query in ("?before=gisteren", "?limit=0", "?limit=101"):
        response = await client.get(url + query, headers=world.tokens["cm"])
        assert response.status_code == 422, query
    assert (await client.get(url + "?limit=100", headers=world.tokens["cm"])).status_code == 200


def test_cursor_round_trip() -> None:
    cursor = Cursor(BASE, "contact", 12)
    assert Cursor.parse(cursor.encode()) == cursor
    assert Cursor.parse("2026-11-02T09:00:00+00:00") == Cursor(BASE, "", 0)
    assert Cursor.parse("2026-11-02T09:00:00 00:00~contact~12") == cursor  # '+' decoded as a space


def test_a_new_source_is_one_line() -> None:
    assert [source.__name__ for source in TIMELINE_SOURCES] == [
        "contact_entries",
        "assignment_entries",
        "commitment_entries",
        "commitment_closed_entries",
        "handoff_entries",
        "handoff_decided_entries",
        "escalation_entries",
        "escalation_answered_entries",
    ]


async def count_queries(app, client, url: str) -> int:
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = await client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    return len(statements)


async def test_dossier_page_query_count_does_not_grow_with_contacts(app, client, db, world: Casework) -> None:
    w = world
    await login_as(client, w.cm)
    url = f"/dossiers/{w.dossier_id}"
    await add_contacts(db, w, 10)
    with_10 = await count_queries(app, client, url)
    await add_contacts(db, w, 90)
    with_100 = await count_queries(app, client, url)
    assert with_10 == with_100
    api = f"/api/v1/dossiers/{w.dossier_id}/timeline?limit=100"
    client.headers.update(w.tokens["cm"])
    assert await count_queries(app, client, api) == await count_queries(app, client, api.replace("100", "5"))


async def test_summary_is_escaped_on_the_page_and_in_the_fragment(client, db, world: Casework) -> None:
    w = world
    async with db() as s, s.begin():
        client_row = await s.get(Client, w.client_id)
        for i in range(26):  # more than one page, so the fragment is needed for the oldest
            await create_contact(
                s,
                client_row,
                w.kcc.id,
                dossier_id=w.dossier_id,
                occurred_at=BASE + timedelta(minutes=i),
                summary=f'<script>alert("{i}")</script>',
                subject="<b>vet</b>",
            )
    await login_as(client, w.cm)
    page = await client.get(f"/dossiers/{w.dossier_id}")
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#34;25&#34;)&lt;/script&gt;" in page.text
    assert "&lt;b&gt;vet&lt;/b&gt;" in page.text and "<b>vet</b>" not in page.text
    more = re.search(r'hx-get="(/dossiers/\d+/tijdlijn\?before=[^"]+)"', page.text)
    assert more, "page offers Meer laden"
    fragment = await client.get(more.group(1).replace("&amp;", "&"), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text  # just the entries
    assert "<script>alert" not in fragment.text
    assert "&lt;script&gt;alert(&#34;0&#34;)&lt;/script&gt;" in fragment.text


async def test_meer_laden_continues_where_the_page_stopped(client, db, world: Casework) -> None:
    w = world
    await add_contacts(db, w, 30)
    await login_as(client, w.am)
    page = await client.get(f"/dossiers/{w.dossier_id}")
    on_page = re.findall(r'id="contact-(\d+)"', page.text)
    # the 3 assignments (made today) are newer than the 30 contacts (early November): the page shows the newest
    # FIRST_PAGE entries (3 assignments + 3 contacts), "Meer laden" the next DEFAULT_LIMIT (25 contacts)
    assert len(re.findall(r'id="assignment-(\d+)"', page.text)) == 3
    assert len(on_page) == FIRST_PAGE - 3
    more = re.search(r'hx-get="([^"]+)"', page.text.split('id="tijdlijn-meer"')[1]).group(1).replace("&amp;", "&")
    fragment = await client.get(more, headers={"HX-Request": "true"})
    rest = re.findall(r'id="contact-(\d+)"', fragment.text)
    assert len(rest) == DEFAULT_LIMIT and not set(rest) & set(on_page)
    assert {int(i) for i in on_page + rest} == set(range(3, 31))
    later = re.search(r'hx-get="([^"]+)"', fragment.text.split('id="tijdlijn-meer"')[1]).group(1).replace("&amp;", "&")
    oldest = await client.get(later, headers={"HX-Request": "true"})
    assert set(re.findall(r'id="contact-(\d+)"', oldest.text)) == {"1", "2"}
    assert 'id="tijdlijn-meer"' not in oldest.text  # nothing older left
    # without JavaScript the same link opens a full page with the older entries
    full = await client.get(more)
    assert "<html" in full.text and set(re.findall(r'id="contact-(\d+)"', full.text)) == set(rest)


async def test_other_clients_contacts_stay_out(client, db, world: Casework) -> None:
    w = world
    async with db() as s, s.begin():
        other = await create_client(s, name="Iemand Anders")
        await create_contact(s, other, w.kcc.id, summary="Niet van dit dossier")
        mine = await s.get(Client, w.client_id)
        await create_contact(s, mine, w.kcc.id, summary="Los contact zonder dossier")
    entries = (await client.get(f"/api/v1/dossiers/{w.dossier_id}/timeline", headers=w.tokens["cm"])).json()
    assert not [e for e in entries if e["type"] == "contact"]
