"""Double-clicking "Contact vastleggen" in a real Chromium stores one contact (issue 11): the browser sends the form
twice, the second submission carries the same one-time key and gets the first one's answer."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect
from sqlalchemy import select, text

from casemgmt.contacts.models import Contact
from tests.factories import create_client
from tests.worlds.personas import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

HOLD_THE_LOCK = {
    "sqlite": "DELETE FROM login_failures",  # any write takes SQLite's one writer lock
    "postgresql": "LOCK TABLE contacts IN SHARE ROW EXCLUSIVE MODE",  # blocks every insert of a contact
}


async def test_double_click_on_contact_vastleggen_stores_one_contact(page, make_user, db) -> None:
    agent = await make_user("kcc_agent", services=["KCC"], name="Kees Kcc")
    async with db() as session, session.begin():
        client_id = (await create_client(session, name="Jan de Vries")).id
    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(agent.email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url("**/klanten*")

    await page.goto(f"/contacten/nieuw?client_id={client_id}")
    await page.locator("#contact-topic").select_option("bijstand")  # an inbound contact names its topic (issue 13)
    await page.locator("#contact-outcome").select_option("resolved")
    await page.locator("#contact-summary").fill("Vraag over de bijstand beantwoord.")
    submissions: list[str] = []
    page.on("request", lambda r: submissions.append(r.url) if r.method == "POST" else None)
    # A person's double click: the first submission is still being answered when the second follows. To make that
    # certain, the database is kept busy (another writer holds its lock) while the button is clicked twice.
    box = await page.get_by_role("button", name="Contact vastleggen").bounding_box()
    async with db() as other_writer:
        await other_writer.execute(text(HOLD_THE_LOCK[other_writer.get_bind().dialect.name]))
        await page.mouse.dblclick(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, delay=60)
        await page.wait_for_timeout(500)
        await other_writer.rollback()
    # the first navigation is aborted by the second; wait for where the second one lands
    await expect(page).to_have_url(re.compile(rf"/klanten/{client_id}$"), timeout=15_000)
    await page.wait_for_load_state("networkidle")

    assert len(submissions) == 2, submissions  # the browser did send the form twice
    async with db() as session:
        contacts = (await session.scalars(select(Contact))).all()
    assert [(c.client_id, c.summary) for c in contacts] == [(client_id, "Vraag over de bijstand beantwoord.")]
