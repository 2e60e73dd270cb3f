"""Flags through the API and the pages: raised on the article's current version by an employee (the owner hears of
it in the same transaction), handled by the owner with a note; every bad input a 4xx with nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update

from casemgmt.audit.models import AuditEvent
from casemgmt.knowledge import flag_rules
from casemgmt.knowledge.models import KnowledgeArticle, KnowledgeFlag
from casemgmt.notifications.models import Notification
from tests.worlds.kennisbank import publish_article, withdraw_article
from tests.worlds.personas import csrf_token
from tests.worlds.promises import login_as

pytestmark = pytest.mark.anyio

VOG = "Hoe vraag ik een verklaring omtrent het gedrag (VOG) aan?"


async def counts(db: Any) -> tuple[int, int, int]:
    async with db() as session:
        flags = await session.scalar(select(func.count()).select_from(KnowledgeFlag))
        notes = await session.scalar(select(func.count()).select_from(Notification))
        audit = await session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.object_type == "knowledge_flag")
        )
    return int(flags or 0), int(notes or 0), int(audit or 0)


async def test_a_flag_is_recorded_on_the_current_version_and_reaches_the_owner(client, db, world) -> None:
    article_id = await publish_article(db, world.ocw, service="OCW", question=VOG)
    response = await client.post(
        f"/api/v1/articles/{article_id}/flags",
        json={"kind": "klopt niet", "note": "De VOG vraagt u aan bij Justis, niet bij het stadsdeelkantoor."},
        headers=world.token("kcc"),
    )
    assert response.status_code == 201, response.text
    flag = response.json()
    assert flag["kind"] == "wrong" and flag["version"] == 2 and flag["resolved_at"] is None  # created 1, published 2
    assert flag["flagged_by_id"] == world.kcc.id
    async with db() as session:
        notes = (await session.scalars(select(Notification))).all()
        audited = (await session.scalars(select(AuditEvent).where(AuditEvent.object_type == "knowledge_flag"))).all()
    assert [(n.user_id, n.kind, n.object_type, n.object_id) for n in notes] == [
        (world.ocw.id, "article_flagged", "article", article_id)
    ]
    assert "VOG" not in notes[0].text and "Justis" not in notes[0].text  # the text says what happened, no more
    assert [(e.action, e.object_id) for e in audited] == [("create", str(flag["id"]))]

    # the owner handles it with a note; handling it again is a conflict
    resolve = f"/api/v1/articles/{article_id}/flags/{flag['id']}/resolve"
    refused = await client.post(resolve, json={"resolution": "Ik pas het aan."}, headers=world.token("szw"))
    assert refused.status_code == 403  # an accountmanager of another service
    done = await client.post(resolve, json={"resolution": "Antwoord aangepast."}, headers=world.token("ocw2"))
    assert done.status_code == 200, done.text  # an accountmanager of the service may handle it too
    assert done.json()["resolution"] == "Antwoord aangepast." and done.json()["resolved_by_id"] == world.ocw2.id
    again = await client.post(resolve, json={"resolution": "Nog eens."}, headers=world.token("ocw"))
    assert again.status_code == 409


async def test_an_article_without_owner_notifies_the_services_accountmanagers(client, db, world) -> None:
    article_id = await publish_article(db, world.ocw, service="OCW", question=VOG)
    async with db() as session, session.begin():  # its owner left: nobody owns it until someone takes it over
        await session.execute(update(KnowledgeArticle).where(KnowledgeArticle.id == article_id).values(owner_id=None))
    response = await client.post(
        f"/api/v1/articles/{article_id}/flags", json={"kind": "missing"}, headers=world.token("kcc")
    )
    assert response.status_code == 201, response.text
    async with db() as session:
        users = set((await session.scalars(select(Notification.user_id))).all())
    assert users == {world.ocw.id, world.ocw2.id}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"kind": "fout", "note": "x"}, {"kind"}),
        ({"kind": "wrong"}, {"note"}),
        ({"kind": "onduidelijk", "note": "   "}, {"note"}),
        ({"kind": "unclear", "note": "x" * 1001}, {"note"}),
        ({"note": "geen soort"}, {"kind"}),
        ({"kind": 3}, {"kind"}),
    ],
)
async def test_bad_input_is_refused_with_field_details_and_nothing_written(client, db, world, body, fields) -> None:
    article_id = await publish_article(db, world.ocw, service="OCW", question=VOG)
    before = await counts(db)
    response = await client.post(f"/api/v1/articles/{article_id}/flags", json=body, headers=world.token("kcc"))
    assert response.status_code == 422, response.text
    assert {e["key"] if "key" in e else e["field"] for e in response.json()["extra"]} >= fields
    assert await counts(db) == before


async def test_unknown_withdrawn_and_concept_articles(client, db, world) -> None:
    before = await counts(db)
    body = {"kind": "missing"}
    assert (await client.post("/api/v1/articles/999/flags", json=body, headers=world.token("kcc"))).status_code == 404
    concept = await publish_article(db, world.ocw, service="OCW", question=VOG, publish=False)
    response = await client.post(f"/api/v1/articles/{concept}/flags", json=body, headers=world.token("kcc"))
    assert response.status_code == 404  # a concept is seen only by who writes it
    response = await client.post(f"/api/v1/articles/{concept}/flags", json=body, headers=world.token("evaluator"))
    assert response.status_code == 403
    published = await publish_article(db, world.ocw, service="OCW", question="Paspoort verlengen in het buitenland")
    await withdraw_article(db, world.ocw, published)
    response = await client.post(f"/api/v1/articles/{published}/flags", json=body, headers=world.token("kcc"))
    assert response.status_code == 409
    flags, _, audited = await counts(db)
    assert (flags, audited) == (before[0], before[2])
    resolve = await client.post(
        f"/api/v1/articles/{published}/flags/999/resolve", json={"resolution": "x"}, headers=world.token("ocw")
    )
    assert resolve.status_code == 404


async def test_the_page_form_flags_and_the_owner_resolves_in_place(client, db, world) -> None:
    article_id = await publish_article(db, world.ocw, service="OCW", question=VOG)
    await login_as(client, world.kcc)
    section = await client.get(f"/kennisbank/{article_id}/meldingen", headers={"HX-Request": "true"})
    assert section.status_code == 200 and "Klopt niet" in section.text and "Onduidelijk" in section.text
    assert "Ontbreekt" in section.text and "Open meldingen" not in section.text  # the agent sees no flags list
    token = await csrf_token(client, f"/kennisbank/{article_id}/meldingen")
    path = f"/kennisbank/{article_id}/meldingen"
    refused = await client.post(
        path, data={"kind": "wrong", "note": "", "_csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert refused.status_code == 422 and flag_rules.NOTE_MISSING in refused.text
    assert (await counts(db))[0] == 0
    sent = await client.post(
        path, data={"kind": "unclear", "note": "Welke kosten?", "_csrf_token": token}, headers={"HX-Request": "true"}
    )
    assert sent.status_code == 200 and "De eigenaar van het artikel heeft uw melding gekregen." in sent.text

    await login_as(client, world.ocw)
    page = await client.get(path)
    assert page.status_code == 200 and "Welke kosten?" in page.text and "Afhandelen" in page.text
    # the article page itself renders the section in place: nothing loaded afterwards replaces a started entry
    article_page = await client.get(f"/kennisbank/{article_id}")
    assert "Welke kosten?" in article_page.text and "Afhandelen" in article_page.text
    assert 'hx-trigger="load"' not in article_page.text
    async with db() as session:
        flag_id = await session.scalar(select(KnowledgeFlag.id))
    token = await csrf_token(client, path)
    empty = await client.post(f"{path}/{flag_id}/afhandelen", data={"resolution": "", "_csrf_token": token})
    assert empty.status_code == 422 and flag_rules.RESOLUTION_MISSING in empty.text
    done = await client.post(
        f"{path}/{flag_id}/afhandelen",
        data={"resolution": "Kosten toegevoegd.", "_csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    async with db() as session:
        flag = await session.get(KnowledgeFlag, flag_id)
    assert flag is not None and flag.resolution == "Kosten toegevoegd." and flag.resolved_by_id == world.ocw.id
