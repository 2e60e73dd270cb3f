"""The Werkvoorraad's panel "Kennisbank" (issue 16): an accountmanager sees their own articles past review
("controleren", oldest first) and their articles with open flags, with counts and links; other employees do not
get the panel; the panel's queries do not grow with the number of articles."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event, update

from casemgmt.knowledge.models import KnowledgeArticle
from tests.worlds.kennisbank import publish_article
from tests.worlds.promises import login_as

pytestmark = pytest.mark.anyio


async def review_was(db: Any, article_id: int, days_ago: int) -> None:
    async with db() as session, session.begin():
        await session.execute(
            update(KnowledgeArticle)
            .where(KnowledgeArticle.id == article_id)
            .values(review_due=date.today() - timedelta(days=days_ago))
        )


async def flag(client: Any, world: Any, article_id: int, note: str) -> None:
    response = await client.post(
        f"/api/v1/articles/{article_id}/flags", json={"kind": "wrong", "note": note}, headers=world.token("kcc")
    )
    assert response.status_code == 201, response.text


async def test_the_owner_sees_articles_to_review_and_open_flags(client, db, world, app) -> None:
    older = await publish_article(db, world.ocw, service="OCW", question="Hoe vraag ik een VOG aan?")
    newer = await publish_article(db, world.ocw, service="OCW", question="Leerlingenvervoer aanvragen")
    fresh = await publish_article(db, world.ocw, service="OCW", question="Kinderopvangtoeslag")
    others = await publish_article(db, world.szw, service="SZW", question="Mijn uitkering is niet betaald")
    await review_was(db, older, 40)
    await review_was(db, newer, 3)
    await review_was(db, others, 10)
    await flag(client, world, fresh, "Het bedrag is van vorig jaar.")
    await flag(client, world, fresh, "Ook de link werkt niet.")
    await flag(client, world, others, "Het nummer klopt niet.")

    await login_as(client, world.ocw)
    page = await client.get("/werkvoorraad")
    assert page.status_code == 200 and 'id="panel-kennisbank"' in page.text
    panel = await client.get("/werkvoorraad/kennisbank", headers={"HX-Request": "true"})
    html = panel.text
    assert 'data-testid="aantal-controleren">2<' in html and 'data-testid="aantal-open-meldingen">2<' in html
    assert html.index("Hoe vraag ik een VOG aan?") < html.index("Leerlingenvervoer aanvragen")  # oldest first
    assert "Kinderopvangtoeslag" in html and "2 meldingen" in html and f'href="/kennisbank/{fresh}/meldingen"' in html
    assert "uitkering" not in html  # another service's article

    # the same number of queries with more articles
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    async def queries() -> int:
        statements.clear()
        event.listen(app.state.engine.sync_engine, "before_cursor_execute", count)
        try:
            assert (await client.get("/werkvoorraad/kennisbank", headers={"HX-Request": "true"})).status_code == 200
        finally:
            event.remove(app.state.engine.sync_engine, "before_cursor_execute", count)
        return len(statements)

    before = await queries()
    for number in range(3):
        extra = await publish_article(db, world.ocw, service="OCW", question=f"Vraag {number}")
        await review_was(db, extra, 5)
        await flag(client, world, extra, "Klopt niet meer.")
    assert await queries() == before


async def test_who_is_no_accountmanager_gets_no_panel(client, db, world) -> None:
    await login_as(client, world.cm)
    assert 'id="panel-kennisbank"' not in (await client.get("/werkvoorraad")).text
    assert (await client.get("/werkvoorraad/kennisbank")).status_code == 404
