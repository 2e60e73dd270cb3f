"""``POST /api/v1/surveys/import`` and ``POST /api/v1/surveys``: the report's shape, nothing written on 422, and the
persona matrix (admin and evaluator allowed; other roles 403; anonymous 401)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casemgmt.audit.models import AuditEvent
from casemgmt.surveys.models import SurveyResponse, survey_reasons
from tests.factories import create_client, create_dossier
from tests.surveys.conftest import survey_csv

pytestmark = pytest.mark.anyio

SERVICES = {"kcc_agent": ["KCC"], "accountmanager": ["SZW"]}
CSV = {"content-type": "text/csv; charset=utf-8"}


async def token(make_user, make_token, role: str) -> dict[str, str]:
    return await make_token(await make_user(role, services=SERVICES.get(role)))


async def count(db) -> int:
    async with db() as session:
        return int(await session.scalar(select(func.count()).select_from(SurveyResponse)) or 0)


GOOD = ("R-1,2026-03-04,ja,8,,meteen,,bewoner,vrouw,35-44,hbo,,", "R-2,2026-03-05,ja,5,lang_wachten,,,,,,,,")
BAD = (
    "R-3,2026-03-06,ja,11,,,,,,,,,",
    "R-4,2026-03-06,ja,5,onbekend,,,,,,,,",
    "R-5,2026-03-06,ja,5,,,,,,,,D-2020-00001,",
)


@pytest.mark.parametrize("role", ["admin", "evaluator"])
async def test_admin_and_evaluator_import_a_file(client, db, make_user, make_token, role):
    headers = {**await token(make_user, make_token, role), **CSV}
    response = await client.post("/api/v1/surveys/import", content=survey_csv(*GOOD), headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"imported": 2, "errors": []}
    assert await count(db) == 2
    async with db() as session:
        [event] = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "import"))).all()
        assert event.actor_role == role


async def test_an_invalid_row_gives_422_with_every_line_and_writes_nothing(client, db, make_user, make_token):
    headers = {**await token(make_user, make_token, "evaluator"), **CSV}
    response = await client.post("/api/v1/surveys/import", content=survey_csv(*GOOD, *BAD), headers=headers)
    assert response.status_code == 422
    body = response.json()
    assert body["imported"] == 0
    assert [(e["line"], e["field"]) for e in body["errors"]] == [(4, "grade"), (5, "reasons"), (6, "dossier_ref")]
    assert all(e["message"] for e in body["errors"])
    assert await count(db) == 0
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(survey_reasons)) == 0
        assert (await session.scalars(select(AuditEvent).where(AuditEvent.action == "import"))).all() == []


async def test_skip_invalid_imports_the_rest(client, db, make_user, make_token):
    headers = {**await token(make_user, make_token, "admin"), **CSV}
    response = await client.post(
        "/api/v1/surveys/import?skip_invalid=true",
        content=survey_csv(*GOOD, *BAD, separator=";", bom=True),
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json()["imported"] == 2
    assert [(e["line"], e["field"]) for e in response.json()["errors"]] == [
        (4, "grade"),
        (5, "reasons"),
        (6, "dossier_ref"),
    ]
    assert await count(db) == 2


@pytest.mark.parametrize("role", ["kcc_agent", "casemanager", "accountmanager"])
async def test_other_roles_may_not_import_or_enter(client, db, make_user, make_token, role):
    headers = await token(make_user, make_token, role)
    response = await client.post("/api/v1/surveys/import", content=survey_csv(*GOOD), headers={**headers, **CSV})
    assert response.status_code == 403
    single = await client.post(
        "/api/v1/surveys",
        json={"respondent_id": "X", "contact_date": "2026-01-01", "remembered_contact": "ja"},
        headers=headers,
    )
    assert single.status_code == 403
    assert await count(db) == 0


async def test_anonymous_visitors_get_401(client, db):
    assert (await client.post("/api/v1/surveys/import", content=survey_csv(*GOOD), headers=CSV)).status_code == 401
    assert (await client.post("/api/v1/surveys", json={})).status_code == 401
    assert await count(db) == 0


async def test_one_response_with_reasons_as_a_list(client, db, make_user, make_token):
    casemanager = await make_user("casemanager")
    async with db() as session, session.begin():
        dossier = await create_dossier(session, await create_client(session), casemanager.id)
    headers = await token(make_user, make_token, "evaluator")
    answers = {
        "respondent_id": "TEL-0042",
        "contact_date": "2026-03-05",
        "remembered_contact": "ja",
        "grade": 4,
        "reasons": ["kastje_muur", "niet_teruggebeld"],
        "helped_at_once": "doorverbonden",
        "transfer_count": "2",
        "respondent_type": "bewoner",
        "dossier_ref": dossier.ref,
        "comment": "Niemand belde terug.",
    }
    response = await client.post("/api/v1/surveys", json=answers, headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"] and body["respondent_id"] == "TEL-0042" and body["grade"] == 4
    assert body["reasons"] == ["kastje_muur", "niet_teruggebeld"]
    assert body["dossier_ref"] == dossier.ref and body["gender"] is None
    async with db() as session:
        stored = await session.scalar(select(SurveyResponse))
        assert stored is not None and stored.dossier_id == dossier.id and stored.import_batch is None
        codes = (await session.scalars(select(survey_reasons.c.code).order_by(survey_reasons.c.code))).all()
        assert codes == ["kastje_muur", "niet_teruggebeld"]

    again = await client.post("/api/v1/surveys", json=answers, headers=headers)
    assert again.status_code == 422
    assert again.json()["extra"] == [
        {"field": "respondent_id", "message": "Respondentnummer 'TEL-0042' staat al in de database."}
    ]


async def test_a_bad_response_names_each_field(client, db, make_user, make_token):
    headers = await token(make_user, make_token, "admin")
    response = await client.post(
        "/api/v1/surveys",
        json={
            "respondent_id": "X-1",
            "contact_date": "2026-13-01",
            "remembered_contact": "ja",
            "grade": 11,
            "reasons": ["lang_wachten", "te_duur"],
            "dossier_ref": "D-2020-00001",
            "postcode": "2511",
        },
        headers=headers,
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["extra"]} == {"postcode", "contact_date", "grade", "reasons"}
    unknown_dossier = await client.post(
        "/api/v1/surveys",
        json={
            "respondent_id": "X-2",
            "contact_date": "2026-03-01",
            "remembered_contact": "ja",
            "dossier_ref": "D-2020-00001",
        },
        headers=headers,
    )
    assert unknown_dossier.status_code == 422
    assert unknown_dossier.json()["extra"][0]["field"] == "dossier_ref"
    assert await count(db) == 0


async def test_a_nul_in_the_file_is_a_line_error_and_writes_nothing(client, db, make_user, make_token):
    """Issue 11: PostgreSQL cannot store a NUL; the report names line and field instead of a 500."""
    headers = {**await token(make_user, make_token, "admin"), **CSV}
    nul = "R-3,2026-03-06,ja,8,,,,,,,,,Prima\x00geholpen"
    response = await client.post("/api/v1/surveys/import", content=survey_csv(*GOOD, nul), headers=headers)
    assert response.status_code == 422, response.text
    assert [(e["line"], e["field"]) for e in response.json()["errors"]] == [(4, "comment")]
    assert "NUL-teken" in response.json()["errors"][0]["message"]
    assert await count(db) == 0
    skipped = await client.post(
        "/api/v1/surveys/import?skip_invalid=true", content=survey_csv(*GOOD, nul), headers=headers
    )
    assert skipped.status_code == 200 and skipped.json()["imported"] == 2
