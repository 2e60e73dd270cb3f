"""Mijn dossiers as a list people can work (issue 15): filter by status and service, five orders, pages of 25
with counts (SQL), all in the URL and through htmx; unknown values show the default, never an error page; only the
clients shown are audited."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from casemgmt.audit.models import AuditEvent
from casemgmt.clients.models import Client
from casemgmt.dossiers.models import Dossier
from tests.factories import create_client, create_dossier
from tests.worlds.casework import Casework, login_as

pytestmark = pytest.mark.anyio


async def arrange(db, w: Casework) -> list[str]:  # type: ignore[no-untyped-def]
    """30 more dossiers of Carla: 18 in progress (12 with SZW's accountmanager), 12 waiting; opened a day apart."""
    refs = []
    async with db() as s, s.begin():
        now = datetime.now(UTC)
        for i in range(30):
            klant = await create_client(s, f"Klant {chr(65 + i % 26)}{i:02d}")
            status = "in_progress" if i < 18 else "waiting"
            dossier = await create_dossier(
                s, klant, w.cm.id, {"SZW": w.am.id} if i < 12 else None, subject=f"Onderwerp {i:02d}", status=status
            )
            await s.execute(update(Dossier).where(Dossier.id == dossier.id).values(opened_at=now - timedelta(days=i)))
            refs.append(dossier.ref)
    return refs


def refs_shown(html: str, testid: str) -> list[str]:
    table = html.split(f'data-testid="{testid}"')[1].split("</table>")[0]
    return re.findall(r">(D-\d{4}-\d{5})<", table)


async def test_caseload_sorts_filters_and_pages(client, db, world: Casework) -> None:
    refs = await arrange(db, world)
    await login_as(client, world.cm)
    first = await client.get("/dossiers")
    assert first.status_code == 200
    assert "Dossiers 1–25 van 31" in first.text  # the world's own dossier and the 30
    newest = refs_shown(first.text, "caseload")
    assert len(newest) == 25 and [ref for ref in newest if ref in refs][:3] == refs[:3]  # newest first by default
    assert 'href="/dossiers?pagina=2"' in first.text
    second = await client.get("/dossiers?pagina=2")
    assert "Dossiers 26–31 van 31" in second.text and len(refs_shown(second.text, "caseload")) == 6

    oldest = await client.get("/dossiers?sort=opened_at&status=waiting")
    assert refs_shown(oldest.text, "caseload") == list(reversed(refs[18:]))
    assert "Dossiers 1–12 van 12" in oldest.text
    assert '<option value="opened_at" selected>' in oldest.text and '<option value="waiting" selected>' in oldest.text
    by_ref = await client.get("/dossiers?sort=ref&service=szw")
    szw = refs_shown(by_ref.text, "caseload")
    assert szw == sorted(szw) and set(refs[:12]) < set(szw) and len(szw) == 13  # with the world's own dossier
    by_client = await client.get("/dossiers?sort=client&status=in_progress")
    names = re.findall(r"<td class=\"utrecht-table__cell\"[^>]*>(Klant [A-Z]\d\d)</td>", by_client.text)
    assert names == sorted(names) and len(names) == 18
    # the counts per status stay those of the whole caseload, and link with the rest of the filter kept
    counted = dict(re.findall(r'data-status="(\w+)">(\d+)<', first.text))
    assert int(counted["in_progress"]) >= 18 and int(counted["waiting"]) == 12
    assert sum(int(n) for n in counted.values()) == 31
    assert 'href="/dossiers?status=waiting&amp;sort=ref"' in by_ref.text.replace("service=SZW&amp;", "")


async def test_only_the_clients_shown_are_audited(client, db, world: Casework) -> None:
    await arrange(db, world)
    await login_as(client, world.cm)
    await client.get("/dossiers?status=waiting&pagina=1")
    async with db() as s:
        events = (await s.scalars(select(AuditEvent).where(AuditEvent.object_type == "dossier_list"))).all()
        waiting = set(
            (await s.scalars(select(Client.pseudonym).join(Dossier).where(Dossier.status == "waiting"))).all()
        )
    assert {e.client_pseudonym for e in events} == waiting and len(events) == 12


async def test_htmx_gets_only_the_lists(client, db, world: Casework) -> None:
    await arrange(db, world)
    await login_as(client, world.cm)
    fragment = await client.get("/dossiers?status=waiting", headers={"hx-request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text and "<form" not in fragment.text
    assert "Dossiers 1–12 van 12" in fragment.text


async def test_accountmanager_and_admin_lists_page_and_count(client, db, world: Casework) -> None:
    await arrange(db, world)
    await login_as(client, world.am)
    page = await client.get("/dossiers?sort=ref")
    assert "Dossiers 1–13 van 13" in page.text  # the world's dossier and 12 of the 30
    await login_as(client, world.admin)
    everything = await client.get(f"/dossiers?casemanager_id={world.cm.id}&status=waiting")
    assert "Dossiers 1–12 van 12" in everything.text
    paged = await client.get("/dossiers?pagina=2")
    assert re.search(r"Dossiers 26–\d+ van \d+", paged.text)


@pytest.mark.parametrize(
    "query",
    [
        "status=weg", "sort=subject", "sort=-ref", "pagina=0", "pagina=-2", "pagina=abc", "pagina=1e9",
        "pagina=99999999999999999999999", "service=NIETS", "casemanager_id=abc", "casemanager_id=-1",
    ],
)  # fmt: skip
async def test_unknown_values_show_the_default(client, db, world: Casework, query) -> None:
    await arrange(db, world)
    await login_as(client, world.cm)
    response = await client.get(f"/dossiers?{query}")
    assert response.status_code == 200, response.text
    assert "Dossiers 1–25 van 31" in response.text


async def test_a_page_beyond_the_last_shows_the_last(client, db, world: Casework) -> None:
    await arrange(db, world)
    await login_as(client, world.cm)
    response = await client.get("/dossiers?pagina=7")
    assert "Dossiers 26–31 van 31" in response.text
