"""Every device (issue 15): every page of every role at 375 px wide, in Chromium.

The pages are read from the app's route table: every GET route that is not the API, a static file, an export or a
fragment, filled with the access matrix world's own objects (``tests/worlds/matrix.py``); a page that refuses the role
(401, 403, 404, the login page) is skipped, the access matrix checks who may open what, but every page of the role's
menu must have been seen. So a new page is checked here as soon as it exists. On each page at 375 px:

- the page never scrolls sideways (``scrollWidth`` equals the viewport's width; tables stack their rows or scroll
  inside themselves);
- the main menu is folded behind "Menu", the header one line high;
- every visible button, form control and link of the main menu is at least 44 px tall (a touch target);
- axe-core finds no serious or critical WCAG 2.1 A/AA violation (as ``test_accessibility.py`` does at 1280 px).

Once per role the menu opens and closes (by clicking "Menu", and with Escape), at 1366 px it is the unchanged row of
links without "Menu", and without JavaScript it starts open and still folds. With ``CASEMGMT_SCREENSHOTS`` set to a
folder the run saves what it saw: the start page, Werkvoorraad, Terugbelnotities, Logboek, a dossier, a client and
Trends at 375 px, and the menu at 1366 px.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from litestar import Litestar
from playwright.async_api import expect

from casemgmt.casefile.dossier_controllers import LAZY_ACTIONS
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, settled
from tests.browser.test_accessibility import _violations
from tests.worlds.matrix import MatrixWorld, arrange
from tests.worlds.personas import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

NARROW, WIDE = 375, 1366
TARGET = 44  # px: WCAG 2.5.5's touch target
NOT_PAGES = {
    "/health": "JSON",
    "/login": "checked anonymously below, before logging in",
    "/werkvoorraad/{panel:str}": "the panels of /werkvoorraad, fragments",
    "/meldingen/teller": "the bell's count, a fragment",
    "/kennisbank/kiezen": "the contact form's kennisbank results, a fragment",
    "/kennisbank/kiezen/{article_id:int}": "one chosen article of the contact form, a fragment",
    "/werkvoorraad/kennisbank": "a panel of /werkvoorraad, a fragment",
    "/login/oidc": "leads on to the municipality's OpenID provider (tests/browser/test_oidc_browser.py)",
}
ACTIONS: dict[str, list[dict[str, str]]] = {
    "/toezeggingen/{commitment_id:int}/{action:str}": [{"action": "verzetten"}, {"action": "overdragen"}],
    # a dossier action's form as a page of its own (where the folded action's link goes without JavaScript)
    "/dossiers/{dossier_id:int}/formulier/{action:str}": [{"action": action} for action in LAZY_ACTIONS],
}
"""The pages of a route with an ``{action}``."""
QUERIES: dict[str, Callable[[MatrixWorld], dict[str, object]]] = {
    "/klanten/zoeken": lambda w: {"q": w.own.client_name},
    "/vertegenwoordigers/zoeken": lambda w: {"q": "Wijk", "klant": w.own.client},
    "/contacten/nieuw": lambda w: {"dossier_id": w.own.dossier},
    "/tijdregistratie/nieuw": lambda w: {"dossier_id": w.own.dossier},
}
"""The query a page needs to show something."""
PARAM = re.compile(r"\{(\w+):\w+\}")
REFUSED = (401, 403, 404)
SHOTS = os.environ.get("CASEMGMT_SCREENSHOTS")
SHOWN = {"/start": "start", "/werkvoorraad": "werkvoorraad", "/terugbelnotities": "terugbelnotities",
         "/logboek": "logboek", "/dossiers/{dossier_id:int}": "dossier", "/klanten/{client_id:int}": "klant",
         "/trends": "trends"}  # fmt: skip

SMALL_TARGETS = """() => {
  const selector = 'button, .utrecht-button, select, textarea, summary.app-menu__toggle, .app-nav a, '
    + 'input:not([type=checkbox]):not([type=radio]):not([type=hidden])';
  return [...document.querySelectorAll(selector)]
    .filter((el) => el.checkVisibility({visibilityProperty: true}) && el.getBoundingClientRect().width > 0)
    .filter((el) => el.getBoundingClientRect().height < TARGET - 0.5)
    .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${el.textContent.trim().slice(0, 30)}" `
      + `${Math.round(el.getBoundingClientRect().height)} px`);
}""".replace("TARGET", str(TARGET))


def pages(app: Litestar, world: MatrixWorld) -> list[tuple[str, str]]:
    """(route, URL) of every page in the app's route table, on the world's own objects."""
    o = world.own
    values: dict[str, object] = {
        "client_id": o.client, "dossier_id": o.dossier, "commitment_id": o.commitment, "handoff_id": o.handoff,
        "escalation_id": o.escalation, "contact_id": o.contact, "representative_id": o.representative,
        "slug": world.slug, "topic_id": 1, "department_id": 1, "mail_id": world.mail, "article_id": o.article,
        "user_id": world.people["other_cm"].id, "code": "SZW",
    }  # fmt: skip
    found = []
    for route in app.routes:
        methods = {m for handler in getattr(route, "route_handlers", []) for m in handler.http_methods}
        path = route.path
        if "GET" not in methods or path.startswith(("/api/", "/static/", "/schema")) or path in NOT_PAGES:
            continue
        if path.endswith((".csv", ".xlsx")):
            continue
        variants = ACTIONS.get(path, [{}])
        for extra in variants:
            names = PARAM.findall(path)
            missing = [name for name in names if name not in values and name not in extra]
            assert not missing, f"{path}: say in pages() or ACTIONS how to fill {missing}"
            url = PARAM.sub(lambda m, extra=extra: str({**values, **extra}[m.group(1)]), path)
            query = QUERIES.get(path)
            found.append((path, url + ("?" + urlencode(query(world)) if query else "")))
    return found


async def _width(page) -> int:  # type: ignore[no-untyped-def]
    return int(await page.evaluate("document.documentElement.scrollWidth"))


async def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        await page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


async def _sign_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    await page.goto("/login")
    assert await _width(page) == NARROW, "/login"
    await page.get_by_label("E-mailadres").fill(email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url(lambda url: "/login" not in url)


async def _menu_opens_and_closes(page, persona: str) -> None:  # type: ignore[no-untyped-def]
    menu, toggle = page.locator("details[data-app-menu]"), page.locator("summary.app-menu__toggle")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    await expect(nav).to_be_hidden()
    await toggle.click()
    await expect(nav).to_be_visible()
    await expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    assert await page.evaluate(SMALL_TARGETS) == [], "the open menu at 375 px"
    assert await _width(page) == NARROW
    await _shot(page, f"375-{persona}-menu-open")
    await toggle.click()
    await expect(nav).to_be_hidden()
    await toggle.click()
    await nav.get_by_role("link", name="Start", exact=True).focus()
    await page.keyboard.press("Escape")  # menu.js: Escape folds it and gives the focus back to "Menu"
    await expect(nav).to_be_hidden()
    await expect(toggle).to_be_focused()
    assert await menu.evaluate("menu => menu.open") is False

    await page.set_viewport_size({"width": WIDE, "height": 900})
    await expect(toggle).to_be_hidden()  # on a wide screen: no "Menu", the links in a row as before
    await expect(nav).to_be_visible()
    links = nav.get_by_role("link")
    first, second = await links.nth(0).bounding_box(), await links.nth(1).bounding_box()
    assert first and second and first["y"] == second["y"] and second["x"] > first["x"] + first["width"]
    assert await _width(page) == WIDE
    await _shot(page, f"1366-{persona}-menu")
    await page.set_viewport_size({"width": NARROW, "height": 800})
    await expect(nav).to_be_hidden()  # narrow again: folded


@pytest.fixture
async def axe_page(live_server: str) -> AsyncIterator[Any]:
    """A page at 375 px whose context may inject axe-core (bypass_csp only for that: the app's pages are served with
    their normal CSP)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(
            base_url=live_server, locale="nl-NL", bypass_csp=True, viewport={"width": NARROW, "height": 800}
        )
        yield await context.new_page()
        await browser.close()


@pytest.mark.parametrize("persona", ["kcc_agent", "casemanager", "accountmanager", "evaluator", "admin"])
async def test_every_page_fits_a_phone(axe_page, app, make_user, make_token, db, tmp_path, persona) -> None:  # type: ignore[no-untyped-def]
    page = axe_page
    world = await arrange(make_user, make_token, db, tmp_path)
    await _sign_in(page, world.person(persona).email)
    menu = await page.locator(".app-nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")

    problems: list[str] = []
    seen: list[str] = []
    for route, url in pages(app, world):
        response = await page.goto(url)
        await settled(page)  # the badges and panels htmx loads after the page
        assert response is not None
        if response.status in REFUSED or "/login" in page.url:
            continue  # not this role's page (the access matrix checks who may open what)
        seen.append(route)
        if response.status != 200:
            problems.append(f"{url}: answered {response.status}")
        if (width := await _width(page)) != NARROW:
            problems.append(f"{url}: the page is {width} px wide")
        header = await page.locator(".app-header").bounding_box()
        if not header or header["height"] > 80:
            problems.append(f"{url}: the header is {header and header['height']} px high (the menu should fold)")
        problems += [f"{url}: {small}" for small in await page.evaluate(SMALL_TARGETS)]
        problems += [f"{url}: axe {violation}" for violation in await _violations(page)]
        if route in SHOWN:
            await _shot(page, f"375-{persona}-{SHOWN[route]}")
    assert set(menu) <= set(seen), f"pages of the menu not visited: {set(menu) - set(seen)}"
    print(f"\n{persona}: {len(seen)} pages at {NARROW} px")
    assert not problems, f"{len(problems)} problems on {len(seen)} pages at {NARROW} px:\n" + "\n".join(problems)

    await page.goto("/start")
    await _menu_opens_and_closes(page, persona)


async def test_the_menu_folds_without_javascript(live_server, make_user) -> None:
    from playwright.async_api import async_playwright

    person = await make_user("casemanager", name="Zonder Script")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context(
            base_url=live_server, locale="nl-NL", java_script_enabled=False, viewport={"width": NARROW, "height": 800}
        )
        page = await context.new_page()
        await _sign_in(page, person.email)
        await page.goto("/dossiers")
        nav = page.get_by_role("navigation", name="Hoofdmenu")
        await expect(nav).to_be_visible()  # no script to fold it: open, and
        assert await _width(page) == NARROW
        await page.locator("summary.app-menu__toggle").click()
        await expect(nav).to_be_hidden()  # it still folds behind "Menu"
        await browser.close()
