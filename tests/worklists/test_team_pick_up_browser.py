"""In real Chromium (issue 13): an SZW accountmanager sees the KCC's callback to team SZW under "Voor mijn dienst",
picks it up in place, and it moves to their own promises; then reschedules it in place with a reason."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.worlds.personas import PASSWORD
from tests.worlds.promises import in_days, make_commitment

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


async def test_an_szw_accountmanager_picks_up_the_team_callback(page, client, world) -> None:
    made = await make_commitment(
        client,
        world,
        by="kcc",
        dossier_id=None,
        owner_id=None,
        owner_service="SZW",
        description="Iemand van SZW belt u terug over de stopgezette uitkering.",
        due_at=in_days(1),
    )
    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(world.szw.email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url("**/werkvoorraad")

    team = page.get_by_test_id("voor-mijn-dienst")
    row = team.locator(f"#toezegging-{made['id']}")
    await expect(row).to_contain_text("team SZW, nog niet opgepakt")
    await expect(page.get_by_test_id("aantal-dienst")).to_have_text("1")
    await page.evaluate("window.__marker = 1")
    await row.get_by_role("button", name="Oppakken").click()

    mine = page.locator("#panel-toezeggingen")
    await expect(mine.locator(f"#toezegging-{made['id']}")).to_contain_text("eigenaar Sanne Szw")
    await expect(page.get_by_test_id("aantal-dienst")).to_have_text("0")
    await expect(page.locator("#panel-dienst")).to_contain_text("Er wacht niets op uw dienst.")

    # Verzetten opens in place; a missing reason is refused next to the field
    own = mine.locator(f"#toezegging-{made['id']}")
    await own.get_by_role("link", name="Verzetten").click()
    await own.get_by_label("Nieuw moment").fill(in_days(3)[:16])
    await own.get_by_role("button", name="Verzetten").click()
    await expect(own.get_by_text("Geef de reden waarom de toezegging wordt verzet.")).to_be_visible()
    await own.get_by_label("Reden voor verzetten").fill("Klant is tot donderdag weg")
    await own.get_by_role("button", name="Verzetten").click()
    await expect(mine.locator(f"#toezegging-{made['id']}")).to_contain_text("verzet, eerst")
    assert await page.evaluate("window.__marker") == 1  # no full page load
    assert not [e for e in page.console_errors if "Content Security Policy" in e]

    body = (await client.get("/api/v1/worklist", headers=world.token("szw"))).json()
    assert [c["id"] for c in body["commitments"]] == [made["id"]] and body["team_commitments"] == []
