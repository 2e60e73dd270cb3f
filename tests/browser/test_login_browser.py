"""Logging in through a real Chromium shows the start page, with the NL Design System styles and htmx loaded."""

from __future__ import annotations

import pytest

from tests.worlds.personas import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


async def test_demo_user_logs_in_and_sees_start_page(page, make_user) -> None:
    person = await make_user("admin", name="Ad Beheer")
    await page.goto("/")
    assert page.url.endswith("/login")
    await page.get_by_label("E-mailadres").fill(person.email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url("**/")
    assert await page.get_by_role("heading", level=1).inner_text() == "Welkom, Ad Beheer"
    assert "Functioneel beheerder" in await page.get_by_test_id("rollen").inner_text()
    # htmx loaded from our own static files (no CDN), and the CSP produced no violations
    assert await page.evaluate("typeof window.htmx !== 'undefined' && window.htmx.version") == "2.0.11"
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
    # logging out returns to the login page
    await page.get_by_role("button", name="Uitloggen").click()
    await page.wait_for_url("**/login")


async def test_wrong_password_shows_dutch_message(page, make_user) -> None:
    person = await make_user("kcc_agent", services=["KCC"])
    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(person.email)
    await page.get_by_label("Wachtwoord").fill("niet-het-goede")
    await page.get_by_role("button", name="Inloggen").click()
    assert "Onjuist e-mailadres of wachtwoord" in await page.get_by_role("alert").inner_text()
