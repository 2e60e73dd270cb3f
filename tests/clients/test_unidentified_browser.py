"""In real Chromium (issue 12): the KCC registers a caller who gives no BSN from the contact form, later identifies
them with a BSN that another client already has, confirms the merge, and lands on that client with the history."""

from __future__ import annotations

import os
import re

import pytest

from casemgmt.clients.models import Client
from tests.factories import create_client, create_contact
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


async def test_register_without_bsn_then_identify_and_merge(page, db, make_user) -> None:
    agent = await make_user("kcc_agent", services=["KCC"], name="Kim Agent")
    async with db() as session, session.begin():
        fatima = await create_client(session, "Fatima El Amrani", bsn="111222333", address="Spui 70, Den Haag")

    await log_in(page, agent.email)
    await page.goto("/contacten/nieuw")
    await page.get_by_role("link", name="Niet-geïdentificeerde klant vastleggen").click()
    await page.get_by_role("heading", level=1, name="Nieuwe klant vastleggen").wait_for()
    assert await page.get_by_label("Niet geïdentificeerd").is_checked()
    await page.get_by_label("Naam").fill("Mevrouw met de parkeervraag")
    await page.get_by_role("button", name="Klant vastleggen").click()
    await page.get_by_text("Geef een telefoonnummer of e-mailadres op").first.wait_for(timeout=5000)
    await page.get_by_label("Telefoon (optioneel)").fill("06 4321 8765")
    await page.get_by_role("button", name="Klant vastleggen").click()
    await page.wait_for_url(re.compile(r"/klanten/\d+$"))
    await page.get_by_text("Niet geïdentificeerd", exact=True).first.wait_for()
    client_id = int(page.url.rsplit("/", 1)[1])
    async with db() as session, session.begin():
        neighbour = await session.get(Client, client_id)
        await create_contact(session, neighbour, agent.id, summary="Vraagt naar de parkeervergunning voor de buurt.")
    await page.reload()
    await shoot(page, "niet-geidentificeerd")

    identify = page.locator("form.client-identify")
    await identify.get_by_label("BSN").fill("111 222 333")
    await identify.get_by_role("button", name="Identificeren").click()
    question = page.get_by_role("heading", level=1, name="Samenvoegen met Fatima El Amrani (BSN eindigt op 333)?")
    await question.wait_for(timeout=5000)
    side_by_side = await page.locator(".client-merge").inner_text()
    assert "Mevrouw met de parkeervraag" in side_by_side and "Spui 70, Den Haag" in side_by_side
    await shoot(page, "samenvoegen-bevestigen")

    await page.get_by_role("button", name="Ja, samenvoegen met Fatima El Amrani").click()
    await page.wait_for_url(f"**/klanten/{fatima.id}")
    await page.get_by_text("is samengevoegd met Fatima El Amrani").wait_for(timeout=5000)
    assert (
        "Vraagt naar de parkeervergunning voor de buurt."
        in await page.locator("[data-testid=klant-tijdlijn]").inner_text()
    )

    await page.goto(f"/klanten/{client_id}")
    merged = page.get_by_test_id("samengevoegd")
    await merged.wait_for()
    await merged.get_by_role("link", name="Fatima El Amrani").click()
    await page.wait_for_url(f"**/klanten/{fatima.id}")
    assert not [e for e in page.console_errors if "Content Security Policy" in e]  # type: ignore[attr-defined]
