"""An anonymous caller logged through the pages in Chromium (issue 12): from "Contact vastleggen" without a client
to "Anonieme beller", a new channel and two references of other systems; the page passes axe."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect
from sqlalchemy import select

from casemgmt.contacts.models import Contact, ExternalReference
from tests.browser.test_accessibility import _check
from tests.worlds.personas import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


async def test_an_anonymous_caller_is_logged_in_chromium(page, live_server, make_user, db) -> None:
    agent = await make_user("kcc_agent", services=["KCC"], name="Kees Kcc")
    errors: list[str] = []  # console errors, but the browser's own request for /favicon.ico (the app has none)
    page.on(
        "console", lambda m: errors.append(m.text) if m.type == "error" and "favicon" not in m.location["url"] else None
    )
    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(agent.email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url("**/klanten*")

    await page.goto("/contacten/nieuw")
    await page.get_by_role("link", name=re.compile("Anonieme beller")).click()
    await expect(page.get_by_role("heading", name="Anonieme beller")).to_be_visible()
    await page.locator("#contact-channel").select_option(label="Social media")
    await page.locator("#contact-topic").select_option("afval")  # an inbound contact names its topic (issue 13)
    await page.locator("#contact-outcome").select_option("resolved")
    await page.locator("#contact-external_refs").fill("DB-2026-11873, TV-2025-0418")
    await page.locator("#contact-summary").fill("Vraag over de afvalkalender beantwoord.")
    await page.get_by_role("button", name="Contact vastleggen").click()
    await expect(page).to_have_url(re.compile(r"/klanten$"))
    await expect(page.get_by_text("Het contact is vastgelegd.")).to_be_visible()

    async with db() as session:
        contacts = (await session.scalars(select(Contact))).all()
        refs = (await session.scalars(select(ExternalReference.ref).order_by(ExternalReference.id))).all()
    assert [(c.client_id, c.dossier_id, c.channel) for c in contacts] == [(None, None, "social")]
    assert list(refs) == ["DB-2026-11873", "TV-2025-0418"]
    assert errors == []
    assert await _check(live_server, agent.email, ["/contacten/nieuw?anoniem=1"]) == {}
