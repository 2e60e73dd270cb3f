"""In real Chromium: the KCC opens a client's klantbeeld, reads the timeline (contacts without a dossier too) and the
closed dossier with its outcome, and loads older entries with "Meer laden" (htmx), at 1366 and 375 pixels wide."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.clients.test_need_to_know_browser import log_in, shoot
from tests.factories import create_client, create_contact, create_dossier

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


async def test_kcc_reads_the_timeline_and_loads_more(page, db, make_user) -> None:
    cm = await make_user("casemanager", name="Orlando Martina")
    agent = await make_user("kcc_agent", services=["KCC"], name="Yasmina Bouzid")
    start = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    async with db() as session, session.begin():
        person = await create_client(session, "Michael de Graaf")
        dossier = await create_dossier(session, person, cm.id, subject="Paspoort vanuit het buitenland")
        dossier.opened_at, dossier.status, dossier.outcome = start, "closed", "resolved"
        dossier.closed_at = start + timedelta(days=1)
        for n in range(30):  # contacts without a dossier, one an hour after the dossier closed
            moment = start + timedelta(days=2, hours=n)
            await create_contact(session, person, agent.id, occurred_at=moment, summary=f"Losse vraag {n}")

    await log_in(page, agent.email)
    await page.goto(f"/klanten/{person.id}")
    timeline = page.get_by_test_id("klant-tijdlijn")
    await timeline.wait_for()
    items = timeline.get_by_test_id("tijdlijn-item")
    assert await items.count() == 25
    assert "Losse vraag 29" in await items.first.inner_text()
    assert "zonder dossier" in await items.first.inner_text()
    closed = await page.get_by_test_id("gesloten-dossiers").inner_text()
    assert "Paspoort vanuit het buitenland" in closed and "Opgelost" in closed
    assert await page.evaluate("document.documentElement.scrollWidth") <= 1366
    await shoot(page, "klantbeeld")

    await page.get_by_role("link", name="Meer laden").click()
    await page.get_by_text("Dossier geopend").wait_for(timeout=5000)
    assert await items.count() == 32  # 30 contacts, the dossier opened and closed
    assert await page.get_by_role("link", name="Meer laden").count() == 0
    assert page.url.endswith(f"/klanten/{person.id}")  # loaded in place
    await page.set_viewport_size({"width": 375, "height": 900})
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    await shoot(page, "klantbeeld-alles")
    assert not [e for e in page.console_errors if "Failed to load resource" not in e]  # type: ignore[attr-defined]
