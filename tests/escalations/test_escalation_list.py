"""Escalaties as a list people can work (issue 15): filter by service, state and due moment, sort, page, count
per state, all in the URL; a value the list does not know shows the default (never an error page)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from casemgmt.directory.models import Service
from casemgmt.escalations.models import Escalation
from tests.worlds.promises import login_as

pytestmark = pytest.mark.anyio


async def arrange(db, world) -> dict[str, list[int]]:  # type: ignore[no-untyped-def]
    """30 escalations: 20 to SZW (8 overdue, 12 due in 3 days), 6 to DSO due in 10 days, 4 answered to SZW."""
    now = datetime.now(UTC)
    ids: dict[str, list[int]] = {"overdue": [], "soon": [], "later": [], "answered": []}
    async with db() as session, session.begin():
        code_id = {s.code: s.id for s in (await session.scalars(select(Service))).all()}

        def add(kind: str, code: str, due: timedelta, asked: timedelta, status: str = "open") -> Escalation:
            escalation = Escalation(
                service_id=code_id[code],
                question=f"Vraag {kind} {len(ids[kind]) + 1}",
                asked_by_id=world.kcc.id,
                asked_at=now - asked,
                due_at=now + due,
                status=status,
                answer="Zo." if status == "answered" else "",
                answered_at=now if status == "answered" else None,
            )
            session.add(escalation)
            return escalation

        made = []
        for i in range(8):
            made.append(("overdue", add("overdue", "SZW", timedelta(hours=-(i + 1)), timedelta(days=5, minutes=i))))
        for i in range(12):
            made.append(("soon", add("soon", "SZW", timedelta(days=3, minutes=i), timedelta(days=1, minutes=i))))
        for i in range(6):
            made.append(("later", add("later", "DSO", timedelta(days=10, minutes=i), timedelta(hours=i))))
        for i in range(4):
            made.append(
                ("answered", add("answered", "SZW", timedelta(days=-2), timedelta(days=9, minutes=i), "answered"))
            )
        await session.flush()
        for kind, escalation in made:
            ids[kind].append(escalation.id)
    return ids


def shown(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/escalaties/(\d+)"', html)]


def count(html: str, state: str) -> int:
    match = re.search(rf'data-state="{state}">(\d+)<', html)
    assert match, state
    return int(match.group(1))


async def test_filters_counts_and_paging_in_the_url(client, world, db) -> None:
    ids = await arrange(db, world)
    await login_as(client, world.kcc)
    first = await client.get("/escalaties")
    assert first.status_code == 200
    assert (count(first.text, "open"), count(first.text, "overdue"), count(first.text, "answered")) == (26, 8, 4)
    assert "Escalaties 1–25 van 30" in first.text
    # the default order: open first, soonest due first (so the overdue ones lead)
    assert shown(first.text)[:8] == list(reversed(ids["overdue"]))
    assert 'href="/escalaties?pagina=2"' in first.text
    second = await client.get("/escalaties?pagina=2")
    assert "Escalaties 26–30 van 30" in second.text and len(shown(second.text)) == 5
    assert set(shown(second.text)) >= set(ids["answered"][:1]) and "Vorige pagina" in second.text

    szw = await client.get("/escalaties?service=szw&state=open")
    assert set(shown(szw.text)) == set(ids["overdue"] + ids["soon"]) and "Escalaties 1–20 van 20" in szw.text
    # the counts follow the service filter, not the state filter
    assert (count(szw.text, "open"), count(szw.text, "answered")) == (20, 4)
    week = await client.get("/escalaties?due=week")
    assert set(shown(week.text)) == set(ids["overdue"] + ids["soon"])
    late = await client.get("/escalaties?due=overdue&sort=-asked_at")
    assert shown(late.text) == ids["overdue"]  # newest asked first
    answered = await client.get("/escalaties?state=answered")
    assert set(shown(answered.text)) == set(ids["answered"])
    oldest = await client.get("/escalaties?sort=asked_at&service=DSO")
    assert shown(oldest.text) == list(reversed(ids["later"]))
    # the form shows the chosen filter, and its links keep it
    assert '<option value="asked_at" selected>' in oldest.text and '<option value="DSO" selected>' in oldest.text
    assert 'href="/escalaties?service=DSO&amp;state=open&amp;sort=asked_at"' in oldest.text


async def test_the_htmx_fragment_is_only_the_list(client, world, db) -> None:
    await arrange(db, world)
    await login_as(client, world.kcc)
    fragment = await client.get("/escalaties?state=overdue", headers={"hx-request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "Escalaties 1–8 van 8" in fragment.text


@pytest.mark.parametrize(
    "query",
    [
        "state=kapot", "due=gisteren", "sort=question", "sort=;drop table", "pagina=-1", "pagina=abc",
        "pagina=99999999999999999999", "service=XYZ", "service=%00", "state=open&state=answered",
    ],
)  # fmt: skip
async def test_unknown_values_show_the_default(client, world, db, query) -> None:
    await arrange(db, world)
    await login_as(client, world.kcc)
    response = await client.get(f"/escalaties?{query}")
    assert response.status_code in (200, 422), response.text  # never a 500
    if query == "state=open&state=answered":  # a repeated parameter: one of the two, a list all the same
        assert re.search(r"Escalaties 1–\d+ van \d+", response.text)
    elif response.status_code == 200:  # the default list
        assert "Escalaties 1–25 van 30" in response.text
    else:  # a NUL character: the input guard's Dutch message
        assert "verwijder het" in response.text


async def test_a_page_beyond_the_last_shows_the_last(client, world, db) -> None:
    await arrange(db, world)
    await login_as(client, world.kcc)
    response = await client.get("/escalaties?pagina=40")
    assert response.status_code == 200 and "Escalaties 26–30 van 30" in response.text


async def test_accountmanagers_count_only_their_services(client, world, db) -> None:
    await arrange(db, world)
    await login_as(client, world.dso)
    page = await client.get("/escalaties")
    assert (count(page.text, "open"), count(page.text, "answered")) == (6, 0)
