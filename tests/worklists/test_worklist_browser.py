"""In real Chromium: fulfilling an overdue commitment on the worklist takes it out of the "Te laat" panel in place,
without a full page load; a panel pages and sorts in place with its view in the URL."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.worklists.test_worklist import fill_worklist
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


async def test_the_dossier_panel_pages_and_sorts_in_place_and_keeps_it_in_the_url(page, world, db) -> None:
    """Issue 15: Mijn dossiers on the Werkvoorraad pages (10 a page) and sorts in place (htmx, no full load); the
    URL follows, so Back and a bookmark give the same view; at 375 px nothing scrolls sideways."""
    await fill_worklist(db, world, 14)  # with Jan's dossier: 15 open dossiers of the casemanager
    await page.set_viewport_size({"width": 375, "height": 800})
    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(world.cm.email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url(lambda url: "/login" not in url)
    await page.goto("/werkvoorraad")
    panel = page.locator("#panel-dossiers")
    rows = panel.locator('td[data-label="Dossier"]')
    await expect(page.get_by_test_id("aantal-dossiers")).to_have_text("15")
    await expect(rows).to_have_count(10)
    await page.evaluate("window.__marker = 1")

    await panel.get_by_role("link", name="Volgende pagina").click()
    await expect(rows).to_have_count(5)
    await expect(page).to_have_url(re.compile(r"/werkvoorraad\?dossiers_pagina=2$"))
    await expect(panel.get_by_role("link", name="Vorige pagina")).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") == 375

    await page.get_by_label("Volgorde dossiers").select_option("client")
    await expect(page).to_have_url(re.compile(r"dossier_sort=client"))
    await expect(rows).to_have_count(10)  # a new order starts on its first page
    names = await panel.locator('td[data-label="Klant"]').all_inner_texts()
    assert names == sorted(names)
    assert await page.evaluate("window.__marker") == 1  # all in place, no full page load
    assert not [e for e in page.console_errors if "Content Security Policy" in e]

    await page.set_viewport_size({"width": 1366, "height": 900})
    await page.reload()  # the bookmark: the same view
    await expect(page.get_by_label("Volgorde dossiers")).to_have_value("client")
    await expect(rows).to_have_count(10)
    assert await page.evaluate("document.documentElement.scrollWidth") == 1366
