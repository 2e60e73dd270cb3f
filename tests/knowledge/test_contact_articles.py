"""Contacts answered with knowledge articles (issue 16): ``POST /api/v1/contacts`` with ``articles`` records each
published article's current version; a later edit leaves the recorded version; unknown, concept and withdrawn
articles are refused with field details and nothing written; both timelines name the article and version given,
from one aggregated subquery (no query per entry); the contact form offers the kennisbank search box."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, func, select

from casemgmt.contacts.models import Contact
from casemgmt.knowledge.models import contact_articles
from casemgmt.knowledge.usage import NOT_PUBLISHED, UNKNOWN
from tests.worlds.kennisbank import edit_article, publish_article, withdraw_article
from tests.worlds.personas import csrf_token
from tests.worlds.promises import login_as

pytestmark = pytest.mark.anyio

VOG = "Hoe vraag ik een verklaring omtrent het gedrag (VOG) aan?"
PASPOORT = "Kan ik mijn paspoort verlengen als ik in het buitenland woon?"


def contact(world: Any, **values: Any) -> dict[str, Any]:
    body = {
        "client_id": world.client_id,
        "channel": "phone",
        "direction": "in",
        "service": "KCC",
        "outcome": "resolved",
        "transfers": 0,
        "summary": "Uitgelegd hoe de VOG wordt aangevraagd.",
        "topic": "bijstand",
    }
    return {**body, **values}


async def recorded(db: Any) -> tuple[int, int]:
    async with db() as session:
        contacts = await session.scalar(select(func.count()).select_from(Contact))
        given = await session.scalar(select(func.count()).select_from(contact_articles))
    return int(contacts or 0), int(given or 0)


async def test_the_current_version_is_recorded_and_stays_after_an_edit(client, db, world) -> None:
    vog = await publish_article(db, world.ocw, service="OCW", question=VOG)
    passport = await publish_article(db, world.ocw, service="OCW", question=PASPOORT)
    await edit_article(db, world.ocw, passport, answer="Verlengen kan bij de ambassade of in Den Haag.")  # v3
    response = await client.post(
        "/api/v1/contacts",
        json=contact(world, articles=[passport, vog, vog], dossier_id=world.dossier_id),
        headers=world.token("kcc"),
    )
    assert response.status_code == 201, response.text
    assert response.json()["articles"] == [
        {"id": passport, "version": 3, "question": PASPOORT},
        {"id": vog, "version": 2, "question": VOG},
    ]
    assert await recorded(db) == (1, 2)

    # a later edit makes version 3 (and a new question); the contact keeps what the caller was given
    assert await edit_article(db, world.ocw, vog, question="VOG aanvragen: hoe gaat dat?") == 3
    timeline = await client.get(f"/api/v1/dossiers/{world.dossier_id}/timeline", headers=world.token("cm"))
    entries = [e for e in timeline.json() if e["type"] == "contact"]
    assert entries[0]["articles"] == [
        {"id": vog, "version": 2, "question": VOG},
        {"id": passport, "version": 3, "question": PASPOORT},
    ]
    theirs = await client.get(f"/api/v1/clients/{world.client_id}/timeline", headers=world.token("kcc"))
    assert [e["articles"] for e in theirs.json()["items"] if e["type"] == "contact"] == [entries[0]["articles"]]

    # the pages link to the article and say which version was given
    await login_as(client, world.cm)
    page = await client.get(f"/dossiers/{world.dossier_id}")
    assert f'href="/kennisbank/{vog}"' in page.text and "(versie 2)" in page.text and VOG in page.text


@pytest.mark.parametrize("which", ["unknown", "concept", "withdrawn", "too many"])
async def test_articles_not_published_are_refused_and_nothing_written(client, db, world, which) -> None:
    good = await publish_article(db, world.ocw, service="OCW", question=VOG)
    if which == "unknown":
        articles, field, message = [good, 9999], "articles[1]", UNKNOWN
    elif which == "concept":
        concept = await publish_article(db, world.ocw, service="OCW", question=PASPOORT, publish=False)
        articles, field, message = [concept, good], "articles[0]", NOT_PUBLISHED
    elif which == "withdrawn":
        await withdraw_article(db, world.ocw, good)
        articles, field, message = [good], "articles[0]", NOT_PUBLISHED
    else:
        articles, field, message = list(range(1, 12)), "articles", None
    response = await client.post("/api/v1/contacts", json=contact(world, articles=articles), headers=world.token("kcc"))
    assert response.status_code == 422, response.text
    errors = {e["field"]: e["message"] for e in response.json()["extra"]}
    assert field in errors and (message is None or errors[field] == message)
    assert await recorded(db) == (0, 0)


async def test_the_timeline_reads_the_articles_in_the_same_query(client, db, world, app) -> None:
    vog = await publish_article(db, world.ocw, service="OCW", question=VOG)
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    async def timeline_queries() -> int:
        engine = app.state.engine.sync_engine
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            response = await client.get(f"/api/v1/dossiers/{world.dossier_id}/timeline", headers=world.token("cm"))
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200
        return len(statements)

    body = contact(world, articles=[vog], dossier_id=world.dossier_id)
    assert (await client.post("/api/v1/contacts", json=body, headers=world.token("kcc"))).status_code == 201
    one = await timeline_queries()
    for _ in range(3):
        assert (await client.post("/api/v1/contacts", json=body, headers=world.token("kcc"))).status_code == 201
    assert await timeline_queries() == one


async def test_the_contact_form_searches_the_kennisbank_and_records_the_article(client, db, world) -> None:
    vog = await publish_article(db, world.ocw, service="OCW", question=VOG, answer="Vraag de VOG aan bij Justis.")
    await publish_article(db, world.ocw, service="OCW", question="VOG voor vrijwilligers", publish=False)
    await login_as(client, world.kcc)
    form = await client.get(f"/contacten/nieuw?client_id={world.client_id}")
    assert "Zoek in de kennisbank" in form.text and 'hx-get="/kennisbank/kiezen?prefix=contact"' in form.text
    hits = await client.get("/kennisbank/kiezen", params={"kb_q": "vog aanvragen"}, headers={"HX-Request": "true"})
    assert hits.status_code == 200 and VOG in hits.text and "vrijwilligers" not in hits.text  # published only
    picked = await client.get(f"/kennisbank/kiezen/{vog}", headers={"HX-Request": "true"})
    assert f'name="articles" value="{vog}" checked' in picked.text
    assert (await client.get("/kennisbank/kiezen/999")).status_code == 404
    token = await csrf_token(client, f"/contacten/nieuw?client_id={world.client_id}")
    data = {
        "_csrf_token": token,
        "client_id": str(world.client_id),
        "channel": "phone",
        "direction": "in",
        "service": "KCC",
        "outcome": "resolved",
        "transfers": "0",
        "topic": "bijstand",
        "summary": "VOG uitgelegd.",
        "articles": str(vog),
        "article_label": f"{vog}|{VOG}",
    }
    refused = await client.post("/contacten", data={**data, "summary": ""})
    assert refused.status_code == 422 and f'value="{vog}" checked' in refused.text  # the chosen article stays
    assert await recorded(db) == (0, 0)
    saved = await client.post("/contacten", data=data, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert await recorded(db) == (1, 1)
