"""Issue 17's Beheer story in Chromium: an admin changes SZW's escalation norm and gives it a Thursday evening,
first with an evening that overlaps the day (refused at the field, nothing saved), then right; Bereikbaarheid shows
the new norm and hours, and a KCC agent's new escalation to SZW is due by the new norm."""

from __future__ import annotations

from datetime import UTC, datetime

import anyio
import pytest
from playwright.async_api import expect
from sqlalchemy import select

from casemgmt.directory.calendar import add_business_days
from casemgmt.directory.models import Service
from casemgmt.escalations.models import Escalation
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


async def _stored_escalation(db) -> Escalation:  # type: ignore[no-untyped-def]
    """The escalation the form stored, once its request has committed (networkidle can come before the post on a
    loaded machine: seen on PostgreSQL in CI)."""
    for _ in range(100):
        async with db() as session:
            escalation = (await session.scalars(select(Escalation))).one_or_none()
        if escalation is not None:
            return escalation
        await anyio.sleep(0.1)
    raise AssertionError("no escalation stored within 10 s of Escaleren")


async def test_an_admin_changes_szw_norm_and_thursday_hours(page, live_server, make_user, db) -> None:
    admin = await make_user("admin", name="Anna Admin")
    agent = await make_user("kcc_agent", services=["KCC"], name="Kees Kcc")
    async with db() as session:
        client = await create_client(session, "Bram Bellers")
        await session.commit()
    await _signed_in(page, admin.email)
    await page.goto("/beheer/diensten")
    await page.get_by_role("link", name="Wijzigen SZW").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("SZW – Sociale Zaken en Werkgelegenheid")
    await page.get_by_label("Escalatienorm (werkdagen)").fill("6")
    thursday = page.get_by_test_id("uren-thursday")
    await thursday.get_by_label("2e blok open").fill("16:00")
    await thursday.get_by_label("2e blok dicht").fill("20:00")
    await page.get_by_role("button", name="Opslaan").click()
    await expect(page.get_by_text("Overlapt met 08:30-17:00 op donderdag").first).to_be_visible()
    async with db() as session:
        assert await session.scalar(select(Service.escalation_norm_days).where(Service.code == "SZW")) == 3
    await thursday.get_by_label("2e blok open").fill("18:00")
    await page.get_by_role("button", name="Opslaan").click()
    await expect(page.get_by_text("Dienst SZW opgeslagen.")).to_be_visible()

    await page.goto("/bereikbaarheid")
    row = page.get_by_test_id("dienst-SZW")
    await expect(row.get_by_test_id("uren-SZW")).to_have_text(
        "ma-wo 08:30-17:00, do 08:30-17:00 en 18:00-20:00, vr 08:30-17:00"
    )
    await expect(row).to_contain_text("6 werkdagen")

    await _signed_in(page, agent.email)
    await page.goto(f"/klanten/{client.id}/acties/escalatie")
    await page.locator("select[name=service]").select_option("SZW")
    await expect(page.locator("select[name=service] option[value=SZW]")).to_contain_text("norm 6 werkdagen")
    await page.locator("textarea[name=question]").fill("Waarom is de bijstand niet betaald?")
    await page.get_by_role("button", name="Escaleren").click()
    escalation = await _stored_escalation(db)
    assert escalation.due_at == add_business_days(datetime.now(UTC), 6)
