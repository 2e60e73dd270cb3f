"""Issue 16 in Chromium: a KCC agent types a misspelt query into the Kennisbank, sees the right article ranked
first with the matching words highlighted (search as you type, the URL pushed), and opens it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.async_api import expect

from casemgmt.synthetic.knowledge import demo_articles, load_knowledge
from tests.worlds.personas import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


async def test_a_misspelt_query_finds_the_highlighted_article(page, live_server, make_user, db) -> None:
    services = {item["owner"]: item["service"] for item in demo_articles()}
    async with db() as session, session.begin():
        for email, service in services.items():
            await make_user("accountmanager", services=[service], email=email, session=session)
        await load_knowledge(session, datetime.now(UTC))
    agent = await make_user("kcc_agent", services=["KCC"], name="Kees Kcc")
    errors: list[str] = []
    page.on(
        "console", lambda m: errors.append(m.text) if m.type == "error" and "favicon" not in m.location["url"] else None
    )
    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(agent.email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_load_state("networkidle")
    await page.get_by_role("link", name="Kennisbank").first.click()
    await page.wait_for_url("**/kennisbank")

    await page.locator("#kb-q").press_sequentially("paspoort buitenlnd", delay=20)
    first = page.locator(".kb-hit").first
    await expect(first.locator("h2")).to_contain_text("Ik woon in het buitenland", timeout=5000)
    await expect(first.locator("mark").first).to_be_visible()
    marked = [text.lower() for text in await first.locator("mark").all_inner_texts()]
    assert "paspoort" in marked and "buitenland" in marked
    await expect(page).to_have_url(re.compile(r"/kennisbank\?q=paspoort(%20|\+)buitenlnd"))  # the URL is pushed

    await first.locator("h2 a").click()
    await page.wait_for_url("**/kennisbank/*")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Ik woon in het buitenland")
    await expect(page.get_by_test_id("kb-antwoord")).to_contain_text("balie voor Nederlanders in het buitenland")
    await expect(page.get_by_test_id("kb-eigenaar")).to_contain_text("Test accountmanager")
    assert errors == []


async def test_on_a_phone_the_filters_fold_away_and_the_first_hit_is_on_the_first_screen(
    page, live_server, make_user, db
) -> None:
    services = {item["owner"]: item["service"] for item in demo_articles()}
    async with db() as session, session.begin():
        for email, service in services.items():
            await make_user("accountmanager", services=[service], email=email, session=session)
        await load_knowledge(session, datetime.now(UTC))
    agent = await make_user("kcc_agent", services=["KCC"], name="Kees Kcc")
    await page.set_viewport_size({"width": 375, "height": 800})
    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(agent.email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_load_state("networkidle")
    await page.goto("/kennisbank?q=paspoort%20buitenland")
    first = page.locator(".kb-hit").first
    await expect(first).to_be_visible()
    await expect(page.locator("#kb-service")).to_be_hidden()
    box = await first.bounding_box()
    assert box is not None and box["y"] < 800, box
    await page.get_by_text("Filteren op dienst, onderwerp of status").click()
    await page.locator("#kb-service").select_option("DPZ")
    await expect(page).to_have_url(re.compile(r"service=DPZ"))
    await page.reload()
    await expect(page.locator("#kb-service")).to_be_visible()  # open when a filter is set
    await expect(page.locator(".kb-filters-fold > summary")).to_contain_text("(1 actief)")
    await page.set_viewport_size({"width": 1366, "height": 800})
    await page.goto("/kennisbank?q=paspoort")
    await expect(page.locator("#kb-service")).to_be_visible()  # wide: always shown
