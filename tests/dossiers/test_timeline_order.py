"""The timelines' order, ties and paging with every kind of entry at the same instants (issue 18: the page is found
by one UNION ALL of keys and only its kinds are read; nothing a reader sees may change by that).

The expected order is computed here from the tables themselves, newest first by ``(at, type, id)``, and the order
of the kinds within one instant is written out, so a change of the SQL order (a collation, a rank) fails here."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select

from casemgmt.casefile.timeline import DEFAULT_LIMIT
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.escalations.models import Escalation
from casemgmt.handoffs.models import Handoff
from tests.worlds.casework import Casework, login_as
from tests.worlds.every_kind import ENTRIES_PER_MOMENT, add_every_kind, tied_moments

pytestmark = pytest.mark.anyio

Key = tuple[datetime, str, int]

DOSSIER_KINDS_AT_ONE_INSTANT = [  # newest first within one instant: type descending, then id descending
    "handoff_decided",
    "handoff",
    "escalation_answered",
    "escalation",
    "contact",
    "commitment_closed",
    "commitment",
    "assignment",
]
CLIENT_KINDS_AT_ONE_INSTANT = [
    "escalation_asked",
    "escalation_answered",
    "contact",
    "commitment_made",
    "commitment_closed",
]


async def dossier_keys(db, dossier_id: int) -> list[Key]:  # type: ignore[no-untyped-def]
    """Every entry the dossier timeline should show, straight from the tables, newest first."""
    sources: list[tuple[str, Any, Any]] = [
        ("contact", Contact.occurred_at, Contact),
        ("assignment", DossierAssignment.since, DossierAssignment),
        ("commitment", Commitment.made_at, Commitment),
        ("commitment_closed", Commitment.closed_at, Commitment),
        ("handoff", Handoff.requested_at, Handoff),
        ("handoff_decided", Handoff.decided_at, Handoff),
        ("escalation", Escalation.asked_at, Escalation),
        ("escalation_answered", Escalation.answered_at, Escalation),
    ]
    keys: list[Key] = []
    async with db() as s:
        for kind, at, record in sources:
            rows = await s.execute(select(at, record.id).where(record.dossier_id == dossier_id, at.is_not(None)))
            keys += [(moment, kind, ident) for moment, ident in rows.all()]
    return sorted(keys, reverse=True)


async def client_keys(db, client_id: int) -> list[Key]:  # type: ignore[no-untyped-def]
    """Every entry the client timeline should show (this world's escalations all have a dossier of the client)."""
    sources: list[tuple[str, Any, Any]] = [
        ("contact", Contact.occurred_at, Contact),
        ("dossier_opened", Dossier.opened_at, Dossier),
        ("dossier_closed", Dossier.closed_at, Dossier),
        ("commitment_made", Commitment.made_at, Commitment),
        ("commitment_closed", Commitment.closed_at, Commitment),
    ]
    keys: list[Key] = []
    async with db() as s:
        for kind, at, record in sources:
            rows = await s.execute(select(at, record.id).where(record.client_id == client_id, at.is_not(None)))
            keys += [(moment, kind, ident) for moment, ident in rows.all()]
        dossiers = select(Dossier.id).where(Dossier.client_id == client_id)
        for kind, at in (("escalation_asked", Escalation.asked_at), ("escalation_answered", Escalation.answered_at)):
            rows = await s.execute(select(at, Escalation.id).where(Escalation.dossier_id.in_(dossiers)))
            keys += [(moment, kind, ident) for moment, ident in rows.all()]
    return sorted(keys, reverse=True)


def key(entry: dict[str, Any]) -> Key:
    """The position of an entry of either API (the client timeline names the moment ``occurred_at``)."""
    return (datetime.fromisoformat(entry.get("at") or entry["occurred_at"]), entry["type"], entry["id"])


async def dossier_pages(client, w: Casework, limit: int) -> list[list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    url, pages, before = f"/api/v1/dossiers/{w.dossier_id}/timeline?limit={limit}", [], ""
    while True:
        response = await client.get(url + (f"&before={quote(before)}" if before else ""), headers=w.tokens["cm"])
        assert response.status_code == 200, response.text
        pages.append(response.json())
        before = response.headers.get("x-next-before", "")
        if not before:
            return pages
        assert before == pages[-1][-1]["cursor"]


async def client_pages(client, w: Casework, limit: int) -> list[list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    url, pages, cursor = f"/api/v1/clients/{w.client_id}/timeline?limit={limit}", [], ""
    while True:
        response = await client.get(url + (f"&cursor={quote(cursor)}" if cursor else ""), headers=w.tokens["cm"])
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body["items"])
        cursor = body["next_cursor"] or ""
        if not cursor:
            return pages
        assert cursor == body["items"][-1]["cursor"]


async def test_every_kind_at_one_instant_sorts_by_type_then_id(client, db, world: Casework) -> None:
    w = world
    await add_every_kind(db, w, tied_moments(12, per_moment=2))  # 6 instants, each with two entries of every kind
    (everything,) = await dossier_pages(client, w, 100)
    assert len(everything) == 12 * ENTRIES_PER_MOMENT + 3  # and the world's three assignments
    assert [key(e) for e in everything] == await dossier_keys(db, w.dossier_id)
    newest = everything[: 2 * ENTRIES_PER_MOMENT]
    assert len({e["at"] for e in newest}) == 1
    assert [e["type"] for e in newest] == [kind for kind in DOSSIER_KINDS_AT_ONE_INSTANT for _ in range(2)]
    assert all(a["id"] > b["id"] for a, b in zip(newest[::2], newest[1::2], strict=True))

    (klantbeeld,) = await client_pages(client, w, 100)
    assert [key(e) for e in klantbeeld] == await client_keys(db, w.client_id)
    tied = [e for e in klantbeeld if e["occurred_at"] == newest[0]["at"]]
    assert [e["type"] for e in tied] == [kind for kind in CLIENT_KINDS_AT_ONE_INSTANT for _ in range(2)]


async def test_entries_carry_the_same_data_as_before(client, db, world: Casework) -> None:
    """One entry of each kind, whole: what the API showed before the timeline read was rewritten."""
    w = world
    await add_every_kind(db, w, tied_moments(2, per_moment=2))  # moment i=1 is the higher id of each kind
    (everything,) = await dossier_pages(client, w, 100)
    first = {}
    for entry in everything:
        first.setdefault(entry["type"], entry)
    at, cursor = "2026-11-02T09:00:00Z", "2026-11-02T09:00:00+00:00~{}~{}"
    cm, am, kcc = ({"id": p.id, "name": p.name} for p in (w.cm, w.am, w.kcc))
    handoff = {
        "from_service": "KCC", "to_service": "SZW", "from_employee": cm, "to_employee": am, "reason": "Reden 1",
        "context": "Context 1", "status": "accepted", "decision_reason": "Akkoord 1",
    }  # fmt: skip
    escalation = {
        "service": "SZW", "question": "Vraag 1?", "asked_by": kcc, "due_at": "2026-11-03T09:00:00Z",
        "status": "answered", "answer": "Antwoord 1", "answered_by": am, "within_norm": True, "reusable": False,
    }  # fmt: skip
    promise = {
        "kind": "callback",
        "description": "Terugbellen 1",
        "status": "fulfilled",
        "due_at": "2026-11-04T09:00:00Z",
    }
    expected: dict[str, dict[str, Any]] = {
        "handoff_decided": handoff,
        "handoff": handoff,
        "escalation_answered": escalation,
        "escalation": escalation,
        "contact": {
            "channel": "phone", "direction": "in", "service": "KCC", "employee": kcc, "outcome": "resolved",
            "transfers": 1, "summary": "Gesprek 001", "subject": "Onderwerp 1", "external_refs": [],
            "representative": None, "topic_name": None, "transfer_attempts": [], "articles": [],
        },
        "commitment_closed": {**promise, "kept_on_time": True, "note": "Gebeld 1", "closed_by": cm},
        "commitment": {**promise, "owner": cm, "made_by": kcc, "owner_service": None},
        "assignment": {
            "who": {"id": w.am_dso.id, "name": w.am_dso.name}, "role": "accountmanager", "service": "DSO",
            "since": at, "until": "2026-11-02T10:00:00Z", "reason": "Erbij 1", "assigned_by": cm,
            "end_reason": "Klaar",
        },
    }  # fmt: skip
    assert list(first)[: len(expected)] == list(expected)
    for kind, data in expected.items():
        entry = first[kind]
        assert entry == {"type": kind, "at": at, "id": entry["id"], **data, "cursor": cursor.format(kind, entry["id"])}
    refs = [e for e in everything if e["type"] == "contact" and e["external_refs"]]
    assert [e["external_refs"] for e in refs] == [["Z-0000"]]


@pytest.mark.parametrize("limit", [1, 5, 16, 17])
async def test_pages_cut_through_ties_without_gaps_or_duplicates(client, db, world: Casework, limit: int) -> None:
    """Limits that end pages inside one instant, between two entries of one kind and between kinds."""
    w = world
    await add_every_kind(db, w, tied_moments(6 if limit == 1 else 12, per_moment=2))
    (everything,) = await dossier_pages(client, w, 100)
    pages = await dossier_pages(client, w, limit)
    assert all(len(page) == limit for page in pages[:-1]) and 1 <= len(pages[-1]) <= limit
    assert [e for page in pages for e in page] == everything

    (klantbeeld,) = await client_pages(client, w, 100)
    client_paged = await client_pages(client, w, limit)
    assert [e for page in client_paged for e in page] == klantbeeld


async def test_a_bare_moment_and_a_foreign_type_in_the_cursor(client, db, world: Casework) -> None:
    """``before=<moment>`` is everything strictly older; a cursor naming a type no source has still cuts by the
    string order of the types (as before: ``(at, type, id)``)."""
    w = world
    await add_every_kind(db, w, tied_moments(4, per_moment=2))
    (everything,) = await dossier_pages(client, w, 100)
    moment = everything[0]["at"].replace("Z", "+00:00")
    url = f"/api/v1/dossiers/{w.dossier_id}/timeline?limit=100&before="
    older = (await client.get(url + quote(moment), headers=w.tokens["cm"])).json()
    assert older == [e for e in everything if e["at"] != everything[0]["at"]]
    cut = (await client.get(url + quote(f"{moment}~commitment_x~0"), headers=w.tokens["cm"])).json()
    assert [key(e) for e in cut] == [k for k in map(key, everything) if k < (key(everything[0])[0], "commitment_x", 0)]
    assert [e["type"] for e in cut[:4]] == ["commitment_closed", "commitment_closed", "commitment", "commitment"]


ENTRY_ID = re.compile(r'<li class="dossier-timeline__entry [^"]*" id="([a-z_]+)-(\d+)"')
MORE = re.compile(r'href="(/dossiers/\d+/tijdlijn\?before=[^"]+)"')


async def test_meer_laden_on_the_page_continues_through_a_tie(client, db, world: Casework) -> None:
    """The dossier page's first entries end inside an instant; "Meer laden" goes on with the next entry."""
    w = world
    await add_every_kind(db, w, tied_moments(6, per_moment=2))
    (everything,) = await dossier_pages(client, w, 100)
    ids = [(e["type"], str(e["id"])) for e in everything]
    await login_as(client, w.cm)
    page = (await client.get(f"/dossiers/{w.dossier_id}")).text
    shown = ENTRY_ID.findall(page)
    assert shown == ids[: len(shown)] and everything[len(shown)]["at"] == everything[len(shown) - 1]["at"]
    more = MORE.search(page)
    assert more is not None
    fragment = (await client.get(html.unescape(more.group(1)), headers={"HX-Request": "true"})).text
    assert ENTRY_ID.findall(fragment) == ids[len(shown) : len(shown) + DEFAULT_LIMIT]
