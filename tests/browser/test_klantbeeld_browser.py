"""Issue 15 in Chromium: the klantbeeld tells the story first (the timeline within the first screen at 1366 × 900),
an action opens in place and its success refreshes the timeline, the page is exactly as wide as a 375 px phone, and
the print view of the klantbeeld and the dossier page has no navigation, forms or buttons. Screenshots and PDFs go to
``CASEMGMT_SHOTS`` (default: the test's temporary directory)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import expect

from tests.factories import create_client, create_contact, create_dossier
from tests.worlds.personas import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

CONTROLS = "form, nav, button, select, input, textarea, details, .app-header, .klantbeeld-actions"
VISIBLE = "(selector) => [...document.querySelectorAll(selector)].filter(e => e.getClientRects().length).length"


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CASEMGMT_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def _signed_in(page, email: str) -> None:
    await page.context.clear_cookies()
    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_load_state("networkidle")


@pytest.fixture
async def story(db, make_user):
    """Gerda with two open dossiers (each with a casemanager and an SZW accountmanager) and a dozen contacts."""
    cm = await make_user("casemanager", name="Carla Mulder", phone="070 353 1001")
    am = await make_user("accountmanager", services=["SZW"], name="Sara Zwart", phone="070 353 2001")
    agent = await make_user("kcc_agent", services=["KCC"], name="Kees Kcc")
    async with db() as session, session.begin():
        gerda = await create_client(session, "Gerda Koster", bsn="123456782", address="Moerweg 141, 2541 LK Den Haag")
        first = await create_dossier(session, gerda, cm.id, {"SZW": am.id}, subject="Betalingsregeling bijstand")
        second = await create_dossier(session, gerda, cm.id, {"SZW": am.id}, subject="Dwangbevel parkeerbelasting")
        for n in range(12):
            await create_contact(
                session,
                gerda,
                agent.id,
                dossier_id=(first, second)[n % 2].id,
                occurred_at=datetime.now(UTC) - timedelta(days=n + 1),
                summary=f"Gesprek {n + 1}: mevrouw vroeg naar de stand van zaken en kreeg uitleg over de regeling.",
            )
    return gerda, first, cm, agent


async def test_the_timeline_is_in_the_first_screen_and_an_action_opens_in_place(page, story, tmp_path) -> None:
    gerda, first, _, agent = story
    shots = _shots(tmp_path)
    await page.set_viewport_size({"width": 1366, "height": 900})
    await _signed_in(page, agent.email)
    await page.goto(f"/klanten/{gerda.id}")
    heading = page.get_by_role("heading", name="Tijdlijn van de klant")
    box = await heading.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 900, box  # the story within the first screen
    await page.screenshot(path=str(shots / "klantbeeld-kcc-1366.png"))

    await page.get_by_role("link", name="Contact vastleggen").click()
    panel = page.get_by_test_id("klantactie")
    form = panel.locator("form")
    await expect(form).to_be_visible()
    assert page.url.endswith(f"/klanten/{gerda.id}")  # in place: no new page, nothing pushed
    await expect(page.locator('[data-klantactie-knop="contact"]')).to_have_attribute("aria-expanded", "true")
    await form.get_by_role("button", name="Contact vastleggen").click()  # nothing filled in: 422 in place
    await expect(panel.locator("#contact-outcome-fout")).to_be_visible()
    await panel.locator("#contact-dossier_id").select_option(str(first.id))
    await panel.locator("#contact-topic").select_option("bijstand")
    await panel.locator("#contact-outcome").select_option("resolved")
    await panel.locator("#contact-summary").fill("Mevrouw belt over de nieuwe termijn; uitgelegd.")
    await form.get_by_role("button", name="Contact vastleggen").click()
    await expect(page.get_by_test_id("klantactie-gelukt")).to_contain_text(f"bij dossier {first.ref}")
    await expect(page.get_by_test_id("tijdlijn-item").first).to_contain_text("Mevrouw belt over de nieuwe termijn")
    assert page.url.endswith(f"/klanten/{gerda.id}")
    await page.screenshot(path=str(shots / "klantbeeld-kcc-1366-na-contact.png"))

    await page.get_by_role("link", name="Escaleren").click()  # one action at a time: the panel now escalates
    await expect(panel.locator("#klantactie-esc-question")).to_be_visible()
    assert await panel.locator("#contact-summary").count() == 0
    await page.go_back()  # Back leaves the klantbeeld (no POST URL, no fragment URL in the history)
    await page.wait_for_load_state()
    assert f"/klanten/{gerda.id}" not in page.url and "/acties/" not in page.url


async def test_at_375_px_the_page_is_as_wide_as_the_phone(page, story, tmp_path) -> None:
    gerda, _, cm, agent = story
    shots = _shots(tmp_path)
    await page.set_viewport_size({"width": 375, "height": 800})
    for who, name in ((agent, "kcc"), (cm, "casemanager")):
        await _signed_in(page, who.email)
        await page.goto(f"/klanten/{gerda.id}")
        await expect(page.get_by_role("heading", name="Tijdlijn van de klant")).to_be_attached()
        assert await page.evaluate("document.documentElement.scrollWidth") == 375
        await page.screenshot(path=str(shots / f"klantbeeld-{name}-375.png"), full_page=True)
        await page.get_by_role("link", name="Escaleren").click()
        await expect(page.get_by_test_id("klantactie").locator("form")).to_be_visible()
        assert await page.evaluate("document.documentElement.scrollWidth") == 375
    await page.set_viewport_size({"width": 1366, "height": 900})
    await page.goto(f"/klanten/{gerda.id}")
    await page.screenshot(path=str(shots / "klantbeeld-casemanager-1366.png"))


async def test_the_print_view_shows_the_header_and_the_timeline_only(page, story, tmp_path) -> None:
    gerda, first, cm, _ = story
    shots = _shots(tmp_path)
    await page.set_viewport_size({"width": 1366, "height": 900})
    await _signed_in(page, cm.email)
    for name, path, timeline in (
        ("klantbeeld", f"/klanten/{gerda.id}", "[data-testid=klant-tijdlijn]"),
        ("dossier", f"/dossiers/{first.id}", "h2:text('Tijdlijn')"),
    ):
        await page.goto(path)
        await page.wait_for_load_state("networkidle")
        assert await page.evaluate(VISIBLE, CONTROLS) > 0  # on screen there is something to act with
        await page.emulate_media(media="print")
        assert await page.evaluate(VISIBLE, CONTROLS) == 0, name
        await expect(page.locator(timeline).first).to_be_visible()
        color = await page.evaluate("getComputedStyle(document.querySelector('main')).color")
        background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert color == "rgb(0, 0, 0)" and background in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), (color, background)
        await page.screenshot(path=str(shots / f"print-{name}.png"), full_page=True)
        await page.pdf(path=str(shots / f"print-{name}.pdf"), format="A4")
        await page.emulate_media(media="screen")
    await page.goto(f"/klanten/{gerda.id}")
    await page.emulate_media(media="print")
    assert await page.locator(".klantbeeld-header").is_visible()
    assert await page.get_by_text(first.ref).first.is_visible()
