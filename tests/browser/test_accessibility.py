"""WCAG 2.1 A/AA checks with axe-core (pinned in package.json) on the pages employees use most.

Dutch government sites must meet WCAG 2.1 AA (Besluit digitale toegankelijkheid overheid). axe-core cannot judge
everything (it finds about half of the issues a manual audit finds), but what it does find must not reach main:
every violation of impact "serious" or "critical" fails the test, listed with its rule and the offending element.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from casemgmt.casefile.dossier_controllers import LAZY_ACTIONS
from casemgmt.notifications.models import Notification
from casemgmt.settings import PROJECT_ROOT
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories import create_client, create_contact, create_dossier
from tests.worlds.personas import PASSWORD

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

AXE = Path(PROJECT_ROOT) / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


async def _violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    await page.add_script_tag(path=str(AXE))
    result = await page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


async def _check(live_server: str, email: str, paths: list[str]) -> dict[str, list[str]]:
    """Log in as ``email`` and run axe on the login page and on each of ``paths``."""
    from playwright.async_api import async_playwright

    found: dict[str, list[str]] = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # bypass_csp: only to inject axe itself; the app's pages are served with their normal CSP.
        context = await browser.new_context(base_url=live_server, locale="nl-NL", bypass_csp=True)
        page = await context.new_page()
        await page.goto("/login")
        found["/login"] = await _violations(page)
        await page.get_by_label("E-mailadres").fill(email)
        await page.get_by_label("Wachtwoord").fill(PASSWORD)
        await page.get_by_role("button", name="Inloggen").click()
        await page.wait_for_url(lambda url: "/login" not in url)
        for path in paths:
            response = await page.goto(path)
            assert response is not None and response.status == 200, path
            found[path] = await _violations(page)
        await browser.close()
    return {path: issues for path, issues in found.items() if issues}


async def test_casework_pages_have_no_serious_accessibility_violations(live_server, make_user, db) -> None:
    person = await make_user("casemanager", "kcc_agent", services=["KCC"], name="Casus Manager")
    async with db() as session, session.begin():
        client = await create_client(session, name="Fatima el Amrani")
        dossier = await create_dossier(session, client, person.id, subject="Parkeerplaats en bijstand")
        await create_contact(session, client, person.id, dossier_id=dossier.id, summary="Vraag over de aanvraag.")
        session.add(  # one unread notification, so Meldingen shows its mark-read form (issue 14)
            Notification(
                user_id=person.id,
                kind="dossier_contact",
                object_type="contact",
                object_id=1,
                dossier_id=dossier.id,
                dossier_ref=dossier.ref,
                text=f"Er is een nieuw klantcontact vastgelegd op uw dossier {dossier.ref}.",
            )
        )
    paths = ["/start", "/werkvoorraad", "/klanten", "/dossiers", f"/dossiers/{dossier.id}", "/bereikbaarheid"]
    paths += ["/meldingen", "/meldingen/instellingen"]
    paths += [f"/dossiers/{dossier.id}/formulier/{action}" for action in LAZY_ACTIONS]  # the forms as pages
    assert await _check(live_server, person.email, paths) == {}


async def test_evaluation_pages_have_no_serious_accessibility_violations(live_server, make_user, db) -> None:
    from tests.worlds.metrics import make_pilot

    person = await make_user("evaluator", name="Eva Luator")
    async with db() as session, session.begin():
        pilot = await make_pilot(session, slug="toegankelijk")
    paths = ["/pilots", f"/pilots/{pilot.slug}", "/trends", "/tevredenheid/nieuw"]
    assert await _check(live_server, person.email, paths) == {}
