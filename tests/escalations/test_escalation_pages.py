"""Escalation pages: asking (Nieuwe escalatie), the list, answering on the detail page, and the reusable answers a
KCC agent searches (scenario 3: the passport renewal from abroad)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from casemgmt.escalations.models import Escalation
from casemgmt.escalations.rules import MAX_ANSWER, MAX_QUESTION, MAX_TITLE
from tests.worlds.personas import csrf_from
from tests.worlds.promises import counts, login_as, snapshot

pytestmark = pytest.mark.anyio
HTMX = {"hx-request": "true"}
PASSPORT = "Meneer woont in de VS en moet zijn paspoort hier vernieuwen: welke stukken moet hij meesturen?"
ANSWER = "Aanvragen via de ambassade in Washington; pasfoto en oud paspoort meesturen."


async def ask_on_page(client, world, **data) -> int:
    page = await client.get("/escalaties/nieuw")
    assert page.status_code == 200
    response = await client.post(
        "/escalaties", data={"_csrf_token": csrf_from(page.text), **data}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/escalaties/(\d+)", response.headers["location"])
    assert match
    return int(match.group(1))


GENERAL_QUESTION = "Paspoort vernieuwen vanuit het buitenland: welke stukken?"
GENERAL_ANSWER = "Aanvragen via de ambassade; pasfoto en oud paspoort meesturen."


async def test_the_passport_question_is_answered_once_and_reused(client, world, db, make_user) -> None:
    """Scenario 3 with issue 11: the answer is reused only as a text in general terms that DPZ's accountmanager
    writes and confirms holds no personal data; the escalation's question and client never reach Antwoorden."""
    # a KCC agent escalates to DPZ, about Jan de Vries
    await login_as(client, world.kcc)
    escalation_id = await ask_on_page(client, world, service="DPZ", question=PASSPORT, client_id=str(world.client_id))
    detail = await client.get(f"/escalaties/{escalation_id}")
    assert detail.status_code == 200
    assert (
        "Escalatie aan DPZ" in detail.text and "Wachtrij DPZ" in detail.text and "Nog niet beantwoord." in detail.text
    )
    assert f"/escalaties/{escalation_id}/antwoord" not in detail.text  # the KCC asks, the service answers
    assert f'maxlength="{MAX_QUESTION}"' in (await client.get("/escalaties/nieuw")).text

    # DPZ's accountmanager answers through the form and proposes it for reuse
    dpz = await make_user("accountmanager", services=["DPZ"], name="Dana Dpz")
    await login_as(client, dpz)
    queue = await client.get("/escalaties?state=open")
    assert PASSPORT[:40] in queue.text
    detail = await client.get(f"/escalaties/{escalation_id}")
    assert f'maxlength="{MAX_ANSWER}"' in detail.text
    token = csrf_from(detail.text)
    empty = await client.post(
        f"/escalaties/{escalation_id}/antwoord",
        data={"answer": " ", "reusable": "on", "_csrf_token": token},
        headers=HTMX,
    )
    assert empty.status_code == 422 and "Geef een antwoord" in empty.text
    assert "checked" in empty.text  # what was ticked is kept
    answered = await client.post(
        f"/escalaties/{escalation_id}/antwoord",
        data={"answer": ANSWER, "reusable": "on", "_csrf_token": token},
        follow_redirects=False,
    )
    assert answered.status_code == 303 and answered.headers["location"] == f"/escalaties/{escalation_id}"
    again = await client.post(
        f"/escalaties/{escalation_id}/antwoord", data={"answer": "Ander antwoord", "_csrf_token": token}
    )
    assert again.status_code == 409
    # proposed is not published: nothing of it on Antwoorden
    proposed = await client.get(f"/escalaties/{escalation_id}")
    assert 'data-testid="herbruikbaar-voorgesteld"' in proposed.text
    assert f"/escalaties/{escalation_id}/herbruikbaar" in proposed.text
    assert (await client.get("/antwoorden")).text.count("ans-item") == 0

    # wording it: the confirmation is required, the client's name refused, what was typed kept, nothing written
    before = await counts(db)
    unconfirmed = await client.post(
        f"/escalaties/{escalation_id}/herbruikbaar",
        data={"title": GENERAL_QUESTION, "answer": GENERAL_ANSWER, "_csrf_token": token},
        headers=HTMX,
    )
    assert unconfirmed.status_code == 422 and "<html" not in unconfirmed.text
    assert "Bevestig dat de vraag en het antwoord geen persoonsgegevens bevatten" in unconfirmed.text
    assert GENERAL_QUESTION in unconfirmed.text and GENERAL_ANSWER in unconfirmed.text
    named = await client.post(
        f"/escalaties/{escalation_id}/herbruikbaar",
        data={
            "title": "Paspoort van Jan de  Vries",
            "answer": GENERAL_ANSWER,
            "no_personal_data": "on",
            "_csrf_token": token,
        },
    )
    assert named.status_code == 422 and "bevat gegevens van de klant (naam)" in named.text
    too_long = await client.post(
        f"/escalaties/{escalation_id}/herbruikbaar",
        data={"title": "x" * (MAX_TITLE + 1), "answer": GENERAL_ANSWER, "no_personal_data": "on", "_csrf_token": token},
    )
    assert too_long.status_code == 422
    assert f"De vraag is te lang ({MAX_TITLE + 1} tekens, maximaal {MAX_TITLE})" in too_long.text
    assert await counts(db) == before
    published = await client.post(
        f"/escalaties/{escalation_id}/herbruikbaar",
        data={"title": GENERAL_QUESTION, "answer": GENERAL_ANSWER, "no_personal_data": "on", "_csrf_token": token},
        follow_redirects=False,
    )
    assert published.status_code == 303 and published.headers["location"] == f"/escalaties/{escalation_id}"

    # the asker sees the answer and what was published
    await login_as(client, world.kcc)
    detail = await client.get(f"/escalaties/{escalation_id}")
    assert ANSWER in detail.text and "binnen de norm" in detail.text and GENERAL_ANSWER in detail.text
    assert f"/escalaties/{escalation_id}/herbruikbaar" not in detail.text  # only the service words it
    # and the next agent finds the general text, never the escalation's question, answer or client
    found = await client.get("/antwoorden", params={"q": "paspoort"})
    assert found.status_code == 200 and GENERAL_QUESTION in found.text and GENERAL_ANSWER in found.text
    for private in (PASSPORT, ANSWER, "Jan de Vries", world.pseudonym):
        assert private not in found.text
    fragment = await client.get("/antwoorden", params={"q": "ambassade", "service": "DPZ"}, headers=HTMX)
    assert GENERAL_ANSWER in fragment.text and "<html" not in fragment.text
    nothing = await client.get("/antwoorden", params={"q": "rijbewijs"})
    assert GENERAL_ANSWER not in nothing.text
    assert "Geen herbruikbare antwoorden gevonden voor ‘rijbewijs’" in nothing.text
    long_query = await client.get("/antwoorden", params={"q": "x" * 201})
    assert long_query.status_code == 422 and "De zoekvraag is te lang (201 tekens, maximaal 200)" in long_query.text


async def test_the_asking_form_keeps_what_was_typed_on_errors(client, world, db) -> None:
    await login_as(client, world.kcc)
    page = await client.get(f"/escalaties/nieuw?dossier_id={world.dossier_id}")
    token = csrf_from(page.text)
    before = await counts(db)
    response = await client.post(
        "/escalaties",
        data={"service": "", "question": "Wat is de status van de aanvraag?", "_csrf_token": token},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert "Wat is de status van de aanvraag?" in response.text and 'aria-invalid="true"' in response.text
    assert "<html" not in response.text
    empty = await client.post(
        "/escalaties",
        data={"service": "SZW", "question": "", "dossier_id": str(world.dossier_id), "_csrf_token": token},
    )
    assert empty.status_code == 422 and "Beschrijf de vraag" in empty.text and "<html" in empty.text
    assert f'name="dossier_id" value="{world.dossier_id}"' in empty.text
    both = await client.post("/escalaties", data={"service": "", "question": "", "_csrf_token": token})
    assert both.status_code == 422
    assert 'id="esc-question-fout">Beschrijf de vraag' in both.text
    assert 'id="esc-service-fout">Kies de dienst' in both.text
    assert await counts(db) == before


async def test_the_dossiers_accountmanager_answers_inline(client, world, db) -> None:
    await login_as(client, world.kcc)
    escalation_id = await ask_on_page(
        client, world, service="SZW", question="Waarom is de bijstand niet betaald?", dossier_id=str(world.dossier_id)
    )
    async with db() as session:
        assert (await session.scalars(select(Escalation.assignee_id))).one() == world.szw.id
    await login_as(client, world.szw)
    worklist = await client.get("/werkvoorraad")
    assert "Waarom is de bijstand niet betaald?" in worklist.text
    token = csrf_from((await client.get(f"/escalaties/{escalation_id}")).text)
    response = await client.post(
        f"/escalaties/{escalation_id}/antwoord",
        data={"answer": "Betaling staat klaar voor vrijdag.", "_csrf_token": token},
        headers=HTMX,
    )
    assert response.status_code == 200 and "Betaling staat klaar voor vrijdag." in response.text
    assert 'id="escalatie-detail"' in response.text and "<html" not in response.text
    # the dossier's casemanager sees the answer
    await login_as(client, world.cm)
    assert "Betaling staat klaar voor vrijdag." in (await client.get(f"/escalaties/{escalation_id}")).text
    # answered escalations leave the worklist
    await login_as(client, world.szw)
    assert "Waarom is de bijstand niet betaald?" not in (await client.get("/werkvoorraad/escalaties")).text


async def test_another_service_cannot_answer_on_the_page(client, world, db) -> None:
    await login_as(client, world.kcc)
    escalation_id = await ask_on_page(client, world, service="SZW", question="Vraag voor SZW")
    await login_as(client, world.dso)
    detail = await client.get(f"/escalaties/{escalation_id}")
    assert detail.status_code == 403  # not theirs to see
    token = csrf_from((await client.get("/werkvoorraad")).text)
    before, row = await counts(db), await snapshot(db, Escalation, escalation_id)
    response = await client.post(f"/escalaties/{escalation_id}/antwoord", data={"answer": "Ja", "_csrf_token": token})
    assert response.status_code == 403
    assert await counts(db) == before and await snapshot(db, Escalation, escalation_id) == row


async def test_the_list_filters_by_service_and_state(client, world) -> None:
    await login_as(client, world.kcc)
    await ask_on_page(client, world, service="SZW", question="Vraag voor SZW")
    await ask_on_page(client, world, service="OCW", question="Vraag voor OCW")
    szw = await client.get("/escalaties", params={"service": "SZW"}, headers=HTMX)
    assert "Vraag voor SZW" in szw.text and "Vraag voor OCW" not in szw.text and "<html" not in szw.text
    answered = await client.get("/escalaties", params={"state": "answered"})
    assert "Geen escalaties gevonden." in answered.text
