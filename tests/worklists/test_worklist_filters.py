"""Werkvoorraad as lists people can work (issue 15): Mijn toezeggingen and Escalaties filtered by due moment and
service, sorted, paged (10 at a time, keyset) and counted in SQL; the filter is in the URL and in the panels'
refresh; unknown values show the default, never an error page."""

from __future__ import annotations

import re

import pytest

from tests.worklists.test_worklist import fill_worklist
from tests.worlds.promises import login_as

pytestmark = pytest.mark.anyio


def rows(html: str, testid: str) -> list[str]:
    if f'data-testid="{testid}"' not in html:
        return []
    block = html.split(f'data-testid="{testid}"')[1].split("</ul>")[0]
    return re.findall(r"Bel (\d+)", block)


async def test_my_commitments_filter_sort_page_and_count(client, db, world) -> None:
    await fill_worklist(db, world, 15)  # 15 overdue and 15 due in two days, all with SZW
    await login_as(client, world.cm)
    page = await client.get("/werkvoorraad")
    assert page.status_code == 200
    assert 'data-testid="aantal-open">30<' in page.text and '<span data-count="overdue">15</span>' in page.text
    assert len(rows(page.text, "te-laat")) == 10 and not rows(page.text, "binnenkort")  # overdue first, 10 a page
    nxt = re.search(r'data-testid="volgende" href="([^"]+)"', page.text)
    assert nxt and nxt.group(1).startswith("/werkvoorraad?na=")
    second = await client.get(nxt.group(1).replace("&amp;", "&"))
    assert len(rows(second.text, "te-laat")) == 5 and len(rows(second.text, "binnenkort")) == 5
    assert "Eerste toezeggingen" in second.text
    # the panel's own refresh keeps the filter and the page it is on
    assert re.search(r'hx-get="/werkvoorraad/toezeggingen\?na=[^"]+"', second.text)

    overdue = await client.get("/werkvoorraad?due=overdue")
    assert len(rows(overdue.text, "te-laat")) == 10 and not rows(overdue.text, "binnenkort")
    assert 'hx-get="/werkvoorraad/toezeggingen?due=overdue"' in overdue.text
    latest = await client.get("/werkvoorraad?sort=-due_at&due=week")
    assert len(rows(latest.text, "binnenkort")) == 10 and not rows(latest.text, "te-laat")
    assert '<option value="-due_at" selected>' in latest.text and '<option value="week" selected>' in latest.text
    other = await client.get("/werkvoorraad?service=DSO")
    assert not rows(other.text, "te-laat") and "Geen openstaande toezeggingen" in other.text
    panel = await client.get("/werkvoorraad/toezeggingen?due=overdue", headers={"hx-request": "true"})
    assert "<html" not in panel.text and len(rows(panel.text, "te-laat")) == 10


async def test_the_escalations_panel_counts_all_and_shows_ten(client, db, world) -> None:
    await fill_worklist(db, world, 15)
    await login_as(client, world.szw)
    page = await client.get("/werkvoorraad")
    assert 'data-testid="aantal-escalaties">15<' in page.text
    assert "De eerste 10 van 15" in page.text and 'href="/escalaties?state=open"' in page.text
    dso = await client.get("/werkvoorraad?service=DSO")  # not one of Sanne's services: all of hers
    assert 'data-testid="aantal-escalaties">15<' in dso.text


@pytest.mark.parametrize(
    "query",
    ["due=morgen", "sort=random", "service=XYZ", "na=kapot", "na=2026-01-01T00:00:00~abc", "na=" + "x" * 500],
)
async def test_unknown_values_show_the_default(client, db, world, query) -> None:
    await fill_worklist(db, world, 12)
    await login_as(client, world.cm)
    response = await client.get(f"/werkvoorraad?{query}")
    assert response.status_code == 200, response.text
    assert len(rows(response.text, "te-laat")) == 10 and 'data-testid="aantal-open">24<' in response.text
