"""Issue 16's story in Chromium: a KCC agent logging a call searches the kennisbank from the contact form ("vog
aanvragen"), attaches the article, saves the contact (the klantbeeld's timeline names the article and version),
then flags another article as unclear on its page; its owner sees the flag on the Werkvoorraad and handles it."""

from __future__ import annotations

import pytest
from playwright.async_api import expect
from sqlalchemy import select

from casemgmt.knowledge.models import KnowledgeFlag, contact_articles
from tests.factories import create_client
from tests.worlds.kennisbank import publish_article
from tests.worlds.personas import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

VOG = "Hoe vraag ik een verklaring omtrent het gedrag (VOG) aan?"
PASPOORT = "Kan ik mijn paspoort verlengen als ik in het buitenland woon?"


async def _signed_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    await page.context.clear_cookies()
    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_load_state("networkidle")


async def test_an_agent_attaches_one_article_and_flags_another(page, live_server, make_user, db) -> None:
    agent = await make_user("kcc_agent", services=["KCC"], name="Kees Kcc")
    owner = await make_user("accountmanager", services=["OCW"], name="Omar Ocw")
    vog = await publish_article(db, owner, service="OCW", question=VOG, answer="Vraag de VOG online aan bij Justis.")
    passport = await publish_article(db, owner, service="OCW", question=PASPOORT, answer="Dat kan bij de ambassade.")
    async with db() as session:
        client = await create_client(session, "Vera Vog")
        await session.commit()
    errors: list[str] = []
    page.on(
        "console", lambda m: errors.append(m.text) if m.type == "error" and "favicon" not in m.location["url"] else None
    )

    await _signed_in(page, agent.email)
    await page.goto(f"/contacten/nieuw?client_id={client.id}")
    await page.locator("#contact-topic").select_option(index=1)
    await page.locator("#contact-outcome").select_option("resolved")
    search = page.get_by_label("Zoek in de kennisbank")
    await search.fill("vog aanvragen")
    await search.press("Enter")  # Enter in the search box posts nothing
    results = page.get_by_test_id("kennisbank-resultaten")
    await expect(results).to_contain_text(VOG)
    await results.locator("li", has_text=VOG).get_by_role("button", name="Gebruiken").click()
    await expect(page.get_by_test_id("gekozen-artikelen").get_by_label(VOG)).to_be_checked()
    await page.locator("#contact-summary").fill("Uitgelegd hoe de VOG online wordt aangevraagd.")
    await page.get_by_role("button", name="Contact vastleggen").click()
    await expect(page.get_by_text("Het contact is vastgelegd.")).to_be_visible()
    await expect(page.get_by_test_id("gegeven-artikelen").first).to_contain_text(f"{VOG} (versie 2)")
    async with db() as session:
        given = (await session.execute(select(contact_articles.c.article_id, contact_articles.c.version))).all()
    assert [tuple(row) for row in given] == [(vog, 2)]

    # the other article is unclear: flag it on its page
    await page.goto(f"/kennisbank/{passport}")
    form = page.get_by_test_id("melding-form")
    await form.get_by_role("radio", name="Onduidelijk").check()
    await form.get_by_label("Toelichting", exact=False).fill("Welke ambassade? Washington of ook een consulaat?")
    await form.get_by_role("button", name="Melding versturen").click()
    await expect(page.get_by_test_id("melding-bericht")).to_contain_text("heeft uw melding gekregen")
    async with db() as session:
        flag = (await session.scalars(select(KnowledgeFlag))).one()
    assert (flag.article_id, flag.kind, flag.version) == (passport, "unclear", 2)

    # the owner sees it on the Werkvoorraad and handles it on the article's page
    await _signed_in(page, owner.email)
    await page.goto("/werkvoorraad")
    panel = page.locator("#panel-kennisbank")
    await expect(panel.get_by_test_id("aantal-open-meldingen")).to_have_text("1")
    await panel.get_by_role("link", name=PASPOORT).click()
    await expect(page.get_by_test_id("open-meldingen")).to_contain_text("Welke ambassade?")
    await page.get_by_label("Wat hebt u gedaan?").fill("De consulaten toegevoegd.")
    await page.get_by_role("button", name="Afhandelen").click()
    await expect(page.get_by_text("Geen open meldingen.")).to_be_visible()
    assert errors == []
