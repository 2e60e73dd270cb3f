"""The Logboek in real Chromium: filtering and paging swap the results in place and update the address."""

from __future__ import annotations

import pytest

from tests.audit.test_logboek_page import record
from tests.worlds.personas import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


async def test_filtering_and_paging_without_a_full_page_load(page, make_user, db) -> None:
    admin = await make_user("admin", name="Ad Beheer")
    kim = await make_user("kcc_agent", services=["KCC"], name="Kim Klant")
    cas = await make_user("casemanager", name="Cas Manager")
    await record(db, kim, *({"object_type": "client", "object_id": str(n)} for n in range(55)))
    await record(db, cas, {"object_type": "dossier", "object_id": "777", "client_pseudonym": "K-CASDOSSIER"})

    await page.goto("/login?next=/logboek")
    await page.get_by_label("E-mailadres").fill(admin.email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url("**/logboek")
    await page.evaluate("window.__sameDocument = true")

    await page.get_by_label("Medewerker").select_option(label=f"Cas Manager ({cas.email})")
    await page.get_by_role("button", name="Filteren").click()
    await page.wait_for_url(f"**/logboek?*actor_id={cas.id}*")
    table = page.get_by_test_id("logboek-tabel")
    assert await table.locator("tbody tr").count() == 1
    assert "K-CASDOSSIER" in await table.inner_text()
    assert await page.evaluate("window.__sameDocument === true")  # swapped in place, no new page

    await page.get_by_role("link", name="Filters wissen").click()
    await page.wait_for_url("**/logboek")
    await page.get_by_label("Soort object").select_option("client")
    await page.get_by_role("button", name="Filteren").click()
    await page.wait_for_url("**/logboek?*object_type=client*")
    await page.evaluate("window.__sameDocument = true")
    assert await page.get_by_test_id("logboek-tabel").locator("tbody tr").count() == 50
    await page.get_by_role("link", name="Volgende").click()
    await page.wait_for_url("**after_id=*")
    assert await page.get_by_test_id("logboek-tabel").locator("tbody tr").count() == 5
    assert await page.evaluate("window.__sameDocument === true")

    await page.get_by_label("Van").fill("2026-05-02")
    await page.get_by_label("Tot en met").fill("2026-05-01")
    await page.get_by_role("button", name="Filteren").click()
    assert "De einddatum ligt vóór de begindatum" in await page.get_by_test_id("logboek-fouten").inner_text()
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
