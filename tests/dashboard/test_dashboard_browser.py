"""In Chromium: changing the period updates the dashboard's cards, charts and tables in place (no full page load),
and every figure in the charts' data tables equals the metrics API for that period."""

from __future__ import annotations

import math

import pytest

from tests.worlds.personas import PASSWORD
from tests.worlds.pilot import SLUG

pytestmark = [pytest.mark.anyio, pytest.mark.browser]

READ_FIGURES = """() => Array.from(document.querySelectorAll('#dash-dashboard [data-path]')).map(e => ({
    path: e.dataset.path, value: e.getAttribute('value'), suppressed: e.dataset.suppressed === 'true',
    text: e.textContent, table: e.closest('table') ? e.closest('table').dataset.table : null}))"""


def at_path(document, path):
    for key in path.split("."):
        document = document[key]
    return document


async def log_in(page, email: str) -> None:
    await page.goto("/login")
    await page.get_by_label("E-mailadres").fill(email)
    await page.get_by_label("Wachtwoord").fill(PASSWORD)
    await page.get_by_role("button", name="Inloggen").click()
    await page.wait_for_url("**/")


async def test_changing_the_period_updates_the_dashboard_in_place(page, make_user, make_token, pilot_world) -> None:
    evaluator = await make_user("evaluator", name="Eva Evaluator")
    headers = await make_token(evaluator)
    await log_in(page, evaluator.email)
    await page.goto(f"/pilots/{SLUG}")
    assert await page.get_by_role("heading", level=1).inner_text() == "Proef casemanagement dashboard"
    pilot_card = page.locator('li[data-measure="resolved_share"] [data-cohort="pilot"] .dash-card__value')
    assert await pilot_card.inner_text() == "75,0%"
    assert await page.locator('[data-path="cohorts.pilot.dossiers"]').first.inner_text() == "10"
    await page.evaluate("window.__marker = 'nog dezelfde pagina'")

    await page.get_by_label("Van", exact=True).fill("2025-02-01")
    await page.get_by_label("Tot en met", exact=True).fill("2025-02-28")
    await page.get_by_role("button", name="Toon cijfers").click()
    feedback = page.get_by_test_id("periode-melding")
    await feedback.wait_for()
    assert "1 februari 2025 tot en met 28 februari 2025: 7 dossiers in de pilotgroep" in await feedback.inner_text()

    # updated in place: the marker survived, the address was pushed, cards and charts show February only
    assert await page.evaluate("window.__marker") == "nog dezelfde pagina"
    assert page.url.endswith(f"/pilots/{SLUG}?from=2025-02-01&to=2025-02-28")
    assert await page.locator('[data-path="cohorts.pilot.dossiers"]').first.inner_text() == "7"
    assert await pilot_card.inner_text() == "80,0%"  # 4 of 5 closed in February
    monthly_rows = page.locator('table[data-table="maanden-resolved_share"] tbody tr')
    assert await monthly_rows.count() == 1
    assert await page.locator('svg[data-chart="grafiek-maand-resolved_share"] .dash-series--pilot circle').count() == 1
    assert await page.locator('svg[data-chart="grafiek-vergelijking"] title').text_content()

    # the charts' data tables equal the API for the same period
    api_response = await page.request.get(
        f"/api/v1/pilots/{SLUG}/metrics?from=2025-02-01&to=2025-02-28", headers=headers
    )
    assert api_response.ok
    api = await api_response.json()
    figures = await page.evaluate(READ_FIGURES)
    in_tables = [f for f in figures if f["table"] in ("vergelijking", "kosten")]
    assert len(in_tables) >= 50
    for figure in in_tables:
        expected = at_path(api, figure["path"])
        if figure["suppressed"]:
            assert figure["text"] == "< 5 dossiers, niet getoond"
        elif figure["value"] is None:
            assert expected is None
        else:
            assert math.isclose(float(figure["value"]), expected, rel_tol=1e-12, abs_tol=1e-12), figure
    # the monthly table for February alone is the API's February
    february = {f["path"]: f for f in figures if f["path"].startswith("monthly.resolved_share.")}
    pilot_feb = february["monthly.resolved_share.pilot.2025-02.value"]
    assert float(pilot_feb["value"]) == api["cohorts"]["pilot"]["measures"]["resolved_share"]["value"] == 0.8

    # a period ending before it starts: a Dutch message in place, still the same page
    await page.get_by_label("Van", exact=True).fill("2025-06-01")
    await page.get_by_label("Tot en met", exact=True).fill("2025-05-01")
    await page.get_by_role("button", name="Toon cijfers").click()
    alert = page.get_by_test_id("periode-fout")
    await alert.wait_for()
    assert "De begindatum ligt na de einddatum" in await alert.inner_text()
    assert await page.evaluate("window.__marker") == "nog dezelfde pagina"
    assert await page.locator("#dash-dashboard .dash-card").count() == 0
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
