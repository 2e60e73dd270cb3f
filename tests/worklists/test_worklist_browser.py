"""In real Chromium: fulfilling an overdue commitment on the worklist takes it out of the "Te laat" panel in place,
without a full page load."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.worlds.personas import PASSWORD
from tests.worlds.promises import make_commitment, make_overdue

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


async def test_fulfilling_an_overdue_commitment_removes_it_from_the_overdue_panel(page, client, world, db) -> None:
    first = await make_commitment(client, world, description="Ik bel u maandag terug over de parkeerplaats.")
    second = await make_commitment(client, world, description="Ik bel u deze week nog terug.")
    await make_overdue(db, first["id"], hours=48)
    await make_overdue(db, second["id"], hours=24)

    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(world.dso.email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url("**/werkvoorraad")  # the start page of accountmanagers

    overdue = page.get_by_test_id("te-laat")
    count = page.get_by_test_id("aantal-te-laat")
    await expect(count).to_have_text("2")
    await expect(overdue.locator("li.cm-row")).to_have_count(2)
    await page.evaluate("window.__marker = 1")

    row = page.locator(f"#toezegging-{first['id']}")
    await row.get_by_text("Afhandelen").click()
    await row.get_by_label("Toelichting").fill("Alsnog gebeld, excuses gemaakt.")
    await row.get_by_role("button", name="Nagekomen", exact=True).click()

    await expect(count).to_have_text("1")
    await expect(overdue.locator("li.cm-row")).to_have_count(1)
    await expect(page.locator(f"#toezegging-{first['id']}")).to_have_count(0)
    await expect(overdue).to_contain_text("deze week nog terug")
    assert await page.evaluate("window.__marker") == 1  # no full page load
    assert not [e for e in page.console_errors if "Content Security Policy" in e]

    body = (await client.get("/api/v1/worklist", headers=world.token("dso"))).json()
    assert [c["id"] for c in body["commitments"]] == [second["id"]]
    fulfilled = await client.get("/api/v1/commitments?state=fulfilled", headers=world.token("dso"))
    assert [(c["id"], c["kept_on_time"]) for c in fulfilled.json()["items"]] == [(first["id"], False)]
