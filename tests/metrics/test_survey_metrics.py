"""Survey figures against hand-computed expectations on a small CSV-like set of responses: grades left blank,
``nee`` rows, respondents with several reasons, a satisfied respondent who still named a reason."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from casemgmt.metrics import statistics as stats
from casemgmt.metrics.periods import Period
from casemgmt.metrics.survey import survey_metrics
from casemgmt.surveys.questionnaire import HELPED_AT_ONCE, REASONS, TRANSFER_COUNT
from tests.factories import create_client
from tests.worlds.metrics import Arrange, dossier_at, enrol, make_pilot, mar

pytestmark = pytest.mark.anyio

# dossier: P = pilot cohort of "proef", C = its control cohort, O = the pilot cohort of another pilot, empty = none
RESPONSES = """\
respondent_id,contact_date,remembered_contact,grade,reasons,helped_at_once,transfer_count,dossier
S01,2026-03-02,ja,8,,meteen,,P
S02,2026-03-03,ja,5,lang_wachten|kastje_muur,doorverbonden,2,P
S03,2026-03-04,ja,,,teruggebeld,,
S04,2026-03-05,nee,,,,,
S05,2026-03-06,ja,6,kastje_muur|vaker_doorverbonden|anders,doorverbonden,meer_dan_3,C
S06,2026-03-07,ja,9,niet_deskundig,meteen,,C
S07,2026-03-08,ja,3,niet_teruggebeld,zelf_terugbellen,weet_niet,O
S08,2026-03-09,ja,7,,doorverbonden,1,P
S09,2026-04-01,ja,2,lang_wachten,meteen,,P
S10,2026-03-10,nee,,,,,C
"""
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


@pytest.fixture
async def responses(db, casemanager):
    async with db() as session, session.begin():
        pilot = await make_pilot(session)
        other = await make_pilot(session, slug="andere")
        dossiers = {}
        for key, (which, cohort) in {"P": (pilot, "pilot"), "C": (pilot, "control"), "O": (other, "pilot")}.items():
            dossiers[key] = await dossier_at(session, await create_client(session), casemanager.id, mar(2))
            await enrol(session, which, dossiers[key], cohort)
        arrange = Arrange(session, casemanager.id)
        for row in csv.DictReader(io.StringIO(RESPONSES)):
            await arrange.response(
                dossiers.get(row["dossier"]),
                date.fromisoformat(row["contact_date"]),
                int(row["grade"]) if row["grade"] else None,
                remembered=row["remembered_contact"] == "ja",
                reasons=tuple(filter(None, row["reasons"].split("|"))),
                helped=row["helped_at_once"] or None,
                transfers=row["transfer_count"] or None,
            )
    return pilot


def breakdown(codes, counts: dict[str, int], denominator: int):
    return {
        code: {"count": counts.get(code, 0), "share": counts.get(code, 0) / denominator if denominator else None}
        for code in codes
    }


async def test_march_figures_match_the_hand_count(db, responses):
    async with db() as session:
        result = (await survey_metrics(session, MARCH)).to_json()
    # S01–S08 and S10 (S09 is April): 9 respondents, 7 remembered, grades 8 5 6 9 3 7
    assert (result["respondents"], result["remembered"], result["graded"]) == (9, 7, 6)
    assert (result["satisfied"], result["dissatisfied"]) == (3, 3)
    expected = stats.share(3, 6)
    assert result["satisfied_share"] == {"value": 0.5, "ci_low": expected.ci_low, "ci_high": expected.ci_high}
    # reasons of the dissatisfied S02, S05, S07 only (S06 is satisfied: niet_deskundig not counted)
    assert result["reasons"] == breakdown(
        REASONS,
        {"lang_wachten": 1, "kastje_muur": 2, "vaker_doorverbonden": 1, "anders": 1, "niet_teruggebeld": 1},
        3,
    )
    assert result["reasons"]["kastje_muur"]["share"] == pytest.approx(2 / 3)
    # helped at once: 7 answered (S04 and S10 are 'nee' rows without answers)
    assert result["helped_at_once"] == breakdown(
        HELPED_AT_ONCE, {"meteen": 2, "doorverbonden": 3, "teruggebeld": 1, "zelf_terugbellen": 1}, 7
    )
    assert result["transfer_count"] == breakdown(TRANSFER_COUNT, {"2": 1, "meer_dan_3": 1, "weet_niet": 1, "1": 1}, 4)


async def test_pilot_and_cohort_filters(db, responses):
    async with db() as session:
        pilot_only = (await survey_metrics(session, MARCH, responses)).to_json()
        pilot_cohort = (await survey_metrics(session, MARCH, responses, "pilot")).to_json()
        control = (await survey_metrics(session, MARCH, responses, "control")).to_json()
        any_pilot_cohort = (await survey_metrics(session, MARCH, None, "pilot")).to_json()
    # linked to "proef": S01 S02 S08 (pilot), S05 S06 S10 (control)
    assert (pilot_only["respondents"], pilot_only["graded"], pilot_only["satisfied"]) == (6, 5, 3)
    assert (pilot_cohort["respondents"], pilot_cohort["graded"], pilot_cohort["dissatisfied"]) == (3, 3, 1)
    assert pilot_cohort["reasons"]["lang_wachten"] == {"count": 1, "share": 1.0}
    assert pilot_cohort["reasons"]["anders"] == {"count": 0, "share": 0.0}
    assert (control["respondents"], control["remembered"], control["satisfied"], control["dissatisfied"]) == (
        3,
        2,
        1,
        1,
    )
    assert control["transfer_count"]["meer_dan_3"] == {"count": 1, "share": 1.0}
    # the pilot cohort of any pilot: also S07 of the other pilot
    assert (any_pilot_cohort["respondents"], any_pilot_cohort["dissatisfied"]) == (4, 2)


async def test_no_responses_give_zero_counts_and_null_shares(db, responses):
    async with db() as session:
        result = (await survey_metrics(session, Period(date(2025, 1, 1), date(2025, 1, 31)))).to_json()
    assert (result["respondents"], result["graded"]) == (0, 0)
    assert result["satisfied_share"] == {"value": None, "ci_low": None, "ci_high": None}
    assert all(item == {"count": 0, "share": None} for item in result["reasons"].values())
    assert all(item == {"count": 0, "share": None} for item in result["helped_at_once"].values())


async def test_survey_api_for_an_evaluator(client, make_user, make_token, responses):
    headers = await make_token(await make_user("evaluator"))
    response = await client.get(
        "/api/v1/metrics/survey",
        params={"from": "2026-03-01", "to": "2026-03-31", "pilot": "proef", "cohort": "control"},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    # 3 respondents, 2 graded (1 satisfied): fewer than 5, so withheld (metrics/disclosure.py)
    assert (body["respondents"], body["graded"], body["satisfied"], body["satisfied_share"]["value"]) == (
        None,
        None,
        None,
        None,
    )
    assert {"respondents", "graded", "satisfied", "satisfied_share"} <= set(body["suppressed"])
    assert set(body) == {
        "respondents",
        "remembered",
        "graded",
        "satisfied",
        "dissatisfied",
        "satisfied_share",
        "reasons",
        "helped_at_once",
        "transfer_count",
        "suppression_threshold",
        "suppressed",
    }
    everything = await client.get("/api/v1/metrics/survey", headers=headers)
    assert everything.json()["respondents"] == 10


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"from": "2026-04-01", "to": "2026-03-01"}, 422, "from"),
        ({"from": "1 maart"}, 422, "from"),
        ({"cohort": "beide"}, 422, "cohort"),
        ({"pilot": "bestaat-niet"}, 404, None),
    ],
)
async def test_survey_api_bad_input(client, make_user, make_token, responses, params, status, field):
    headers = await make_token(await make_user("admin"))
    response = await client.get("/api/v1/metrics/survey", params=params, headers=headers)
    assert response.status_code == status, response.text
    if field:
        assert field in response.text
