"""The metrics API: who may read it (evaluators and admins; other roles 403, anonymous 401), the contract over
HTTP, bad periods, and no response an evaluator can reach carries a client name or BSN."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.worlds.metrics import FROM, NOW, TO

pytestmark = pytest.mark.anyio

MARCH = {"from": FROM.isoformat(), "to": TO.isoformat()}
ROUTES = [
    "/api/v1/pilots/proef/metrics",
    "/api/v1/metrics/survey",
    "/api/v1/pilots/proef/export.csv",
    "/api/v1/pilots/proef/export.xlsx",
]


async def test_evaluator_reads_the_pilot_metrics(client, built, make_user, make_token):
    headers = await make_token(await make_user("evaluator"))
    response = await client.get("/api/v1/pilots/proef/metrics", params=MARCH, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["pilot"], body["from"], body["to"], body["primary_outcome"]) == (
        "proef",
        "2026-03-01",
        "2026-03-31",
        "resolved_share",
    )
    pilot = body["cohorts"]["pilot"]
    # 4 dossiers, 3 closed, 2 resolved: fewer than 5, so withheld with everything they could be derived from
    assert (pilot["dossiers"], pilot["closed"], pilot["resolved"]) == (None, None, None)
    assert pilot["measures"]["resolved_share"]["count"] is None
    assert pilot["measures"]["resolved_share"]["target"] == 0.75  # the pilot file's target is not a figure
    assert pilot["cost"]["cost_per_dossier"] is None
    assert body["comparison"]["resolved_share"]["difference"] is None
    assert body["cost_effectiveness"]["status"] == "suppressed"
    assert body["mde"]["per_arm_n"] is None
    assert body["suppression_threshold"] == 5
    assert {"cohorts.pilot.measures.resolved_share", "comparison.resolved_share", "mde"} <= set(body["suppressed"])
    # 6 inbound contacts in the pilot cohort: shown
    assert pilot["measures"]["transfer_share"]["count"] == 2 and pilot["measures"]["transfer_share"]["n"] == 6


async def test_api_matches_the_engine(client, db, built, make_user, make_token):
    """The handler adds nothing and drops nothing but what disclosure control withholds (judged now instead of NOW:
    March lies in the past)."""
    from casemgmt.metrics.disclosure import disclose_pilot_metrics
    from casemgmt.metrics.engine import pilot_metrics

    headers = await make_token(await make_user("admin"))
    body = (await client.get("/api/v1/pilots/proef/metrics", params=MARCH, headers=headers)).json()
    async with db() as session:
        direct = await pilot_metrics(session, built.pilot, FROM, TO, NOW)
    assert body == disclose_pilot_metrics(direct).to_json()


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"from": "2026-03-31", "to": "2026-03-01"}, 422, "from"),
        ({"from": "2026-02-30"}, 422, "from"),
        ({"to": "morgen"}, 422, "to"),
    ],
)
async def test_bad_periods_are_422(client, built, make_user, make_token, params, status, field):
    headers = await make_token(await make_user("evaluator"))
    response = await client.get("/api/v1/pilots/proef/metrics", params=params, headers=headers)
    assert response.status_code == status, response.text
    assert field in response.text


async def test_unknown_pilot_is_404(client, built, make_user, make_token):
    headers = await make_token(await make_user("evaluator"))
    response = await client.get("/api/v1/pilots/onbekend/metrics", headers=headers)
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["kcc_agent", "casemanager", "accountmanager"])
@pytest.mark.parametrize("route", ROUTES)
async def test_other_employees_are_refused(client, built, make_user, make_token, role, route):
    headers = await make_token(await make_user(role, services=["SZW"]))
    response = await client.get(route, params=MARCH, headers=headers)
    assert response.status_code == 403


@pytest.mark.parametrize("role", ["evaluator", "admin"])
@pytest.mark.parametrize("route", ROUTES)
async def test_evaluators_and_admins_may(client, built, make_user, make_token, role, route):
    headers = await make_token(await make_user(role))
    response = await client.get(route, params=MARCH, headers=headers)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("route", ROUTES)
async def test_anonymous_is_401(client, built, route):
    response = await client.get(route, params=MARCH)
    assert response.status_code == 401


def body_text(response) -> str:
    if response.headers["content-type"].startswith("application/vnd.openxmlformats"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist())
    return response.content.decode("utf-8-sig")


async def test_no_response_an_evaluator_reaches_contains_a_name_or_bsn(client, built, make_user, make_token):
    headers = await make_token(await make_user("evaluator"))
    requests = [
        ("/api/v1/pilots/proef/metrics", {}),
        ("/api/v1/pilots/proef/metrics", MARCH),
        ("/api/v1/pilots/andere/metrics", {}),
        ("/api/v1/metrics/survey", {}),
        ("/api/v1/metrics/survey", {"pilot": "proef", "cohort": "pilot"}),
    ]
    for suffix in ("csv", "xlsx"):
        for table in ("measures", "dossiers"):
            requests.append((f"/api/v1/pilots/proef/export.{suffix}", {"table": table}))
            requests.append((f"/api/v1/pilots/proef/export.{suffix}", {**MARCH, "table": table}))
        requests.append((f"/api/v1/pilots/andere/export.{suffix}", {"table": "dossiers"}))
    requests.append(("/api/v1/pilots/proef/export.csv", {"table": "dossiers", "variant": "excel-nl"}))

    pseudonyms_seen = set()
    for path, params in requests:
        response = await client.get(path, params=params, headers=headers)
        assert response.status_code == 200, (path, params, response.text)
        text = body_text(response)
        for person in built.clients:
            assert person.name not in text, (path, params, person.name)
            assert person.bsn not in text, (path, params, person.bsn)
            if person.pseudonym in text:
                pseudonyms_seen.add(person.pseudonym)
    assert len(pseudonyms_seen) >= 7  # the dossier exports do identify dossiers, by pseudonym
