"""Issue 15 in Chromium, at 1366 × 900 and 375 × 800: the dossier page tells the story first (the timeline's heading
within the first screen at 1366, no sideways scrolling at 375), an action opens its form in place (loaded when it is
opened, issue 18; without JavaScript its link opens the form as a page) and is submitted without a page load, a
refused close shows its message at the action with a link to the open promise, and Back after a post never gives
"405 Niet toegestaan"."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import async_playwright, expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.worlds.casework import Casework, arrange, promise_callback
from tests.worlds.personas import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

WIDTHS = {"desktop": (1366, 900), "phone": (375, 800)}
PROMISE = "Ik bel u vrijdag terug over de vergunning voor de dakkapel."


@pytest.fixture
async def page_without_js(live_server: str) -> AsyncIterator[object]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(base_url=live_server, locale="nl-NL", java_script_enabled=False)
        yield await context.new_page()
        await browser.close()


@pytest.fixture
async def world(make_user, make_token, db) -> Casework:  # type: ignore[no-untyped-def]
    return await arrange(make_user, make_token, db)


async def log_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url(lambda url: "/login" not in url)


@pytest.mark.parametrize("size", WIDTHS)
async def test_story_first_actions_in_place_refusal_in_place_and_no_405(page, world: Casework, size: str) -> None:
    width, height = WIDTHS[size]
    await page.set_viewport_size({"width": width, "height": height})
    w = world
    await log_in(page, w.cm.email)
    url = f"/dossiers/{w.dossier_id}"
    await page.goto(url)
    await page.wait_for_load_state("networkidle")

    # the story first: the timeline's heading on the first screen (desktop); never wider than the screen
    top = await page.evaluate("document.getElementById('tijdlijn-titel').getBoundingClientRect().top")
    if size == "desktop":
        assert top < height, f"timeline heading at {top}px"
    assert await page.evaluate("document.documentElement.scrollWidth") <= width
    history = await page.evaluate("history.length")
    await page.evaluate("window.__marker = 1")

    # an action opens its form in place, one at a time; the form loads when the action is opened
    assert await page.locator(".dossier-action form").count() == 0
    await page.get_by_test_id("knop-status").click()
    await expect(page.locator("#actie-status form")).to_be_visible()
    await page.get_by_test_id("knop-commitment").click()
    form = page.locator("#actie-commitment form")
    await expect(form).to_be_visible()
    opened = await page.evaluate("[...document.querySelectorAll('details.dossier-action[open]')].map(d => d.id)")
    assert opened == ["actie-commitment"]
    await form.get_by_label("Wat is de klant toegezegd? (in de woorden van het gesprek)").fill(PROMISE)
    await form.get_by_role("button", name="Toezegging vastleggen").click()
    done = page.locator("#actie-commitment [data-testid=actie-gelukt]")
    await expect(done).to_have_text("Toezegging vastgelegd.")
    await expect(page.locator("[data-testid=dossier-toezeggingen]")).to_contain_text(PROMISE)  # panel refreshed
    await expect(page.locator("#tijdlijn-items")).to_contain_text(PROMISE)  # timeline refreshed
    assert await page.evaluate("window.__marker") == 1  # no page load

    # a refused close: the message where the close was tried, with a link to the open promise
    await page.get_by_test_id("knop-status").click()
    await expect(page.locator("#actie-status form")).to_be_visible()  # loaded again: the content was swapped
    await page.locator("#status-status").select_option("closed")
    await page.locator("#status-outcome").select_option("resolved")
    await page.locator("#actie-status").get_by_role("button", name="Status wijzigen").click()
    refusal = page.locator("#actie-status [data-testid=weigering]")
    await expect(refusal).to_be_visible()
    await expect(refusal).to_contain_text("kan nog niet worden gesloten: er staat nog één belofte aan de klant open")
    await expect(refusal).to_contain_text(f"Toezegging “{PROMISE}”")
    assert await refusal.evaluate(
        "e => e.getBoundingClientRect().top >= 0 && e.getBoundingClientRect().top < innerHeight"
    )
    await refusal.get_by_role("link", name=f"Toezegging “{PROMISE}”").click()
    await expect(page.locator("[data-testid=dossier-toezeggingen] li").first).to_be_in_viewport()
    assert await page.evaluate("window.__marker") == 1
    assert page.url.endswith(f"{url}#toezegging-{page.url.rsplit('-', 1)[1]}")

    # no POST address in the history: Back comes to the dossier, not to "405 Niet toegestaan"
    assert await page.evaluate("history.length") <= history + 1  # the in-page link only
    await page.goto("/start")
    await page.go_back()
    await page.wait_for_load_state("networkidle")
    assert "Niet toegestaan" not in await page.content()
    assert await page.locator("#tijdlijn-titel").count() == 1
    # and a form's address opened as a page (a restored history entry, a bookmark) is the dossier
    await page.goto(f"{url}/status")
    assert page.url.endswith(url) and "Niet toegestaan" not in await page.content()
    assert not [e for e in page.console_errors if "Content Security Policy" in e or "403" in e]


async def test_first_handoff_in_the_browser_on_a_dossier_without_handoffs(page, world: Casework) -> None:
    await page.set_viewport_size({"width": 1366, "height": 900})
    await log_in(page, world.cm.email)
    await page.goto(f"/dossiers/{world.dossier_id}")
    await page.get_by_test_id("knop-handoff").click()
    form = page.locator("#actie-handoff form")
    await expect(form).to_be_visible()  # loaded when opened
    await form.get_by_label("Naar dienst").select_option("DSO")
    await form.get_by_label("Reden").fill("Vergunningvraag")
    await form.get_by_label("Wat moet de ontvanger weten?", exact=False).fill(
        "Klant wil een dakkapel plaatsen en vraagt wat er voor de vergunning nodig is."
    )
    await form.get_by_role("button", name="Overdracht aanvragen").click()
    await expect(page.locator("#actie-handoff [data-testid=actie-gelukt]")).to_have_text("Overdracht aangevraagd.")
    await expect(page.locator("[data-testid=dossier-overdrachten]")).to_contain_text("SZW → DSO")
    assert "Kies namens welke dienst" not in await page.content()


async def test_kcc_dossier_view_makes_no_request_it_may_not(page, world: Casework) -> None:
    forbidden: list[str] = []
    page.on("response", lambda r: forbidden.append(r.url) if r.status == 403 else None)
    await log_in(page, world.kcc.email)
    await page.goto(f"/dossiers/{world.dossier_id}")
    await page.wait_for_load_state("networkidle")
    for name in ("contact", "commitment", "link"):
        await page.get_by_test_id(f"knop-{name}").click()
        await expect(page.get_by_test_id(f"formulier-{name}")).to_have_count(0)  # the form was loaded in its place
    await expect(page.locator("#actie-contact form")).to_have_count(1)  # loaded, and kept when folded again
    await page.wait_for_load_state("networkidle")
    assert forbidden == []
    assert await page.get_by_test_id("knop-time").count() == 0


async def test_without_javascript_an_action_opens_its_form_as_a_page(page_without_js, world: Casework) -> None:
    page = page_without_js
    await log_in(page, world.cm.email)
    await page.goto(f"/dossiers/{world.dossier_id}")
    await page.get_by_test_id("knop-handoff").click()  # <details> opens without a script: the link to the form
    await page.get_by_test_id("formulier-handoff").click()
    await page.wait_for_url(f"**/dossiers/{world.dossier_id}/formulier/handoff")
    form = page.locator("#actie-handoff form")
    await form.get_by_label("Naar dienst").select_option("DSO")
    await form.get_by_label("Reden").fill("Vergunningvraag")
    await form.get_by_label("Wat moet de ontvanger weten?", exact=False).fill(
        "Klant wil een dakkapel plaatsen en vraagt wat er voor de vergunning nodig is."
    )
    await form.get_by_role("button", name="Overdracht aanvragen").click()
    await page.wait_for_url(f"**/dossiers/{world.dossier_id}")  # a plain post goes back to the dossier
    await expect(page.locator("[data-testid=dossier-overdrachten]")).to_contain_text("SZW → DSO")


async def _settled_promise(live_server: str, world: Casework) -> int:
    """A callback the accountmanager promised on the dossier and kept, through the API."""
    import httpx

    async with httpx.AsyncClient(base_url=live_server) as api:
        made = await promise_callback(api, world, PROMISE)
        kept = await api.post(
            f"/api/v1/commitments/{made}/fulfil", headers=world.tokens["am"], json={"note": "Gebeld."}
        )
        assert kept.status_code == 200, kept.text
        return made


@pytest.mark.parametrize("size", WIDTHS)
async def test_the_settled_promises_load_in_place_when_opened(
    page, live_server: str, world: Casework, size: str
) -> None:
    width, height = WIDTHS[size]
    await page.set_viewport_size({"width": width, "height": height})
    kept = await _settled_promise(live_server, world)
    await log_in(page, world.cm.email)
    await page.goto(f"/dossiers/{world.dossier_id}")
    await page.wait_for_load_state("networkidle")  # htmx has processed the page
    row = page.locator(f"#toezegging-{kept}")
    assert await row.count() == 0  # not on the page until the fold is opened
    await page.get_by_test_id("afgehandeld").locator("summary").click()
    await expect(row).to_contain_text("nagekomen (op tijd)")
    assert page.url.endswith(f"/dossiers/{world.dossier_id}")  # in place, no page load
    assert await page.evaluate("document.documentElement.scrollWidth") <= width


async def test_without_javascript_the_settled_promises_open_as_a_page(
    page_without_js, live_server: str, world: Casework
) -> None:
    page = page_without_js
    kept = await _settled_promise(live_server, world)
    await log_in(page, world.cm.email)
    await page.goto(f"/dossiers/{world.dossier_id}")
    await page.get_by_test_id("afgehandeld").locator("summary").click()
    await page.get_by_test_id("afgehandeld-laden").click()
    await page.wait_for_url(f"**/dossiers/{world.dossier_id}/afgehandeld")
    await expect(page.locator(f"#toezegging-{kept}")).to_contain_text("nagekomen (op tijd)")
    await page.get_by_test_id("terug-naar-dossier").click()
    await page.wait_for_url(f"**/dossiers/{world.dossier_id}")
