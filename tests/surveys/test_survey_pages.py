"""The pages Enquêteantwoord invoeren (``/tevredenheid/nieuw``) and Enquêteantwoorden importeren
(``/tevredenheid/import``): the questionnaire's Dutch questions, errors in place, the upload with its progress
script and the summary, and who may use them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from casemgmt.surveys import questionnaire
from casemgmt.surveys.models import SurveyResponse, survey_reasons
from tests.surveys.conftest import survey_csv
from tests.worlds.personas import csrf_token, login

pytestmark = pytest.mark.anyio


async def count(db) -> int:
    async with db() as session:
        return int(await session.scalar(select(func.count()).select_from(SurveyResponse)) or 0)


def no_inline_scripts(html: str) -> None:
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag, tag
    assert " style=" not in html and "hx-on" not in html


async def test_the_form_follows_the_questionnaire(client, make_user):
    evaluator = await make_user("evaluator")
    await login(client, evaluator.email)
    page = await client.get("/tevredenheid/nieuw")
    assert page.status_code == 200
    html = page.text
    assert 'name="_csrf_token"' in html
    for field in ("remembered_contact", "grade", "reasons", "helped_at_once", "transfer_count", "age_band", "comment"):
        assert questionnaire.QUESTIONS[field].replace("'", "&#39;") in html
    for label in (*questionnaire.REASONS.values(), *questionnaire.HELPED_AT_ONCE.values()):
        assert label.replace("'", "&#39;") in html or label in html
    assert 'type="checkbox"' in html and 'name="reasons"' in html
    for field in questionnaire.FIELD_LABELS:
        assert f'name="{field}"' in html
    no_inline_scripts(html)


async def test_a_response_is_saved_and_the_form_emptied(client, db, make_user):
    admin = await make_user("admin")
    await login(client, admin.email)
    token = await csrf_token(client, "/tevredenheid/nieuw")
    response = await client.post(
        "/tevredenheid/nieuw",
        data={
            "_csrf_token": token,
            "respondent_id": "TEL-1",
            "contact_date": "2026-03-04",
            "remembered_contact": "ja",
            "grade": "5",
            "reasons": ["lang_wachten", "kastje_muur"],
            "helped_at_once": "doorverbonden",
            "transfer_count": "meer_dan_3",
            "respondent_type": "bewoner",
            "gender": "",
            "age_band": "45-54",
            "education": "",
            "dossier_ref": "",
            "comment": "Lang gewacht.",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/tevredenheid/nieuw"
    async with db() as session:
        stored = await session.scalar(select(SurveyResponse))
        assert stored is not None
        assert (stored.respondent_id, stored.grade, stored.transfer_count, stored.gender) == (
            "TEL-1",
            5,
            "meer_dan_3",
            None,
        )
        assert stored.entered_by_id == admin.id
        assert sorted((await session.scalars(select(survey_reasons.c.code))).all()) == ["kastje_muur", "lang_wachten"]
    follow = await client.get("/tevredenheid/nieuw")
    assert "Het antwoord van respondent TEL-1 is opgeslagen." in follow.text


async def test_errors_are_shown_next_to_the_fields_and_nothing_is_saved(client, db, make_user):
    evaluator = await make_user("evaluator")
    await login(client, evaluator.email)
    token = await csrf_token(client, "/tevredenheid/nieuw")
    response = await client.post(
        "/tevredenheid/nieuw",
        data={
            "respondent_id": "TEL-2",
            "contact_date": "31-02-2026",
            "remembered_contact": "nee",
            "grade": "8",
            "dossier_ref": "D-2020-00001",
            "comment": "Mijn opmerking",
        },
        headers={"hx-request": "true", "x-csrftoken": token},
    )
    assert response.status_code == 422
    html = response.text
    assert "<html" not in html  # the form fragment, swapped in place
    assert "31-02-2026" in html and "Mijn opmerking" in html  # what was typed is kept
    assert 'id="enquete-contact_date-fout"' in html and "is ongeldig" in html
    assert 'id="enquete-grade-fout"' in html  # answers while the contact is not remembered
    assert 'id="enquete-comment-fout"' in html
    assert await count(db) == 0

    dossier = await client.post(
        "/tevredenheid/nieuw",
        data={
            "respondent_id": "TEL-3",
            "contact_date": "2026-03-01",
            "remembered_contact": "ja",
            "dossier_ref": "D-2020-00001",
        },
        headers={"hx-request": "true", "x-csrftoken": token},
    )
    assert dossier.status_code == 422 and "Dossier &#39;D-2020-00001&#39; bestaat niet." in dossier.text
    assert await count(db) == 0

    ok = await client.post(
        "/tevredenheid/nieuw",
        data={"respondent_id": "TEL-3", "contact_date": "2026-03-01", "remembered_contact": "ja", "grade": "9"},
        headers={"hx-request": "true", "x-csrftoken": token},
    )
    assert ok.status_code == 200
    assert 'data-testid="enquete-opgeslagen"' in ok.text and 'value="TEL-3"' not in ok.text
    assert await count(db) == 1


async def test_the_upload_page_shows_progress_with_a_static_script(client, make_user):
    evaluator = await make_user("evaluator")
    await login(client, evaluator.email)
    page = await client.get("/tevredenheid/import")
    assert page.status_code == 200
    html = page.text
    assert '<script src="/static/app/upload.js" defer></script>' in html
    assert 'hx-encoding="multipart/form-data"' in html and 'enctype="multipart/form-data"' in html
    assert "<progress" in html and "data-upload-progress" in html
    no_inline_scripts(html)
    script = await client.get("/static/app/upload.js")
    assert script.status_code == 200
    assert "htmx:xhr:progress" in script.text and "javascript" in script.headers["content-type"]


async def test_uploading_a_file_shows_the_summary(client, db, make_user):
    admin = await make_user("admin")
    await login(client, admin.email)
    token = await csrf_token(client, "/tevredenheid/import")
    good = survey_csv("R-1,2026-03-04,ja,8,,,,,,,,,", "R-2,2026-03-04,ja,3,lang_wachten,,,,,,,,", separator=";")
    response = await client.post(
        "/tevredenheid/import",
        files={"bestand": ("bureau.csv", good, "text/csv")},
        data={"_csrf_token": token},
    )
    assert response.status_code == 200
    assert "2 antwoorden geïmporteerd." in response.text
    assert await count(db) == 2


async def test_an_invalid_upload_lists_the_lines_and_imports_nothing_unless_skipping(client, db, make_user):
    evaluator = await make_user("evaluator")
    await login(client, evaluator.email)
    token = await csrf_token(client, "/tevredenheid/import")
    data = survey_csv(
        "R-1,2026-03-04,ja,8,,,,,,,,,", "R-2,2026-03-04,ja,11,,,,,,,,,", "R-3,2026-03-04,ja,4,te_duur,,,,,,,,"
    )
    htmx = {"hx-request": "true", "x-csrftoken": token}
    rejected = await client.post("/tevredenheid/import", files={"bestand": ("b.csv", data, "text/csv")}, headers=htmx)
    assert rejected.status_code == 422
    html = rejected.text
    assert "<html" not in html and "Niets geïmporteerd." in html
    rows = re.findall(r"<tr class=\"utrecht-table__row\">\s*<td class=\"utrecht-table__cell\"[^>]*>(\d+)</td>", html)
    assert rows == ["3", "4"]
    assert "Rapportcijfer" in html and "<code>grade</code>" in html and "te_duur" in html
    assert await count(db) == 0

    skipped = await client.post(
        "/tevredenheid/import",
        files={"bestand": ("b.csv", data, "text/csv")},
        data={"skip_invalid": "ja"},
        headers=htmx,
    )
    assert skipped.status_code == 200
    assert "1 antwoorden geïmporteerd." in skipped.text and "2 ongeldige regel(s) overgeslagen." in skipped.text
    assert await count(db) == 1

    nothing = await client.post("/tevredenheid/import", data={"skip_invalid": "ja"}, headers=htmx)
    assert nothing.status_code == 422 and "Kies een CSV-bestand" in nothing.text


@pytest.mark.parametrize("role", ["kcc_agent", "casemanager", "accountmanager"])
async def test_other_roles_are_refused(client, make_user, role):
    person = await make_user(role, services={"kcc_agent": ["KCC"], "accountmanager": ["SZW"]}.get(role))
    await login(client, person.email)
    assert (await client.get("/tevredenheid/nieuw")).status_code == 403
    assert (await client.get("/tevredenheid/import")).status_code == 403


async def test_anonymous_visitors_go_to_the_login_page(client):
    response = await client.get("/tevredenheid/import", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
