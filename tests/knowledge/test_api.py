"""``/api/v1/articles`` as its contract says: search with filters (the status by code or Dutch label), one article
with its versions, create, PATCH with the version (409 when stale), publish and withdraw; refusals are 4xx with
field details and write nothing; HTML is stored as text."""

from __future__ import annotations

import pytest

from casemgmt.knowledge.models import KnowledgeArticleVersion
from casemgmt.knowledge.rules import MAX_QUERY
from tests.knowledge.test_services import rows

pytestmark = pytest.mark.anyio
HIT_KEYS = ["id", "version", "question", "answer_excerpt", "service", "topic", "status", "review_due", "score"]


async def create(client, world, who="szw", **values):  # type: ignore[no-untyped-def]
    body = {
        "service": "SZW",
        "topic": "bijstand",
        "question": "Mijn bijstandsuitkering is niet betaald",
        "answer": "Kijk of het inkomstenformulier is ingeleverd.\n\n- bel de klantmanager\n- https://www.denhaag.nl",
        "next_steps": "Terugbelverzoek aan SZW.",
    }
    body.update(values)
    return await client.post("/api/v1/articles", json=body, headers=world.token(who))


async def test_write_publish_search_and_read(client, world) -> None:
    created = await create(client, world)
    assert created.status_code == 201, created.text
    article = created.json()
    assert article["status"] == "draft" and article["version"] == 1 and article["owner_id"] == world.szw.id
    assert article["topic"] == "bijstand" and [v["change"] for v in article["versions"]] == ["aangemaakt als concept"]
    ident = article["id"]
    changed = await client.patch(
        f"/api/v1/articles/{ident}",
        json={"version": 1, "question": "Bijstand niet betaald"},
        headers=world.token("szw"),
    )
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = await client.patch(
        f"/api/v1/articles/{ident}", json={"version": 1, "answer": "Oud"}, headers=world.token("szw")
    )
    assert stale.status_code == 409 and "Ververs" in stale.json()["detail"]
    published = await client.post(f"/api/v1/articles/{ident}/publish", json={}, headers=world.token("szw"))
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert published.json()["review_due"] and published.json()["needs_review"] is False

    found = await client.get("/api/v1/articles", params={"q": "bijstand betaalt"}, headers=world.token("kcc"))
    assert found.status_code == 200
    [hit] = found.json()
    assert list(hit) == HIT_KEYS and hit["id"] == ident and hit["service"] == "SZW" and hit["score"] > 0
    for status in ("published", "gepubliceerd", "Gepubliceerd"):
        listed = await client.get("/api/v1/articles", params={"status": status}, headers=world.token("kcc"))
        assert [h["id"] for h in listed.json()] == [ident]
    other = await client.get("/api/v1/articles", params={"service": "DSO"}, headers=world.token("kcc"))
    assert other.json() == []
    read = await client.get(f"/api/v1/articles/{ident}", headers=world.token("kcc"))
    assert read.status_code == 200 and [v["version"] for v in read.json()["versions"]] == [3, 2, 1]

    withdrawn = await client.post(
        f"/api/v1/articles/{ident}/withdraw",
        json={"reason": "Vervangen door een nieuw artikel"},
        headers=world.token("szw"),
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert (await client.get("/api/v1/articles", headers=world.token("kcc"))).json() == []


async def test_refusals_are_clear_and_write_nothing(client, world, db) -> None:
    draft = (await create(client, world, answer="")).json()
    before = await rows(db, KnowledgeArticleVersion)
    no_answer = await client.post(f"/api/v1/articles/{draft['id']}/publish", json={}, headers=world.token("szw"))
    # the article is not ready (409), with what it lacks per field
    assert no_answer.status_code == 409 and {e["field"] for e in no_answer.json()["extra"]} == {"answer"}
    no_reason = await client.post(
        f"/api/v1/articles/{draft['id']}/withdraw", json={"reason": "   "}, headers=world.token("szw")
    )
    assert no_reason.status_code == 422
    foreign = await client.patch(
        f"/api/v1/articles/{draft['id']}", json={"version": 1, "answer": "x"}, headers=world.token("dso")
    )
    assert foreign.status_code == 403
    not_theirs = await create(client, world, who="kcc")
    assert not_theirs.status_code == 403
    wrong_topic = await create(client, world, topic="vog")
    assert wrong_topic.status_code == 422 and wrong_topic.json()["extra"][0]["field"] == "topic"
    too_long = await client.get("/api/v1/articles", params={"q": "x" * 1000}, headers=world.token("kcc"))
    assert too_long.status_code == 422 and too_long.json()["extra"][0]["field"] == "q"
    fits = await client.get("/api/v1/articles", params={"q": "x" * MAX_QUERY}, headers=world.token("kcc"))
    assert fits.status_code == 200
    unknown = await client.get("/api/v1/articles", params={"status": "weg"}, headers=world.token("kcc"))
    assert unknown.status_code == 422
    assert (await client.get("/api/v1/articles", headers=world.token("evaluator"))).status_code == 403
    assert (await client.get(f"/api/v1/articles/{draft['id']}", headers=world.token("kcc"))).status_code == 403
    assert (await client.get("/api/v1/articles/999999", headers=world.token("kcc"))).status_code == 404
    assert await rows(db, KnowledgeArticleVersion) == before


async def test_html_is_stored_as_text(client, world) -> None:
    script = "<script>alert('x')</script><b>vet</b>"
    article = (await create(client, world, answer=script)).json()
    assert article["answer"] == script
