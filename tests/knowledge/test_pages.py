"""The Kennisbank pages: search as you type (fragment for htmx, the whole page without JS), the article with its
"controleren" badge, versions and an old version, the forms with errors next to the fields, the stale edit's
"ververs" message, publishing and withdrawing, the concept from an escalation's answer; HTML shown escaped."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from casemgmt.knowledge.models import KnowledgeArticle
from tests.worlds.personas import csrf_from
from tests.worlds.promises import login_as

pytestmark = pytest.mark.anyio
HTMX = {"hx-request": "true"}
SCRIPT = "<script>alert('kb')</script>"


async def new_on_page(client, **data) -> tuple[int | None, object]:  # type: ignore[no-untyped-def]
    page = await client.get("/kennisbank/nieuw")
    assert page.status_code == 200
    response = await client.post(
        "/kennisbank", data={"_csrf_token": csrf_from(page.text), **data}, follow_redirects=False
    )
    match = re.fullmatch(r"/kennisbank/(\d+)", response.headers.get("location", ""))
    return (int(match.group(1)) if match else None), response


async def test_write_publish_find_and_withdraw_through_the_pages(client, world, db) -> None:
    await login_as(client, world.szw)
    ident, refused = await new_on_page(client, service="SZW", question="", answer="x")
    assert ident is None and refused.status_code == 422
    assert "Vul de vraag in zoals inwoners die stellen" in refused.text
    ident, created = await new_on_page(
        client,
        service="SZW",
        topic="bijstand",
        question="Mijn bijstandsuitkering is niet betaald",
        answer=f"Kijk eerst in de brieven.\n\n- inkomstenformulier ingeleverd?\n- {SCRIPT}\n\nZie https://www.denhaag.nl/bijstand.",
        next_steps="Terugbelverzoek aan SZW.",
    )
    assert ident is not None, created.text
    page = await client.get(f"/kennisbank/{ident}")
    assert page.status_code == 200 and "concept" in page.text
    assert SCRIPT not in page.text and "&lt;script&gt;" in page.text
    assert '<a class="utrecht-link" href="https://www.denhaag.nl/bijstand"' in page.text
    assert '<li class="utrecht-unordered-list__item">inkomstenformulier ingeleverd?</li>' in page.text
    token = csrf_from(page.text)
    published = await client.post(
        f"/kennisbank/{ident}/publiceren", data={"_csrf_token": token, "version": "1"}, follow_redirects=False
    )
    assert published.status_code == 303

    # the edit form: a stale version is refused with the "ververs" message, the typed text kept
    form = await client.get(f"/kennisbank/{ident}/bewerken")
    token = csrf_from(form.text)
    fields = {"_csrf_token": token, "question": "Bijstand niet betaald", "answer": "Nieuw antwoord", "next_steps": ""}
    saved = await client.post(f"/kennisbank/{ident}/bewerken", data={**fields, "version": "2"}, follow_redirects=False)
    assert saved.status_code == 303
    stale = await client.post(f"/kennisbank/{ident}/bewerken", data={**fields, "version": "2", "answer": "Mijn tekst"})
    assert stale.status_code == 409 and "Ververs de pagina" in stale.text and "Mijn tekst" in stale.text

    # the KCC agent searches as they type: a fragment for htmx, the whole page without JS
    await login_as(client, world.kcc)
    fragment = await client.get("/kennisbank", params={"q": "bijstnd betaald"}, headers=HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert f'href="/kennisbank/{ident}"' in fragment.text and "<mark>" in fragment.text
    whole = await client.get("/kennisbank", params={"q": "bijstand", "status": "gepubliceerd"})
    assert "<html" in whole.text and f'href="/kennisbank/{ident}"' in whole.text
    too_long = await client.get("/kennisbank", params={"q": "bijstand " * 120})
    assert too_long.status_code == 422 and "De zoekvraag is te lang" in too_long.text
    article = await client.get(f"/kennisbank/{ident}")
    assert "Versie 3" in article.text and "Nieuw antwoord" in article.text and "kb-bewerken" not in article.text
    old = await client.get(f"/kennisbank/{ident}", params={"versie": 1})
    assert old.status_code == 200 and "U bekijkt versie 1" in old.text and "Kijk eerst in de brieven." in old.text
    assert (await client.get(f"/kennisbank/{ident}", params={"versie": 9})).status_code == 404

    # past its review date it shows "controleren"
    async with db() as session, session.begin():
        await session.execute(
            update(KnowledgeArticle)
            .where(KnowledgeArticle.id == ident)
            .values(review_due=date.today() - timedelta(days=2), version=KnowledgeArticle.version)
        )
    assert 'data-testid="kb-controleren"' in (await client.get(f"/kennisbank/{ident}")).text

    # withdrawing needs a reason, shown next to the field
    await login_as(client, world.szw)
    page = await client.get(f"/kennisbank/{ident}")
    token = csrf_from(page.text)
    no_reason = await client.post(f"/kennisbank/{ident}/intrekken", data={"_csrf_token": token, "version": "3"})
    assert no_reason.status_code == 422 and "Geef een reden" in no_reason.text
    done = await client.post(
        f"/kennisbank/{ident}/intrekken",
        data={"_csrf_token": token, "version": "3", "reason": "Regeling vervallen"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    async with db() as session:
        stored = await session.get(KnowledgeArticle, ident)
    assert stored is not None and stored.status == "withdrawn"


async def test_a_concept_from_an_escalations_answer(client, world, db) -> None:
    asked = await client.post(
        "/api/v1/escalations",
        json={"service": "SZW", "question": "Waarom is de bijstand van Jan niet betaald?"},
        headers=world.token("kcc"),
    )
    escalation_id = asked.json()["id"]
    await client.post(
        f"/api/v1/escalations/{escalation_id}/answer",
        json={"answer": "Het inkomstenformulier ontbrak; na inleveren wordt binnen 3 dagen betaald."},
        headers=world.token("szw"),
    )
    await login_as(client, world.szw)
    detail = await client.get(f"/escalaties/{escalation_id}")
    assert f'href="/kennisbank/nieuw?escalatie={escalation_id}"' in detail.text
    form = await client.get("/kennisbank/nieuw", params={"escalatie": escalation_id})
    assert form.status_code == 200 and "Herschrijf de vraag" in form.text
    assert "Het inkomstenformulier ontbrak" in form.text
    saved = await client.post(
        "/kennisbank",
        data={
            "_csrf_token": csrf_from(form.text),
            "service": "SZW",
            "escalation_id": str(escalation_id),
            "question": "Mijn bijstand is niet betaald, hoe kan dat?",
            "answer": "Vaak ontbreekt het inkomstenformulier; na inleveren wordt binnen 3 dagen betaald.",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    async with db() as session:
        article = await session.scalar(select(KnowledgeArticle))
    assert article is not None and article.source_escalation_id == escalation_id and article.status == "draft"
    await login_as(client, world.dso)
    assert (await client.get("/kennisbank/nieuw", params={"escalatie": escalation_id})).status_code == 403
