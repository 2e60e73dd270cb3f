"""Beheer > Gebruikers in Chromium (issue 17): an admin creates an employee with roles, the employee signs in in a
browser of their own and makes an API token (shown once), the admin deactivates them, and the employee's open
session ends at once: their next page is the login page, and their token answers 401."""

from __future__ import annotations

import httpx
import pytest

from tests.worlds.personas import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


async def sign_in(page, email: str, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(email)
    await page.get_by_label("Wachtwoord").fill(password)
    await page.locator("main button[type=submit]").click()
    await page.wait_for_url(lambda url: "/login" not in url)


async def test_admin_creates_an_employee_and_deactivating_ends_their_session(page, make_user, live_server) -> None:
    admin = await make_user("admin", name="Anna Admin")
    await sign_in(page, admin.email)
    await page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Beheer").click()
    await page.get_by_role("link", name="Gebruikers", exact=True).click()
    await page.get_by_test_id("gebruiker-nieuw").click()
    await page.get_by_label("Naam", exact=True).fill("Bram Nieuw")
    await page.get_by_label("E-mailadres").fill("bram@gemeente.nl")
    await page.get_by_label("Casemanager", exact=True).check()
    await page.get_by_label("Accountmanager", exact=True).check()
    await page.get_by_label("Eerste wachtwoord", exact=True).fill("bram-zijn-wachtwoord")
    await page.get_by_role("button", name="Gebruiker toevoegen").click()
    # an accountmanager without a service: the message beside the field, nothing written
    assert (
        "Een accountmanager hoort bij ten minste één dienst" in await page.locator("#user-services-fout").inner_text()
    )
    await page.get_by_label("SZW", exact=False).check()
    await page.get_by_label("Eerste wachtwoord", exact=True).fill("bram-zijn-wachtwoord")
    await page.get_by_role("button", name="Gebruiker toevoegen").click()
    await page.wait_for_url("**/beheer/gebruikers/*")
    assert "Gebruiker Bram Nieuw aangemaakt" in await page.locator(".app-flash").inner_text()

    other = await page.context.browser.new_context(base_url=live_server, locale="nl-NL")
    bram = await other.new_page()
    await sign_in(bram, "bram@gemeente.nl", "bram-zijn-wachtwoord")
    await bram.goto("/account")
    assert "Casemanager, Accountmanager" in await bram.get_by_test_id("account-gegevens").inner_text()
    await bram.get_by_label("Omschrijving van het nieuwe token (optioneel)").fill("script")
    await bram.get_by_role("button", name="Token maken").click()
    value = await bram.get_by_test_id("token-waarde").input_value()
    assert value.startswith("cm_")
    async with httpx.AsyncClient(base_url=live_server) as api:
        assert (await api.get("/api/v1/me", headers={"Authorization": f"Bearer {value}"})).status_code == 200

    await page.reload()
    await page.get_by_role("button", name="Deactiveren").click()
    assert "gedeactiveerd" in await page.locator(".app-flash").inner_text()
    assert "Gedeactiveerd" in await page.get_by_test_id("gebruiker-status").inner_text()

    await bram.goto("/werkvoorraad")
    assert "/login" in bram.url
    async with httpx.AsyncClient(base_url=live_server) as api:
        assert (await api.get("/api/v1/me", headers={"Authorization": f"Bearer {value}"})).status_code == 401
    await bram.get_by_label("E-mailadres").fill("bram@gemeente.nl")
    await bram.get_by_label("Wachtwoord").fill("bram-zijn-wachtwoord")
    await bram.locator("main button[type=submit]").click()
    assert "Onjuist e-mailadres of wachtwoord" in await bram.get_by_role("alert").inner_text()
    await other.close()
