"""Werkvoorraad panels "Voor mijn dienst", "Overdrachten" and "Mijn dossiers" as lists people can work (issue 15):
filtered by due moment, service and dossier status, sorted, paged (10 a page, each panel with its own page
parameter) and counted in SQL; every value is in the URL and in the panel's own refresh; nonsense shows the
default, never an error page; the number of queries does not grow with the lists."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from casemgmt.commitments.models import Commitment
from casemgmt.dossiers.models import Dossier
from tests.factories import create_client, create_dossier, service_id
from tests.worklists.test_worklist import counting_queries, fill_worklist, without_audit
from tests.worlds.promises import login_as

pytestmark = pytest.mark.anyio
HTMX = {"hx-request": "true"}


def section(html: str, panel: str) -> str:
    match = re.search(rf'<section[^>]*id="panel-{panel}".*?</section>', html, re.S)
    assert match, f"no panel {panel}"
    return match.group(0)


def counter(html: str, testid: str) -> int:
    match = re.search(rf'data-testid="{testid}">(\d+)<', html)
    assert match, testid
    return int(match.group(1))


def next_link(html: str) -> str | None:
    match = re.search(r'rel="next" data-testid="volgende" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


async def fill_team_queue(db, world, n_overdue: int, n_later: int) -> None:
    """Open promises of team SZW nobody picked up: ``n_overdue`` a day late, ``n_later`` due in five days."""
    now = datetime.now(UTC)
    async with db() as session, session.begin():
        szw = await service_id(session, "SZW")
        person = await create_client(session, name="Teamklant")
        for i in range(n_overdue + n_later):
            due = now - timedelta(days=1, minutes=i) if i < n_overdue else now + timedelta(days=5, minutes=i)
            session.add(
                Commitment(
                    client_id=person.id,
                    kind="callback",
                    description=f"Team {i}",
                    owner_id=None,
                    owner_service_id=szw,
                    service_id=szw,
                    made_by_id=world.kcc.id,
                    made_at=now - timedelta(days=3, minutes=i),
                    due_at=due,
                    status="open",
                )
            )


def team_rows(html: str) -> list[int]:
    return [int(n) for n in re.findall(r"“Team (\d+)”", section(html, "dienst"))]


async def test_voor_mijn_dienst_filters_sorts_pages_and_counts(client, db, world) -> None:
    await fill_team_queue(db, world, 7, 6)
    await login_as(client, world.szw)
    page = await client.get("/werkvoorraad")
    team = section(page.text, "dienst")
    assert counter(team, "aantal-dienst") == 13 and "Getoond: 1–10 van 13" in team
    assert team_rows(page.text) == [6, 5, 4, 3, 2, 1, 0, 7, 8, 9]  # soonest due first
    second_url = next_link(team)
    assert second_url == "/werkvoorraad?dienst_pagina=2"
    second = await client.get(second_url)
    assert team_rows(second.text) == [10, 11, 12] and "Getoond: 11–13 van 13" in section(second.text, "dienst")
    assert 'hx-get="/werkvoorraad/dienst?dienst_pagina=2"' in second.text  # the refresh stays on its page
    assert 'rel="prev"' in section(second.text, "dienst")

    overdue = await client.get("/werkvoorraad?due=overdue")
    assert counter(overdue.text, "aantal-dienst") == 7 and sorted(team_rows(overdue.text)) == list(range(7))
    latest = await client.get("/werkvoorraad?sort=-due_at")
    assert team_rows(latest.text)[:3] == [12, 11, 10]
    made = await client.get("/werkvoorraad?sort=made_at")
    assert team_rows(made.text)[:3] == [12, 11, 10]  # made longest ago first
    beyond = await client.get("/werkvoorraad?dienst_pagina=99")  # an old bookmark: the last page
    assert team_rows(beyond.text) == [10, 11, 12]
    fragment = await client.get("/werkvoorraad/dienst?dienst_pagina=2&due=overdue", headers=HTMX)
    assert "<html" not in fragment.text and counter(fragment.text, "aantal-dienst") == 7


async def test_overdrachten_filters_sorts_pages_and_counts(client, db, world) -> None:
    await fill_worklist(db, world, 12)  # 12 handoffs SZW -> DSO, addressed to the casemanager
    async with db() as session, session.begin():
        await session.execute(update(Commitment).values(status="fulfilled"))  # keep the page to the handoffs
    await login_as(client, world.cm)
    page = await client.get("/werkvoorraad")
    panel = section(page.text, "overdrachten")
    assert counter(panel, "aantal-overdrachten") == 12 and "Getoond: 1–10 van 12" in panel
    assert len(re.findall(r'class="ho-row ho-row--requested"', panel)) == 10
    second = await client.get(next_link(panel) or "")
    assert len(re.findall(r'class="ho-row ho-row--requested"', section(second.text, "overdrachten"))) == 2
    ocw = await client.get("/werkvoorraad?service=OCW")
    assert counter(ocw.text, "aantal-overdrachten") == 0 and "van of naar OCW" in ocw.text
    dso = await client.get("/werkvoorraad?service=DSO&handoff_sort=-requested_at")
    assert counter(dso.text, "aantal-overdrachten") == 12
    assert '<option value="-requested_at" selected>' in dso.text
    refs_oldest = re.findall(r"(D-\d{4}-\d{5})</a> ·", section(page.text, "overdrachten"))
    refs_newest = re.findall(r"(D-\d{4}-\d{5})</a> ·", section(dso.text, "overdrachten"))
    assert refs_oldest and refs_newest and refs_oldest[0] != refs_newest[0]


async def test_mijn_dossiers_filters_sorts_pages_and_counts(client, db, world) -> None:
    await fill_worklist(db, world, 14)  # with Jan's dossier: 15 open dossiers of the casemanager
    async with db() as session, session.begin():
        await session.execute(update(Dossier).values(status="in_progress"))
        other = await create_client(session, name="Zonder Szw")
        await create_dossier(session, other, world.cm.id, {"DSO": world.dso.id}, status="waiting")
    await login_as(client, world.cm)
    page = await client.get("/werkvoorraad")
    panel = section(page.text, "dossiers")
    assert counter(panel, "aantal-dossiers") == 16 and "Getoond: 1–10 van 16" in panel
    assert len(re.findall(r'data-label="Dossier"', panel)) == 10
    second = await client.get(next_link(panel) or "")
    assert len(re.findall(r'data-label="Dossier"', section(second.text, "dossiers"))) == 6

    waiting = await client.get("/werkvoorraad?status=waiting")
    assert counter(waiting.text, "aantal-dossiers") == 1 and "Zonder Szw" in section(waiting.text, "dossiers")
    with_dso = await client.get("/werkvoorraad?service=DSO&status=waiting")
    assert counter(with_dso.text, "aantal-dossiers") == 1
    szw_only = await client.get("/werkvoorraad?service=SZW&dossier_sort=client")
    names = re.findall(r'data-label="Klant">([^<]+)<', section(szw_only.text, "dossiers"))
    assert counter(szw_only.text, "aantal-dossiers") == 15 and names == sorted(names)
    assert "Zonder Szw" not in szw_only.text
    # the pager keeps the filter, and the fragment answers the same
    url = next_link(section(szw_only.text, "dossiers")) or ""
    assert "service=SZW" in url and "dossier_sort=client" in url and "dossiers_pagina=2" in url
    fragment = await client.get(url.replace("/werkvoorraad?", "/werkvoorraad/dossiers?"), headers=HTMX)
    assert "<html" not in fragment.text and len(re.findall(r'data-label="Dossier"', fragment.text)) == 5


@pytest.mark.parametrize(
    "query",
    [
        "status=closed",
        "status=kapot",
        "dossier_sort=random",
        "handoff_sort=x",
        "dossiers_pagina=-1",
        "dienst_pagina=abc",
        "overdrachten_pagina=" + "9" * 40,
    ],
)
async def test_unknown_panel_values_show_the_default(client, db, world, query) -> None:
    await fill_worklist(db, world, 11)
    await login_as(client, world.cm)
    response = await client.get(f"/werkvoorraad?{query}")
    assert response.status_code == 200, response.text
    assert counter(response.text, "aantal-dossiers") == 12 and counter(response.text, "aantal-overdrachten") == 11
    panel = await client.get(f"/werkvoorraad/dossiers?{query}", headers=HTMX)
    assert panel.status_code == 200 and counter(panel.text, "aantal-dossiers") == 12


@pytest.mark.parametrize("who", ["cm", "szw"])
async def test_the_paged_panels_issue_the_same_number_of_queries_for_12_and_40(client, app, db, world, who) -> None:
    await fill_worklist(db, world, 12)
    await fill_team_queue(db, world, 6, 6)
    await login_as(client, world.person(who))
    with counting_queries(app) as small:
        assert (await client.get("/werkvoorraad?dossiers_pagina=2&dienst_pagina=2")).status_code == 200
    await fill_worklist(db, world, 28)
    await fill_team_queue(db, world, 14, 14)
    with counting_queries(app) as large:
        assert (await client.get("/werkvoorraad?dossiers_pagina=2&dienst_pagina=2")).status_code == 200
    assert without_audit(large) == without_audit(small)
