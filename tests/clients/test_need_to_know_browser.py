"""In real Chromium: a casemanager on none of the client's dossiers finds the client, gets the limited view in place,
states a reason and then sees the full record; the KCC sees it in full at once."""

from __future__ import annotations

import os

import pytest

from tests.factories import create_client, create_dossier
from tests.worlds.personas import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.browser]
SHOTS = os.environ.get("CASEMGMT_SCREENSHOTS")  # a folder: save what the test saw, at 1366 and 375 pixels wide


async def log_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url(lambda url: "/login" not in url)


async def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if not SHOTS:
        return
    for width in (1366, 375):
        await page.set_viewport_size({"width": width, "height": 900})
        await page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    await page.set_viewport_size({"width": 1366, "height": 900})


async def test_limited_view_then_the_full_record_with_a_reason(page, db, make_user) -> None:
    cm = await make_user("casemanager", name="Carla Mulder", phone="070 353 1001")
    async with db() as session, session.begin():
        person = await create_client(session, "Henk van der Wiel", address="Spui 70, Den Haag")
        await create_dossier(session, person, cm.id, subject="Schulden en WMO")
    other = await make_user("casemanager", name="Olga Ander")
    agent = await make_user("kcc_agent", services=["KCC"], name="Kim Agent")

    await log_in(page, other.email)
    await page.goto("/klanten")
    await page.get_by_role("heading", level=1, name="Klant zoeken").wait_for()
    await page.get_by_label("BSN, KvK-nummer, naam, dossiernummer of kenmerk").press_sequentially(
        "van der wi", delay=30
    )
    result = page.locator("#zoekresultaten").get_by_role("link", name="Henk van der Wiel")
    await result.wait_for(timeout=5000)
    assert "Spui 70" not in await page.locator("#zoekresultaten").inner_text()
    await result.click()
    routing = page.locator("#routering")
    await routing.get_by_role("heading", name="Wie helpt deze klant?").wait_for(timeout=5000)
    text = await routing.inner_text()
    assert "Henk van der Wiel" in text and "Spui 70" not in text and "Carla Mulder" not in text
    assert "Lopende dossiers" in text and "Schulden en WMO" not in text
    await shoot(page, "beperkt")

    reason = routing.get_by_label("Reden voor inzage (doelbinding)")
    await reason.fill("te kort")
    await routing.get_by_role("button", name="Gegevens inzien").click()
    await page.get_by_text("ten minste 10 tekens").wait_for(timeout=5000)
    await shoot(page, "beperkt-fout")
    await page.get_by_label("Reden voor inzage (doelbinding)").fill("Klant belt over zijn aanvraag schuldhulp")
    await page.get_by_role("button", name="Gegevens inzien").click()
    await page.get_by_text("Uw reden is vastgelegd").wait_for(timeout=5000)
    full = await page.inner_text("body")
    assert "Spui 70" in full and "Carla Mulder" in full and "Schulden en WMO" in full
    await shoot(page, "met-reden")
    # the only console lines: the refused reason (422) and a missing favicon, no script or CSP error
    assert not [e for e in page.console_errors if "Failed to load resource" not in e]  # type: ignore[attr-defined]

    await page.context.clear_cookies()
    await log_in(page, agent.email)
    await page.goto(f"/klanten/{person.id}")
    body = await page.inner_text("body")
    assert "Spui 70" in body and "Carla Mulder" in body and "Gegevens inzien" not in body
    await shoot(page, "kcc")
