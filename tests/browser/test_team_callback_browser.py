"""Issue 13's story in Chromium: a KCC agent logs a call whose transfer to SZW failed and promises a callback by the
SZW team; both SZW accountmanagers see it under "Voor mijn dienst"; one picks it up and keeps it; the KCC sees it
kept on Terugbelnotities; and the failed transfer counts in the month's figures on Trends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import expect
from sqlalchemy import select

from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact, ContactTransfer
from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.directory.models import Service, Topic
from tests.factories import create_client
from tests.worlds.personas import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


async def _signed_in(page, email: str) -> None:
    await page.context.clear_cookies()
    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_load_state("networkidle")


async def test_a_team_callback_is_picked_up_kept_and_counted(page, live_server, make_user, db) -> None:
    agent = await make_user("kcc_agent", services=["KCC"], name="Kees Kcc")
    first = await make_user("accountmanager", services=["SZW"], name="Sanne Szw")
    second = await make_user("accountmanager", services=["SZW"], name="Simon Szw")
    evaluator = await make_user("evaluator", name="Eva Luator")
    async with db() as session:
        client = await create_client(session, "Bram Bellers")
        szw = await session.scalar(select(Service.id).where(Service.code == "SZW"))
        topic = await session.scalar(select(Topic.id).where(Topic.code == "bijstand"))
        for _ in range(5):  # earlier calls this month, each put through to SZW
            earlier = Contact(client_id=None, channel="phone", direction="in", service_id=szw, employee_id=agent.id,
                              occurred_at=datetime.now(UTC) - timedelta(minutes=5), outcome="resolved", transfers=1,
                              summary="Doorverbonden met SZW.", topic_id=topic)  # fmt: skip
            session.add(earlier)
            await session.flush()
            session.add(ContactTransfer(contact_id=earlier.id, position=1, service_id=szw, connected=True))
        await session.commit()

    errors: list[str] = []  # console errors, but the browser's own request for /favicon.ico (the app has none)
    page.on(
        "console", lambda m: errors.append(m.text) if m.type == "error" and "favicon" not in m.location["url"] else None
    )
    await _signed_in(page, agent.email)
    await page.goto(f"/contacten/nieuw?client_id={client.id}")
    await page.locator("#contact-topic").select_option("bijstand")
    await page.locator("#contact-transfer_service_1").select_option("SZW")
    await page.locator("#contact-transfer_connected_1").select_option("nee")
    promise = page.locator("#contact-commitment_description")
    await expect(promise).to_be_hidden()
    await page.locator("#contact-outcome").select_option("callback_promised")
    await expect(promise).to_be_visible()  # the promise opens in place
    await promise.fill("SZW belt u terug over de hoogte van uw bijstand.")
    await page.locator("#contact-commitment_owner_id").select_option("team:SZW")
    await page.locator("#contact-summary").fill("Doorverbinden met SZW lukte niet; team SZW belt terug.")
    await page.get_by_role("button", name="Contact vastleggen").click()
    await expect(page.get_by_text("Het contact is vastgelegd.")).to_be_visible()

    async with db() as session:
        commitment = (await session.scalars(select(Commitment))).one()
        contact = (await session.scalars(select(Contact).where(Contact.client_id == client.id))).one()
        attempt = (await session.scalars(select(ContactTransfer).where(ContactTransfer.contact_id == contact.id))).one()
    assert (commitment.owner_id, commitment.owner_service_id, commitment.kind) == (None, szw, "callback")
    assert (attempt.service_id, attempt.connected, contact.transfers) == (szw, False, 1)

    for colleague in (second, first):  # both see the team's callback
        await _signed_in(page, colleague.email)
        await page.goto("/werkvoorraad")
        row = page.locator(f"#toezegging-{commitment.id}")
        await expect(row.get_by_test_id("team-eigenaar")).to_have_text("team SZW, nog niet opgepakt")
    await row.get_by_role("button", name="Oppakken").click()
    await expect(page.locator(f"#toezegging-{commitment.id}")).not_to_contain_text("nog niet opgepakt")
    await page.reload()
    mine = page.locator(f"#toezegging-{commitment.id}").first
    await mine.locator("summary", has_text="Afhandelen").click()
    await mine.get_by_label("Toelichting").fill("Teruggebeld, uitgelegd.")
    await mine.get_by_role("button", name="Nagekomen", exact=True).click()
    await expect(page.locator(f"#toezegging-{commitment.id}").first).to_contain_text("nagekomen (op tijd)")

    await _signed_in(page, agent.email)
    await page.goto("/terugbelnotities")
    await expect(page.locator(f"#toezegging-{commitment.id}")).to_have_count(0)  # no longer open
    await page.locator("#f-state").select_option("fulfilled")  # the list follows the filter (htmx)
    await expect(page.locator(f"#toezegging-{commitment.id}")).to_contain_text("nagekomen (op tijd)")

    async with db() as session:
        kept = await session.get(Commitment, commitment.id)
    assert (kept.owner_id, kept.status, kept.kept_on_time) == (first.id, "fulfilled", True)

    await _signed_in(page, evaluator.email)
    month = datetime.now(AMSTERDAM).strftime("%Y-%m")
    await page.goto("/trends?by=service")
    await expect(page.get_by_role("heading", name="Doorverbinden mislukt")).to_be_visible()
    # the failed attempt beside the five that connected: 1 of 6 this month
    cell = page.locator(f'[data-path="measures.failed_transfer_share.SZW.{month}.value"]')
    await expect(cell).to_have_text("16,7%")
    n = page.locator(f'[data-path="measures.failed_transfer_share.SZW.{month}.denominator"]')
    await expect(n).to_have_text("6")
    assert errors == []
