"""In real Chromium: on the klantbeeld of a second client, the KCC opens "Vertegenwoordiger toevoegen", finds the
bewindvoerder already registered for another client by typing part of the phone number (htmx, as you type), picks
her and links her; the representatives block then links to her page, which lists both clients."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casemgmt.clients.models import ClientRepresentative, Representative
from casemgmt.clients.services import today_in_amsterdam
from tests.clients.test_need_to_know_browser import SHOTS, log_in
from tests.factories import create_client
from tests.worlds.representatives import represents

pytestmark = [pytest.mark.anyio, pytest.mark.browser]


async def shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """As the other browser tests do, but leaving the caret alone: hiding it injects an inline style, which the CSP
    refuses (a console error) while a text box has the focus."""
    if not SHOTS:
        return
    size = page.viewport_size
    for width in (1366, 375):
        await page.set_viewport_size({"width": width, "height": 900})
        await page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True, caret="initial")
    await page.set_viewport_size(size)


async def test_kcc_links_an_existing_representative_to_a_second_client(page, db, make_user) -> None:
    agent = await make_user("kcc_agent", services=["KCC"], name="Yasmina Bouzid")
    async with db() as session, session.begin():
        first = await create_client(session, "Anna Jansen")
        second = await create_client(session, "Bert de Boer")
        session.add(
            represents(
                client_id=first.id,
                name="Ellen Smeets",
                organisation="Bewindvoering Haaglanden",
                phone="070 362 4415",
                relation="Beschermingsbewindvoerder",
                valid_from=today_in_amsterdam() - timedelta(days=100),
            )
        )

    await log_in(page, agent.email)
    await page.goto(f"/klanten/{second.id}")
    await page.get_by_text("Vertegenwoordiger toevoegen").first.click()
    await page.get_by_label("Naam of telefoonnummer").fill("+31 70 362")
    choice = page.get_by_label("Ellen Smeets (Bewindvoering Haaglanden)", exact=False)
    await choice.wait_for(timeout=5000)
    assert (
        "Vertegenwoordigt nu: Anna Jansen (Beschermingsbewindvoerder)"
        in await page.get_by_test_id("vertegenwoordiger-keuze").inner_text()
    )
    await choice.check()
    form = page.locator("form.client-representative-existing")
    await form.get_by_label("Relatie tot de klant").fill("Bewindvoerder")
    await shoot(page, "vertegenwoordiger-koppelen")
    await form.get_by_role("button", name="Vertegenwoordiger koppelen").click()
    await page.get_by_text("Vertegenwoordiger Ellen Smeets is gekoppeld.").wait_for(timeout=5000)
    assert page.url.endswith(f"/klanten/{second.id}")  # in place
    row = page.get_by_test_id("vertegenwoordiger")
    assert "Bewindvoerder" in await row.inner_text()
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(Representative)) == 1
        assert await session.scalar(select(func.count()).select_from(ClientRepresentative)) == 2

    await row.get_by_role("link", name="Ellen Smeets").click()
    await page.get_by_role("heading", name="Ellen Smeets").wait_for()
    clients = await page.get_by_test_id("vertegenwoordigde-klanten").inner_text()
    assert "Anna Jansen" in clients and "Bert de Boer" in clients
    await page.set_viewport_size({"width": 375, "height": 900})
    assert await page.evaluate("document.documentElement.scrollWidth") <= 375
    await shoot(page, "vertegenwoordiger")
    assert not [e for e in page.console_errors if "Failed to load resource" not in e]  # type: ignore[attr-defined]
