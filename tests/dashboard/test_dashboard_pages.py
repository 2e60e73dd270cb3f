"""The pilot pages through HTTP: who may see them, that every figure equals the metrics API, suppression, the
period filter (page, htmx fragment, 422), accessible SVG without inline styles or scripts, and no personal data."""

from __future__ import annotations

import math
import re
from datetime import date

import pytest

from casemgmt.pilots.measures import OTHER_MEASURES, SHARE_CODES
from tests.dashboard.conftest import at_path, read_figures
from tests.worlds.personas import login
from tests.worlds.pilot import SLUG

pytestmark = pytest.mark.anyio

ROLES = ["kcc_agent", "casemanager", "accountmanager", "evaluator", "admin"]
SERVICES = {"kcc_agent": ["KCC"], "accountmanager": ["SZW"]}
PAGES = ["/pilots", f"/pilots/{SLUG}", "/trends"]
MEASURES = [*SHARE_CODES, *(m.code for m in OTHER_MEASURES)]  # the catalogue, pinned to DESIGN.md


@pytest.mark.parametrize("role", ROLES)
async def test_only_evaluators_and_admins_see_the_pages(client, make_user, make_token, pilot_world, role) -> None:
    person = await make_user(role, services=SERVICES.get(role))
    await login(client, person.email)
    allowed = role in ("evaluator", "admin")
    for path in PAGES:
        response = await client.get(path)
        assert response.status_code == (200 if allowed else 403), path
        if not allowed:
            assert "Geen toegang" in response.text and "Pilotgroep" not in response.text
    api = await client.get("/api/v1/trends", headers=await make_token(person))
    assert api.status_code == (200 if allowed else 403)


async def test_anonymous_visitors_are_sent_to_the_login_page(client, pilot_world) -> None:
    for path in PAGES:
        response = await client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), path
    assert (await client.get("/api/v1/trends")).status_code == 401


async def test_pilot_list_counts_enrolled_dossiers_per_cohort(client, make_user, pilot_world) -> None:
    evaluator = await make_user("evaluator")
    await login(client, evaluator.email)
    html = (await client.get("/pilots")).text
    row = re.search(rf'<tr class="utrecht-table__row" data-pilot="{SLUG}">(.*?)</tr>', html, re.S)
    assert row, html
    text = row.group(1)
    assert f'href="/pilots/{SLUG}"' in text and "Proef casemanagement dashboard" in text
    assert "6 januari 2025 tot en met 19 december 2025" in text and "OCW, SZW" in text
    assert "Dossiers opgelost" in text  # the primary outcome in Dutch
    assert re.search(r'data-cohort="pilot">10<', text) and re.search(r'data-cohort="control">12<', text)


async def test_unknown_pilot_is_a_dutch_404(client, make_user) -> None:
    evaluator = await make_user("evaluator")
    await login(client, evaluator.email)
    response = await client.get("/pilots/bestaat-niet")
    assert response.status_code == 404 and "bestaat niet" in response.text


def _assert_accessible_svg_without_inline_styles(html: str) -> None:
    figures = read_figures(html)
    svgs = [attrs for tag, attrs in figures.elements if tag == "svg" and attrs.get("role") == "img"]
    assert svgs, "no charts"
    ids = {attrs.get("id") for _, attrs in figures.elements}
    for svg in svgs:
        labelled = (svg.get("aria-labelledby") or "").split()
        assert len(labelled) == 2 and all(label in ids for label in labelled), svg
        chart = svg["data-chart"]
        assert re.search(rf'<title id="{chart}-titel">[^<]+</title>', html)
        assert re.search(rf'<desc id="{chart}-beschrijving">[^<]+</desc>', html)
    # no inline styles, no inline scripts, no event handlers or hx-on under the CSP
    assert not [attrs for _, attrs in figures.elements if "style" in attrs]
    assert "<style" not in html
    assert all(attrs.get("src") and not text.strip() for attrs, text in figures.scripts), figures.scripts
    assert not [a for _, attrs in figures.elements for a in attrs if a.startswith("on") or a.startswith("hx-on")]


async def test_dashboard_figures_equal_the_metrics_api(client, make_user, make_token, pilot_world) -> None:
    evaluator = await make_user("evaluator")
    await login(client, evaluator.email)
    headers = await make_token(evaluator)
    response = await client.get(f"/pilots/{SLUG}")
    assert response.status_code == 200
    html = response.text
    api = (await client.get(f"/api/v1/pilots/{SLUG}/metrics?from=2025-01-06&to=2025-12-19", headers=headers)).json()

    for measure in MEASURES:
        assert '<li class="dash-card' in html and f'data-measure="{measure}"' in html, measure
    assert "Primaire uitkomst" in html
    for status in ("nog onbeslist", "niet gehaald"):
        assert status in html
    _assert_accessible_svg_without_inline_styles(html)
    for table in ("vergelijking", "maanden-resolved_share", "maanden-satisfied_share", "kosten"):
        assert re.search(rf'<table class="utrecht-table dash-table" data-table="{table}">\s*<caption', html), table

    figures = read_figures(html).figures
    checked = 0
    for figure in figures:
        if figure["path"].startswith("monthly."):
            continue
        expected = at_path(api, figure["path"])
        if figure["suppressed"]:
            assert figure["text"] == "< 5 dossiers, niet getoond"
            continue
        if figure["value"] is None:  # no figure (n = 0, no target): the API has none either
            assert expected is None and figure["text"] == "–", figure
            continue
        assert math.isclose(float(figure["value"]), expected, rel_tol=1e-12, abs_tol=1e-12), figure
        checked += 1
    assert checked >= 60
    # a few cells read as a person would: the Dutch text of the API's number
    assert ">75,0%</data>" in html  # pilot resolved share 6/8
    assert api["cohorts"]["pilot"]["measures"]["resolved_share"]["value"] == 0.75
    assert ">€ 1.356</data>" in html  # pilot cost per dossier: 2 h × € 78 + € 12.000 / 10
    assert math.isclose(api["cohorts"]["pilot"]["cost"]["cost_per_dossier"], 1356.0)
    assert "niet gedefinieerd" in html and "kan ook nul zijn" in html  # ICER without a proven effect
    assert "Met 8 afgesloten dossiers per groep" in html
    # the definitions section names every measure
    for label in ("In één keer geholpen", "Direct geholpen", "Op tijd nagekomen", "Kosten per dossier"):
        assert f"<dt>{label}</dt>" in html


async def test_monthly_figures_equal_the_metrics_api_per_month(client, make_user, make_token, pilot_world) -> None:
    evaluator = await make_user("evaluator")
    await login(client, evaluator.email)
    headers = await make_token(evaluator)
    html = (await client.get(f"/pilots/{SLUG}?from=2025-02-01&to=2025-03-31")).text
    monthly = [f for f in read_figures(html).figures if f["path"].startswith("monthly.")]
    assert monthly
    months = {"2025-02": ("2025-02-01", "2025-02-28"), "2025-03": ("2025-03-01", "2025-03-31")}
    api = {
        key: (await client.get(f"/api/v1/pilots/{SLUG}/metrics?from={a}&to={b}", headers=headers)).json()
        for key, (a, b) in months.items()
    }
    shown = 0
    for figure in monthly:
        _, measure, cohort, month, field = figure["path"].split(".")
        expected = api[month]["cohorts"][cohort]["measures"][measure][field]
        if figure["suppressed"]:
            # withheld in that month's own figures too, or withheld so it cannot be got back from the total
            withheld = f"cohorts.{cohort}.measures.{measure}" in api[month]["suppressed"]
            assert withheld or figure["text"] in ("niet getoond", "niet getoond, anders terug te rekenen"), figure
            continue
        if expected is None:
            assert figure["value"] is None
            continue
        assert math.isclose(float(figure["value"]), expected), figure
        shown += 1
    assert shown >= 8  # a withheld month withholds its n too
    # pilot resolved share in March rests on 3 closed dossiers: withheld, never drawn
    assert re.search(
        r'data-path="monthly.resolved_share.pilot.2025-03.value" data-suppressed="true">&lt; 5 dossiers, niet getoond',
        html,
    )
    # February (4 of 5) is withheld too: the period's 6 of 8 minus February would give March's 2 of 3 back
    assert re.search(
        r'data-path="monthly.resolved_share.pilot.2025-02.value" data-suppressed="true">niet getoond, anders terug',
        html,
    )
    assert (
        'data-path="monthly.resolved_share.pilot.2025-02.n"' in html
        and ">5</data>" not in html.split('data-path="monthly.resolved_share.pilot.2025-02.n"')[1].split("</td>")[0]
    )
    # the control's months (6 and 5 closed) are both shown
    assert re.search(r'<data value="0.5" data-path="monthly.resolved_share.control.2025-02.value">50,0%</data>', html)


async def test_small_breakdowns_are_suppressed(client, make_user, pilot_world) -> None:
    evaluator = await make_user("evaluator")
    await login(client, evaluator.email)
    html = (await client.get(f"/pilots/{SLUG}")).text
    # two escalations in the pilot cohort: no figure, no status, no bar
    card = re.search(r'data-measure="escalation_within_norm_share">(.*?)</li>', html, re.S)
    assert card
    assert "&lt; 5 dossiers, niet getoond" in card.group(1)
    assert "100,0%" not in card.group(1) and "gehaald" not in card.group(1)
    bars = re.search(r'<g class="dash-group" data-measure="escalation_within_norm_share">(.*?)</g>\s*</?g', html, re.S)
    assert bars and "dash-bar--pilot" not in bars.group(1) and "niet getoond" in bars.group(1)
    assert 'data-path="cohorts.pilot.measures.escalation_within_norm_share.value" data-suppressed="true"' in html
    assert 'value="1.0" data-path="cohorts.pilot.measures.escalation_within_norm_share' not in html


async def test_period_filter_as_htmx_fragment(client, make_user, pilot_world) -> None:
    evaluator = await make_user("evaluator")
    await login(client, evaluator.email)
    response = await client.get(
        f"/pilots/{SLUG}?from=2025-02-01&to=2025-02-28", headers={"hx-request": "true", "hx-target": "dash-dashboard"}
    )
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html and "<form" not in html  # only the region
    assert 'id="dash-periode-melding"' in html and 'hx-swap-oob="innerHTML"' in html
    assert "Cijfers over 1 februari 2025 tot en met 28 februari 2025: 7 dossiers in de pilotgroep en 6" in html
    assert 'data-path="cohorts.pilot.dossiers">7<' in html
    assert "HX-Request" in response.headers.get("vary", "")
    _assert_accessible_svg_without_inline_styles(html)


async def test_from_after_to_answers_422_in_dutch(client, make_user, make_token, pilot_world) -> None:
    evaluator = await make_user("evaluator")
    await login(client, evaluator.email)
    page = await client.get(f"/pilots/{SLUG}?from=2025-06-01&to=2025-05-01")
    assert page.status_code == 422
    assert "De begindatum ligt na de einddatum" in page.text
    assert 'aria-invalid="true"' in page.text and 'value="2025-06-01"' in page.text  # the form keeps the input
    assert "dash-card" not in page.text
    fragment = await client.get(f"/pilots/{SLUG}?from=2025-06-01&to=2025-05-01", headers={"hx-request": "true"})
    assert fragment.status_code == 422 and "<html" not in fragment.text
    assert 'role="alert"' in fragment.text and "De begindatum ligt na de einddatum" in fragment.text
    bad = await client.get(f"/pilots/{SLUG}?from=2025-02-30")
    assert bad.status_code == 422 and "geldige datum" in bad.text
    trends = await client.get("/trends?from=2025-06-01&to=2025-05-01")
    assert trends.status_code == 422 and "De begindatum ligt na de einddatum" in trends.text
    api = await client.get("/api/v1/trends?from=2025-06-01&to=2025-05-01", headers=await make_token(evaluator))
    assert api.status_code == 422 and api.json()["extra"][0]["field"] == "from"


async def test_no_personal_data_reaches_an_evaluator(client, make_user, make_token, pilot_world) -> None:
    evaluator = await make_user("evaluator")
    await login(client, evaluator.email)
    headers = await make_token(evaluator)
    responses = [
        await client.get("/pilots"),
        await client.get(f"/pilots/{SLUG}"),
        await client.get(f"/pilots/{SLUG}?from=2025-02-01&to=2025-03-31", headers={"hx-request": "true"}),
        await client.get("/trends?from=2025-01-01&to=2025-12-31"),
        await client.get("/trends?from=2025-01-01&to=2025-12-31", headers={"hx-request": "true"}),
        await client.get("/api/v1/trends?from=2025-01-01&to=2025-12-31", headers=headers),
        await client.get(f"/api/v1/pilots/{SLUG}/metrics", headers=headers),
        await client.get("/api/v1/pilots", headers=headers),
    ]
    assert pilot_world.names and pilot_world.bsns
    for response in responses:
        assert response.status_code == 200, response.url
        body = response.text
        for secret in (*pilot_world.names, *pilot_world.bsns, "Geheimnaam", "Vertrouwelijk"):
            assert secret not in body, (response.url, secret)
        for pseudonym in pilot_world.pseudonyms:  # aggregates only: not even pseudonyms
            assert pseudonym not in body, (response.url, pseudonym)


async def test_default_period_runs_to_today_for_a_running_pilot(client, make_user, db, tmp_path) -> None:
    from casemgmt.pilots.definitions import load_pilots
    from casemgmt.pilots.services import today

    start = date(today().year - 1, 1, 5)
    path = tmp_path / "lopend.toml"
    path.write_text(
        f'slug = "lopend"\nname = "Lopende pilot"\nstart = {start.isoformat()}\nend = {date(today().year + 2, 1, 1)}\n'
        'services = ["SZW"]\ncaseload_cap = 10\nassignment = "manual"\nprimary_outcome = "satisfied_share"\n'
        "[rates]\ncasemanager = 78.0\n",
        encoding="utf-8",
    )
    async with db() as session, session.begin():
        assert not (await load_pilots(session, path)).errors
    evaluator = await make_user("evaluator")
    await login(client, evaluator.email)
    response = await client.get("/pilots/lopend")
    assert response.status_code == 200
    assert f'value="{start.isoformat()}"' in response.text and f'value="{today().isoformat()}"' in response.text
    # an empty pilot: no figures, no errors, and one trend line for the satisfied share (the primary outcome)
    assert "geen gegevens" in response.text and 'data-table="maanden-satisfied_share"' in response.text
    assert 'data-table="maanden-resolved_share"' not in response.text
