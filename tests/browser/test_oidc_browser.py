"""Signing in with the municipality's account in Chromium: the login page's button, the provider's own page (the
test session's real OpenID provider), back on casemgmt's start page with the roles of one's groups, and logging out
at the provider too."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


async def test_an_employee_signs_in_at_the_provider_and_lands_on_their_start_page(page, oidc_provider) -> None:
    oidc_provider.set_user(
        "sanne",
        email="sanne.devries@gemeente.example",
        name="Sanne de Vries",
        groups=["casemgmt-casemanager", "casemgmt-accountmanager", "casemgmt-szw", "Alle medewerkers"],
    )
    await page.goto("/dossiers")
    assert "/login" in page.url
    await page.get_by_role("link", name="Inloggen met uw gemeenteaccount").click()
    await page.wait_for_url(f"{oidc_provider.issuer}/oauth2/authorize**")
    await page.fill("input[name=sub]", "sanne")
    await page.get_by_role("button", name="Authorize").click()
    await page.wait_for_url("**/dossiers")  # where she was going
    assert "Sanne de Vries" in await page.locator("header").inner_text()
    await page.goto("/start")
    roles = await page.get_by_test_id("rollen").inner_text()
    assert "Casemanager" in roles and "Accountmanager" in roles and "KCC-medewerker" not in roles
    assert not [e for e in page.console_errors if "Content Security Policy" in e]

    await page.get_by_role("button", name="Uitloggen").click()
    await page.wait_for_url(f"{oidc_provider.issuer}/oauth2/end_session**")  # RP-initiated logout
    await page.get_by_role("button", name="End session").click()
    await page.wait_for_url("**/login")
    await page.goto("/start")
    assert "/login" in page.url  # the local session has ended


async def test_groups_without_a_role_get_a_dutch_explanation(page, oidc_provider) -> None:
    oidc_provider.set_user("tom", email="tom@gemeente.example", groups=["casemgmt-szw"])
    await page.goto("/login")
    await page.get_by_role("link", name="Inloggen met uw gemeenteaccount").click()
    await page.fill("input[name=sub]", "tom")
    await page.get_by_role("button", name="Authorize").click()
    await page.wait_for_url("**/login/oidc/callback**")
    assert "geen van uw groepen geeft een rol in casemgmt" in await page.get_by_role("alert").inner_text()
    assert await page.get_by_role("heading", level=1).inner_text() == "Inloggen niet gelukt"
