"""Management trends: the SQL per service and month against hand-computed figures (``world.EXPECTED_TRENDS``), the
JSON API with the same numbers, suppression and the page."""

from __future__ import annotations

import math
from datetime import date

import pytest

from casemgmt.dashboard.trends import management_trends
from casemgmt.metrics.periods import Period, month_key
from tests.dashboard.conftest import read_figures
from tests.worlds.personas import login
from tests.worlds.pilot import (
    EXPECTED_TRENDS,
    JUDGED_LATER,
    TRENDS_FROM,
    TRENDS_NOW,
    TRENDS_TO,
    arrange_trends,
)

pytestmark = pytest.mark.anyio

MONTHS = ["2025-01", "2025-02", "2025-03"]


@pytest.fixture
async def trends_world(db, make_user) -> None:
    employee = await make_user("accountmanager", services=["SZW"])
    await arrange_trends(db, employee.id)


async def test_trends_sql_matches_hand_computed_figures(db, trends_world) -> None:
    async with db() as session:
        trends = await management_trends(session, Period(TRENDS_FROM, TRENDS_TO), TRENDS_NOW)
    assert [month_key(m) for m in trends.months] == MONTHS
    assert set(EXPECTED_TRENDS) <= {m.code for m in trends.measures}
    for measure in trends.measures:
        if measure.code not in EXPECTED_TRENDS:
            continue
        expected = EXPECTED_TRENDS[measure.code]
        groups = [row for row in measure.rows if not row.is_total or measure.definition.municipal]
        found = {
            (row.key, month_key(cell.month)): (cell.count, cell.n) for row in groups for cell in row.cells if cell.n
        }
        assert found == expected, measure.code
        services = sorted({service for service, _ in expected}, key=lambda key: (key == "", key))
        assert [row.key for row in groups] == services, measure.code
        total = next((row for row in measure.rows if row.is_total and not measure.definition.municipal), None)
        if measure.definition.additive and len(groups) > 1:  # the municipality's month: the sum over the groups
            assert total is not None and [(c.count, c.n) for c in total.cells] == [
                tuple(map(sum, zip(*(expected.get((g, month), (0, 0)) for g in services), strict=True)))
                for month in MONTHS
            ], measure.code
        else:
            assert total is None, measure.code


async def test_trends_values_and_suppression(db, trends_world) -> None:
    async with db() as session:
        trends = await management_trends(session, Period(TRENDS_FROM, TRENDS_TO), TRENDS_NOW)
    cells = {
        (m.code, row.key, month_key(cell.month)): cell for m in trends.measures for row in m.rows for cell in row.cells
    }
    periods = {(m.code, row.key): row.total for m in trends.measures for row in m.rows}
    # SZW: 3 commitments in February (withheld), so January (8) goes too — else 11 over the period minus 8 gives 3
    assert cells[("on_time_share", "SZW", "2025-02")].suppressed
    assert cells[("on_time_share", "SZW", "2025-02")].value is None
    assert cells[("on_time_share", "SZW", "2025-01")].suppressed
    assert periods[("on_time_share", "SZW")].value == 8 / 11
    # and OCW's February (5), else the municipality's February (8) minus it gives SZW's 3
    assert cells[("on_time_share", "OCW", "2025-02")].suppressed
    assert cells[("on_time_share", "", "2025-03")].value == 1.0
    assert cells[("escalation_within_norm_share", "SZW", "2025-01")].value == 4 / 6
    assert cells[("handoffs_per_dossier", "SZW", "2025-01")].value == 7 / 6  # distinct dossiers: primary rule only
    assert cells[("handoffs_per_dossier", "OCW", "2025-02")].suppressed
    assert cells[("ping_pong_share", "OCW", "2025-01")].value == 1.0
    assert cells[("ping_pong_share", "SZW", "2025-01")].value == 0.0
    assert cells[("satisfied_share", "GEMEENTE", "2025-02")].suppressed
    assert cells[("satisfied_share", "GEMEENTE", "2025-01")].suppressed  # 8 over the period minus 6 would give 2
    assert periods[("satisfied_share", "GEMEENTE")].value == 5 / 8
    empty = cells[("satisfied_share", "GEMEENTE", "2025-03")]
    assert (empty.n, empty.value, empty.suppressed) == (0, None, False)
    low, high = periods[("on_time_share", "SZW")].interval
    assert (round(low, 4), round(high, 4)) == (0.4344, 0.9025)  # Wilson for 8 of 11, by hand: 0.6685 ± 0.2341


async def test_a_shorter_period_counts_only_its_own_months(db, trends_world) -> None:
    async with db() as session:
        trends = await management_trends(session, Period(date(2025, 2, 1), date(2025, 2, 28)), TRENDS_NOW)
    on_time = next(m for m in trends.measures if m.code == "on_time_share")
    assert {(row.key, cell.count, cell.n) for row in on_time.rows for cell in row.cells} == {
        ("OCW", 4, 5),
        ("SZW", 3, 3),
        ("GEMEENTE", 7, 8),
    }


async def test_trends_api_returns_the_same_numbers(client, make_user, make_token, trends_world) -> None:
    evaluator = await make_user("evaluator")
    response = await client.get("/api/v1/trends?from=2025-01-01&to=2025-03-31", headers=await make_token(evaluator))
    assert response.status_code == 200
    body = response.json()
    assert body["from"] == "2025-01-01" and body["to"] == "2025-03-31" and body["months"] == MONTHS
    assert body["suppression_threshold"] == 5
    assert body["by"] == "service"
    for code, judged_at_now in EXPECTED_TRENDS.items():
        expected = {**judged_at_now, **JUDGED_LATER.get(code, {})}
        measure = body["measures"][code]
        for row in measure["rows"]:
            if row["is_total"] and code != "satisfied_share":
                continue
            key = "GEMEENTE" if row["is_total"] else (row["group"] or "")
            for cell in row["months"]:
                count, n = expected.get((key, cell["month"]), (0, 0))
                if cell["suppressed"]:
                    assert set(cell) == {"month", "numerator", "denominator", "value", "share", "ci_low", "ci_high",
                                         "suppressed"}  # fmt: skip
                    assert all(cell[k] is None for k in cell if k not in ("month", "suppressed")), cell
                    assert n, (code, key, cell)  # never an empty cell
                elif n:
                    assert (cell["numerator"], cell["denominator"]) == (count, n), (code, key, cell)
                    assert math.isclose(cell["value"], count / n)
                    if measure["kind"] == "share":
                        assert cell["share"] == cell["value"] and cell["ci_low"] <= cell["share"] <= cell["ci_high"]
                    else:
                        assert cell["share"] is None and cell["ci_low"] is None
                else:
                    assert cell["value"] is None and cell["denominator"] == 0 and not cell["suppressed"]
    on_time = body["measures"]["on_time_share"]
    no_service = [r for r in on_time["rows"] if r["group"] is None and not r["is_total"]]
    assert no_service and no_service[0]["label"] == "Zonder dienst"
    total = [r for r in on_time["rows"] if r["is_total"]]
    assert total and total[0]["label"] == "Gemeente (totaal)" and total[0]["period"]["numerator"] is not None
    assert on_time["target"] == 0.8 and body["measures"]["satisfied_share"]["target"] == 0.9
    assert body["measures"]["satisfied_share"]["rows"][0]["label"] == "Gemeente (alle diensten)"
    assert body["measures"]["handoffs_per_dossier"]["rows"][0]["period"] is None


async def test_trends_api_defaults_to_the_last_twelve_months(client, make_user, make_token) -> None:
    from casemgmt.pilots.services import today

    evaluator = await make_user("evaluator")
    body = (await client.get("/api/v1/trends", headers=await make_token(evaluator))).json()
    assert body["to"] == today().isoformat() and len(body["months"]) == 12
    assert body["months"][-1] == today().strftime("%Y-%m")
    assert all(measure["rows"] == [] for measure in body["measures"].values())
    assert body["by"] == "service"


async def test_trends_page_shows_a_chart_and_a_table_per_measure(client, make_user, make_token, trends_world) -> None:
    evaluator = await make_user("evaluator")
    await login(client, evaluator.email)
    response = await client.get("/trends?from=2025-01-01&to=2025-03-31")
    assert response.status_code == 200
    html = response.text
    api = (await client.get("/api/v1/trends?from=2025-01-01&to=2025-03-31", headers=await make_token(evaluator))).json()
    for code in EXPECTED_TRENDS:
        assert f'data-chart="grafiek-trend-{code}"' in html and f'data-table="trend-{code}"' in html
        assert f'<title id="grafiek-trend-{code}-titel">' in html
    assert "style=" not in html and "<style" not in html
    figures = read_figures(html).figures

    def group(code: str, row: dict) -> str:
        return "GEMEENTE" if row["is_total"] else (row["group"] or "zonder-groep")

    rows = {(code, group(code, row)): row for code, measure in api["measures"].items() for row in measure["rows"]}
    compared = 0
    for figure in figures:
        _, code, key, month, field = figure["path"].split(".")
        row = rows[(code, key)]
        cell = row["period"] if month == "period" else next(c for c in row["months"] if c["month"] == month)
        if figure["suppressed"]:
            assert cell["suppressed"] and figure["text"] == "< 5, niet getoond"
        elif figure["value"] is None:
            assert cell[field] is None
        else:
            assert math.isclose(float(figure["value"]), cell[field]), figure
            compared += 1
    assert compared >= 20
    assert 'data-table="trends-overzicht"' in html and "Streefwaarde Masterplan Dienstverlening" in html
    # 7 handoffs over 6 dossiers, as a person reads it
    assert 'data-path="measures.handoffs_per_dossier.SZW.2025-01.value">1,17</data> (n = <data value="6"' in html
    # the grouping and the downloads
    assert 'name="by"' in html and '<option value="topic">Per onderwerp</option>' in html
    assert 'href="/trends/export.csv?from=2025-01-01&amp;to=2025-03-31&amp;by=service"' in html
    # htmx: only the region, with the out-of-band period message
    fragment = await client.get("/trends?from=2025-01-01&to=2025-01-31", headers={"hx-request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "Trends over 1 januari 2025 tot en met 31 januari 2025, per dienst: 1 maand." in fragment.text
    assert 'hx-swap-oob="innerHTML"' in fragment.text
