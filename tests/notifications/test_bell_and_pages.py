"""The bell in the header of every page (readable without JavaScript, refreshed by htmx), Meldingen (unread first,
mark one or all read with CSRF and a submission key, then back to the list), the settings page, and the demo story
of issue 14 through the pages: the KCC escalates to SZW, the SZW accountmanager's bell shows 1; after the answer the
agent's bell shows it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from casemgmt.notifications.models import NotificationPreference
from tests.notifications.helpers import notifications
from tests.worlds.personas import csrf_from
from tests.worlds.promises import World, login_as, make_commitment

pytestmark = pytest.mark.anyio

HTMX = {"HX-Request": "true"}
_KEY = re.compile(r'name="_submission_key" value="([^"]+)"')
_BELL = re.compile(r'<a id="meldingen-bel"[^>]*>.*?</a>', re.S)


def form_fields(html: str) -> dict[str, str]:
    key = _KEY.search(html)
    assert key, "the page has no submission key"
    return {"_csrf_token": csrf_from(html), "_submission_key": key.group(1)}


def bell(html: str) -> str:
    found = _BELL.search(html)
    assert found, "no bell in the page"
    return re.sub(r"<[^>]+>", "", found.group(0)).strip()


async def test_the_bell_counts_unread_on_every_page(client, db, world: World) -> None:
    await login_as(client, world.cm)
    assert bell((await client.get("/start")).text) == "Meldingen"
    await make_commitment(client, world, by="dso", owner_id=world.cm.id)
    await make_commitment(client, world, by="szw", owner_id=world.cm.id)
    for page in ("/start", "/werkvoorraad", "/dossiers", f"/dossiers/{world.dossier_id}", "/meldingen/instellingen"):
        response = await client.get(page)
        assert response.status_code == 200, page
        assert bell(response.text) == "Meldingen (2)", page
    html = (await client.get("/start")).text
    assert 'href="/meldingen"' in html and 'hx-get="/meldingen/teller"' in html and "every 60s" in html
    fragment = await client.get("/meldingen/teller", headers=HTMX)
    assert fragment.status_code == 200 and bell(fragment.text) == "Meldingen (2)"
    assert "<html" not in fragment.text
    # another employee's bell counts theirs only
    await login_as(client, world.dso)
    assert bell((await client.get("/start")).text) == "Meldingen"


async def test_meldingen_unread_first_and_marked_read(client, db, world: World) -> None:
    await make_commitment(client, world, by="dso", owner_id=world.cm.id)
    await make_commitment(client, world, by="szw", owner_id=world.cm.id)
    first, second = await notifications(db)
    await login_as(client, world.cm)
    page = await client.get("/meldingen")
    assert page.status_code == 200 and "2 ongelezen" in page.text
    assert page.text.count('data-testid="melding"') == 2
    assert f'href="/dossiers/{world.dossier_id}"' in page.text  # the link to the object
    assert world.dossier_ref in page.text and "Jan de Vries" not in page.text
    marked = await client.post(f"/meldingen/{first.id}/gelezen", data=form_fields(page.text), follow_redirects=False)
    assert marked.status_code == 303 and marked.headers["location"] == "/meldingen"
    page = await client.get("/meldingen")
    assert "1 ongelezen" in page.text and bell(page.text) == "Meldingen (1)"
    # the unread one is listed first
    assert page.text.index(f"/meldingen/{second.id}/gelezen") < page.text.index('nt-item"')
    # another's notification: 404, unchanged
    await login_as(client, world.dso)
    other = await client.get("/meldingen")
    refused = await client.post(f"/meldingen/{second.id}/gelezen", data=form_fields(other.text))
    assert refused.status_code == 404
    assert (await notifications(db))[1].read_at is None
    await login_as(client, world.cm)
    page = await client.get("/meldingen")
    all_read = await client.post("/meldingen/alles-gelezen", data=form_fields(page.text), follow_redirects=False)
    assert all_read.status_code == 303
    page = await client.get("/meldingen")
    assert "0 ongelezen" in page.text and bell(page.text) == "Meldingen"
    assert all(n.read_at is not None for n in await notifications(db))


async def test_a_form_without_the_csrf_token_is_refused(client, db, world: World) -> None:
    await make_commitment(client, world, by="dso", owner_id=world.cm.id)
    (n,) = await notifications(db)
    await login_as(client, world.cm)
    response = await client.post(f"/meldingen/{n.id}/gelezen", data={})
    assert response.status_code == 403
    assert (await notifications(db))[0].read_at is None


async def test_the_settings_page(client, db, world: World) -> None:
    await login_as(client, world.szw)
    page = await client.get("/meldingen/instellingen")
    assert page.status_code == 200
    assert "Direct per e-mail (standaard)" in page.text and "In het dagelijkse overzicht" in page.text
    # the overdue kinds offer no "Uit"
    overdue = re.search(r'<select id="nt-commitment_overdue".*?</select>', page.text, re.S)
    assert overdue and 'value="off"' not in overdue.group(0)
    saved = await client.post(
        "/meldingen/instellingen",
        data={**form_fields(page.text), "dossier_contact": "off", "escalation_assigned": "digest"},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/meldingen/instellingen"
    page = await client.get("/meldingen/instellingen")
    assert "Uw instellingen voor meldingen zijn opgeslagen." in page.text
    chosen = re.search(r'<select id="nt-dossier_contact".*?</select>', page.text, re.S)
    assert chosen and 'value="off" selected' in chosen.group(0)
    refused = await client.post(
        "/meldingen/instellingen",
        data={**form_fields(page.text), "escalation_overdue": "off", "handoff_accepted": "email"},
    )
    assert refused.status_code == 422
    assert "kunnen niet uit" in refused.text
    async with db() as session:
        stored = dict(
            (await session.execute(select(NotificationPreference.kind, NotificationPreference.delivery))).tuples().all()
        )
        assert stored == {"dossier_contact": "off", "escalation_assigned": "digest"}  # the refused form wrote nothing
        assert await session.scalar(select(func.count()).select_from(NotificationPreference)) == 2


async def test_the_demo_story_escalation_and_answer(client, db, world: World) -> None:
    """Issue 14's story: a KCC agent escalates to SZW on the pages; the SZW accountmanager's bell shows 1 at once;
    she answers; the agent's bell shows the answer."""
    await login_as(client, world.kcc)
    form = await client.get("/escalaties/nieuw")
    asked = await client.post(
        "/escalaties",
        data={**form_fields(form.text), "service": "SZW", "question": "Waarom is de bijstand niet betaald?"},
        follow_redirects=False,
    )
    assert asked.status_code == 303, asked.text
    escalation_path = asked.headers["location"]
    await login_as(client, world.szw)
    start = await client.get("/start")
    assert bell(start.text) == "Meldingen (1)"
    listed = await client.get("/meldingen")
    assert "Escalatie voor u of uw dienst" in listed.text and f'href="{escalation_path}"' in listed.text
    detail = await client.get(escalation_path)
    answered = await client.post(
        f"{escalation_path}/antwoord",
        data={**form_fields(detail.text), "answer": "De betaling staat voor vrijdag gepland."},
        follow_redirects=False,
    )
    assert answered.status_code == 303, answered.text
    await login_as(client, world.kcc)
    start = await client.get("/start")
    assert bell(start.text) == "Meldingen (1)"
    listed = await client.get("/meldingen")
    assert "Uw escalatie is beantwoord." in listed.text
