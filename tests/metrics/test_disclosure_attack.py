"""Disclosure control under attack (issue 11): worlds with small cells, everything an evaluator can read about them
(the dashboard page, the metrics and survey JSON, the measures CSV in both variants and the XLSX), and for every
withheld cell the arithmetic an attacker would try — the cell's own figures, share × n, the other cohort plus the
difference, the ICER's effect (cost difference / ICER), cost total / cost per resolved dossier, an empty cost per
resolved dossier that is not marked withheld (0 resolved), the period total minus the shown months, a survey
selection minus its other cohort. None may give the cell back.

The attack is real: run on the figures without disclosure control (the engine's own documents, with each cell's
own figures removed), the same arithmetic gives the cells back (``test_the_attack_finds_the_cells_without_control``).
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from casemgmt.dashboard.monthly import pilot_monthly
from casemgmt.metrics import disclosure
from casemgmt.metrics.disclosure import disclose_pilot_metrics
from casemgmt.metrics.engine import pilot_metrics
from casemgmt.metrics.exports import MEASURE_COLUMNS
from casemgmt.metrics.periods import Period
from casemgmt.metrics.survey import survey_metrics
from casemgmt.pilots.measures import SHARE_CODES
from tests.factories import create_client, valid_bsn
from tests.worlds.metrics import Arrange, dossier_at, enrol, make_pilot
from tests.worlds.personas import login

pytestmark = pytest.mark.anyio

FROM, TO = date(2025, 1, 1), date(2025, 3, 31)
PERIOD = {"from": FROM.isoformat(), "to": TO.isoformat()}
COHORTS = ("pilot", "control")
Knowledge = dict[str, float]

# (cohort, month, closed resolved, closed referred, open, graded responses (grade 8) per dossier of the first few)
SCENARIOS: dict[str, dict[str, Any]] = {
    # the reproduction: 3 of 4 closed pilot dossiers resolved, with 7 dossiers (so their cost is shown);
    # the control's February (3 closed) is small while its January, its March (5 each) and its period are not
    "three_of_four": {
        "dossiers": [
            ("pilot", 1, 2, 0, 2),
            ("pilot", 2, 1, 1, 1),
            ("control", 1, 3, 2, 0),
            ("control", 2, 1, 2, 2),
            ("control", 3, 2, 3, 0),
        ],
        "graded": {"pilot": 3, "control": 6},
    },
    # 0 resolved of 4 (an empty cost per resolved dossier would say so), the control exactly at the threshold
    "zero_resolved": {
        "dossiers": [("pilot", 1, 0, 2, 1), ("pilot", 2, 0, 2, 1), ("control", 1, 0, 5, 0)],
        "graded": {"pilot": 4, "control": 5},
    },
}


@dataclass
class World:
    slug: str
    raw: Any
    monthly: Any
    survey: dict[str, Any]


async def build_world(db, casemanager_id: int, scenario: str) -> World:
    spec = SCENARIOS[scenario]
    async with db() as session, session.begin():
        pilot = await make_pilot(session, slug="klein", start_date=date(2025, 1, 1), end_date=date(2025, 12, 31))
        arrange = Arrange(session, casemanager_id)
        by_cohort: dict[str, list] = {"pilot": [], "control": []}
        number = 0
        for cohort, month, resolved, referred, still_open in spec["dossiers"]:
            plan = [("resolved",)] * resolved + [("referred",)] * referred + [(None,)] * still_open
            for index, (outcome,) in enumerate(plan):
                number += 1
                client = await create_client(session, name=f"Klant {number}", bsn=valid_bsn(900 + number))
                opened = datetime(2025, month, 3 + index, 9, tzinfo=UTC)
                closed = datetime(2025, month, 20, 9, tzinfo=UTC) if outcome else None
                dossier = await dossier_at(session, client, casemanager_id, opened, closed, outcome)
                await enrol(session, pilot, dossier, cohort)
                await arrange.time(dossier, "casemanager", 30 + 15 * number, day=opened.date())
                by_cohort[cohort].append(dossier)
        for cohort, graded in spec["graded"].items():
            for index in range(graded):
                await arrange.response(by_cohort[cohort][index], date(2025, 1 + index % 2, 10), 8 if index else 5)
    now = datetime.now(UTC)
    async with db() as session:
        raw = await pilot_metrics(session, pilot, FROM, TO, now)
        monthly = await pilot_monthly(session, pilot, Period(FROM, TO), now, ["resolved_share", "satisfied_share"])
        survey = {
            key: await survey_metrics(session, Period(FROM, TO), pilot if with_pilot else None, cohort)
            for key, with_pilot, cohort in (
                ("pilot/pilot", True, "pilot"),
                ("pilot/control", True, "control"),
                ("pilot", True, None),
                ("any/pilot", False, "pilot"),
                ("any/control", False, "control"),
                ("all", False, None),
            )
        }
    return World(pilot.slug, raw, monthly, survey)


# ------------------------------------------------------------------------------------------------ what is shown


def flatten(node: Any, prefix: str = "") -> Knowledge:
    out: Knowledge = {}
    if isinstance(node, dict):
        for key, value in node.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else key))
    elif isinstance(node, int | float) and not isinstance(node, bool):
        out[prefix] = float(node)
    return out


def number(text: str | None) -> float | None:
    if text in (None, ""):
        return None
    try:
        return float(str(text).replace(",", "."))
    except ValueError:
        return None


PLAIN = {
    "dossiers": "cohorts.{c}.dossiers",
    "closed": "cohorts.{c}.closed",
    "resolved": "cohorts.{c}.resolved",
    "hours": "cohorts.{c}.cost.hours",
    "cost_total": "cohorts.{c}.cost.cost_total",
    "cost_per_dossier": "cohorts.{c}.cost.cost_per_dossier",
    "cost_per_resolved_dossier": "cohorts.{c}.cost.cost_per_resolved_dossier",
    "handoffs_per_dossier": "cohorts.{c}.measures.handoffs_per_dossier.value",
    "contacts_per_dossier": "cohorts.{c}.measures.contacts_per_dossier.value",
    "days_to_close_median": "cohorts.{c}.measures.days_to_close.median",
    "delta_cost_per_dossier": "cost_effectiveness.delta_cost_per_dossier",
    "icer": "cost_effectiveness.icer",
    "mde": "mde.detectable_difference",
}
PLAIN_N = {
    "cost_per_dossier": "cohorts.{c}.dossiers",
    "cost_per_resolved_dossier": "cohorts.{c}.resolved",
    "days_to_close_median": "cohorts.{c}.closed",
    "handoffs_per_dossier": "cohorts.{c}.dossiers",
    "mde": "mde.per_arm_n",
}


def measures_table(rows: list[list[Any]]) -> Knowledge:
    """The measures export read back into the metrics document's paths."""
    out: Knowledge = {}
    for row in rows:
        cells = dict(zip(MEASURE_COLUMNS, row, strict=True))
        measure, cohort = cells["measure"], cells["cohort"] or ""
        values = {k: number(v) if isinstance(v, str) else v for k, v in cells.items()}
        if measure in SHARE_CODES:
            base = f"cohorts.{cohort}.measures.{measure}"
            for field in ("count", "n", "value", "ci_low", "ci_high"):
                if values[field] is not None:
                    out[f"{base}.{field}"] = float(values[field])
            for field, name in (("difference", "difference"), ("difference_ci_low", "ci_low"), ("p_value", "p_value")):
                if values[field] is not None:
                    out[f"comparison.{measure}.{name}"] = float(values[field])
        elif measure in PLAIN:
            if values["value"] is not None:
                out[PLAIN[measure].format(c=cohort)] = float(values["value"])
            if measure in PLAIN_N and values["n"] is not None:
                out[PLAIN_N[measure].format(c=cohort)] = float(values["n"])
    return out


def page_knowledge(html: str) -> Knowledge:
    """Every figure on the dashboard that carries its path, plus the numbers only said in words."""
    out: Knowledge = {}
    for value, path in re.findall(r'<data value="([^"]*)" data-path="([^"]+)"', html):
        if number(value) is not None:
            out[path] = float(value)
    dutch = r"([−+]?[\d.]+(?:,\d+)?)"

    def parse(text: str) -> float:
        return float(text.replace("−", "-").replace(".", "").replace(",", "."))

    for code, body in re.findall(r'data-measure="([a-z_]+)">\s*<article(.*?)</article>', html, re.S):
        for cohort, count, n in re.findall(
            r'data-cohort="(\w+)">(?:(?!data-cohort=).)*?dash-card__detail">(\d+) van (\d+)', body, re.S
        ):
            out[f"cohorts.{cohort}.measures.{code}.count"] = float(count)
            out[f"cohorts.{cohort}.measures.{code}.n"] = float(n)
        difference = re.search(rf"Verschil pilot − controle:\s*<strong>{dutch} procentpunt", body)
        if difference:
            out[f"comparison.{code}.difference"] = parse(difference.group(1)) / 100
    delta = re.search(rf"verschil in [^:]+: {dutch} procentpunt", html)
    if delta:
        out["cost_effectiveness.delta_effect"] = parse(delta.group(1)) / 100
    per_arm = re.search(r"Met (\d+) [a-z ]+ per groep", html)
    if per_arm:
        out["mde.per_arm_n"] = float(per_arm.group(1))
    return out


async def everything_shown(client, headers, slug: str) -> tuple[Knowledge, set[str], dict[str, Knowledge]]:
    """What an evaluator can read: (figures by path, the paths named withheld, the survey figures per selection)."""
    api = (await client.get(f"/api/v1/pilots/{slug}/metrics", params=PERIOD, headers=headers)).json()
    known = flatten(api)
    csv_text = (await client.get(f"/api/v1/pilots/{slug}/export.csv", params=PERIOD, headers=headers)).text
    known.update(measures_table(list(csv.reader(io.StringIO(csv_text)))[1:]))
    excel = await client.get(
        f"/api/v1/pilots/{slug}/export.csv", params={**PERIOD, "variant": "excel-nl"}, headers=headers
    )
    known.update(measures_table(list(csv.reader(io.StringIO(excel.content.decode("utf-8-sig")), delimiter=";"))[1:]))
    xlsx = await client.get(f"/api/v1/pilots/{slug}/export.xlsx", params=PERIOD, headers=headers)
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True)["Maatregelen"]
    known.update(measures_table([list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]))
    html = (await client.get(f"/pilots/{slug}", params=PERIOD)).text
    assert "Dossiers opgelost" in html
    known.update(page_knowledge(html))
    surveys = {}
    for key, params in {
        "pilot/pilot": {"pilot": slug, "cohort": "pilot"},
        "pilot/control": {"pilot": slug, "cohort": "control"},
        "pilot": {"pilot": slug},
        "any/pilot": {"cohort": "pilot"},
        "any/control": {"cohort": "control"},
        "all": {},
    }.items():
        surveys[key] = flatten(
            (await client.get("/api/v1/metrics/survey", params={**PERIOD, **params}, headers=headers)).json()
        )
    return known, set(api["suppressed"]), surveys


# ------------------------------------------------------------------------------------------------ the attacker


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b not in (None, 0) else None


def share_candidates(
    k: Knowledge, withheld: set[str], cohort: str, code: str, primary: str, months: Knowledge
) -> tuple[list[float], list[float]]:
    """(candidate values, candidate counts) of one cohort's share by every route the attacker knows."""
    base = f"cohorts.{cohort}.measures.{code}"
    other = "control" if cohort == "pilot" else "pilot"
    obase = f"cohorts.{other}.measures.{code}"
    ns = [k.get(f"{base}.n")]
    counts = [k.get(f"{base}.count")]
    if code == "resolved_share":
        ns += [k.get(f"cohorts.{cohort}.closed"), k.get(f"cohorts.{cohort}.measures.days_to_close.n")]
        counts += [k.get(f"cohorts.{cohort}.resolved")]
        counts.append(
            ratio(k.get(f"cohorts.{cohort}.cost.cost_total"), k.get(f"cohorts.{cohort}.cost.cost_per_resolved_dossier"))
        )
        cpr = f"cohorts.{cohort}.cost.cost_per_resolved_dossier"
        if cpr not in k and cpr not in withheld and f"cohorts.{cohort}.cost.cost_total" in k:
            counts.append(0.0)  # no cost per resolved dossier, not marked withheld: none resolved
    values = [k.get(f"{base}.value")] + [ratio(c, n) for c in counts for n in ns]
    other_values = [k.get(f"{obase}.value"), ratio(k.get(f"{obase}.count"), k.get(f"{obase}.n"))]
    differences = [k.get(f"comparison.{code}.difference")]
    if code == primary:
        differences += [k.get("cost_effectiveness.delta_effect")]
        differences.append(ratio(k.get("cost_effectiveness.delta_cost_per_dossier"), k.get("cost_effectiveness.icer")))
    sign = 1 if cohort == "pilot" else -1
    values += [o + sign * d for o in other_values for d in differences if o is not None and d is not None]
    month_keys = sorted({p.rsplit(".", 2)[0] for p in months if p.startswith(f"monthly.{code}.{cohort}.")})
    if month_keys and all(f"{m}.n" in months and f"{m}.value" in months for m in month_keys):
        total_n = sum(months[f"{m}.n"] for m in month_keys)
        values.append(ratio(sum(months[f"{m}.value"] * months[f"{m}.n"] for m in month_keys), total_n))
    counts += [v * n for v in values if v is not None for n in ns if n is not None]
    return [v for v in values if v is not None], [c for c in counts if c is not None]


def hits(candidates: list[float], secret: float) -> bool:
    return any(math.isclose(c, secret, rel_tol=1e-6, abs_tol=1e-6) for c in candidates)


def recovered(k: Knowledge, withheld: set[str], surveys: dict[str, Knowledge], world: World) -> list[str]:
    """Every withheld cell of ``world`` that the attacker's arithmetic gives back from ``k`` and ``surveys``."""
    raw, found = world.raw, []
    primary = raw.primary_outcome
    months = {p: v for p, v in k.items() if p.startswith("monthly.")}
    for path in disclose_pilot_metrics(raw).suppressed:
        parts = path.split(".")
        if len(parts) == 4 and parts[2] == "measures" and parts[3] in SHARE_CODES:
            cohort, code = parts[1], parts[3]
            cell = raw.cohorts.of(cohort).measures.share(code)
            values, counts = share_candidates(k, withheld, cohort, code, primary, months)
            if (cell.value is not None and hits(values, cell.value)) or (cell.n and hits(counts, cell.count)):
                found.append(path)
        if path.endswith(".cost.cost_total"):
            cohort = parts[1]
            figures = raw.cohorts.of(cohort)
            base = f"cohorts.{cohort}"
            candidates = [
                k.get(f"{base}.cost.cost_total"),
                (k.get(f"{base}.cost.cost_per_dossier") or 0) * (k.get(f"{base}.dossiers") or 0) or None,
                (k.get(f"{base}.cost.cost_per_resolved_dossier") or 0) * (k.get(f"{base}.resolved") or 0) or None,
            ]
            if hits([c for c in candidates if c is not None], figures.cost.cost_total):
                found.append(path)
    # a withheld month: the period's count minus the other months' counts
    for code, by_cohort in world.monthly.items():
        for cohort, figures in by_cohort.items():
            for month in figures:
                key = f"monthly.{code}.{cohort}.{month.month:%Y-%m}"
                if f"{key}.value" in k or month.n == 0:
                    continue
                others = [f for f in figures if f is not month and f.n]
                if not all(f"monthly.{code}.{cohort}.{f.month:%Y-%m}.value" in k for f in others):
                    continue
                shown = sum(
                    k[f"monthly.{code}.{cohort}.{f.month:%Y-%m}.value"]
                    * k[f"monthly.{code}.{cohort}.{f.month:%Y-%m}.n"]
                    for f in others
                )
                _, totals = share_candidates(k, withheld, cohort, code, primary, {})
                if hits([t - shown for t in totals], month.count):
                    found.append(key)
    # a withheld survey cohort: its own figures, or a selection adding it up minus the other part
    for key, other in (("pilot/pilot", "pilot/control"), ("pilot/control", "pilot/pilot")):
        secret = world.survey[key]
        if not disclosure.small(secret.graded):
            continue
        mine = surveys[key]
        candidates = [mine.get("satisfied")]
        if "satisfied_share.value" in mine and "graded" in mine:
            candidates.append(mine["satisfied_share.value"] * mine["graded"])
        for total in ("pilot", f"any/{key.split('/')[1]}", "all"):
            if "satisfied" in surveys[total]:  # the other cohort, when it is withheld too, taken as 0..4
                others = [surveys[other]["satisfied"]] if "satisfied" in surveys[other] else [0, 1, 2, 3, 4]
                candidates += [surveys[total]["satisfied"] - o for o in others if "satisfied" in surveys[other]]
        if hits([c for c in candidates if c is not None], secret.satisfied):
            found.append(f"survey {key}")
    return found


# ------------------------------------------------------------------------------------------------ the tests


@pytest.fixture(params=list(SCENARIOS))
async def world(request, db, make_user) -> World:
    casemanager = await make_user("casemanager", services=["SZW"])
    return await build_world(db, casemanager.id, request.param)


async def test_no_withheld_cell_can_be_recomputed_from_what_is_shown(client, make_user, make_token, world) -> None:
    evaluator = await make_user("evaluator")
    await login(client, evaluator.email)
    headers = await make_token(evaluator)
    known, withheld, surveys = await everything_shown(client, headers, world.slug)
    disclosed = disclose_pilot_metrics(world.raw)
    assert "cohorts.pilot.measures.resolved_share" in disclosed.suppressed  # the worlds do have small cells
    assert any(path.startswith("monthly.") for path in known)  # and the page's months were read
    assert recovered(known, withheld, surveys, world) == []
    # nothing withheld is shown under its own path either
    for path in disclosed.suppressed:
        assert not [p for p in known if p == path or (p.startswith(path + ".") and not p.endswith(".target"))], path


async def test_the_attack_finds_the_cells_without_control(world) -> None:
    """Without disclosure control, and without a withheld cell's own figures, the arithmetic gives them back."""
    raw = flatten(world.raw.to_json())
    months = {
        f"monthly.{code}.{cohort}.{f.month:%Y-%m}.{field}": float(getattr(f, field))
        for code, by_cohort in world.monthly.items()
        for cohort, figures in by_cohort.items()
        for f in figures
        if f.n
        for field in ("value", "n")
    }
    surveys = {key: flatten(figures.to_json()) for key, figures in world.survey.items()}
    target = "cohorts.pilot.measures.resolved_share"
    without_cell = {p: v for p, v in {**raw, **months}.items() if not p.startswith(target + ".")}
    without_cell = {p: v for p, v in without_cell.items() if p not in ("cohorts.pilot.resolved",)}
    found = recovered(without_cell, set(), surveys, world)
    assert target in found  # from the control's share and the difference, or cost / cost per resolved dossier
    found = recovered(without_cell, set(), {**surveys, "pilot/pilot": {}}, world)
    assert "survey pilot/pilot" in found  # the pilot's survey figures: both cohorts minus the control
    if world.monthly["resolved_share"]["control"][1].n and disclosure.small(
        world.monthly["resolved_share"]["control"][1].n
    ):
        without_month = {
            p: v for p, v in without_cell.items() if not p.startswith("monthly.resolved_share.control.2025-02")
        }
        assert "monthly.resolved_share.control.2025-02" in recovered(without_month, set(), surveys, world)
