"""The kennisbank's service: versions for every change, the stale version refused, publishing and withdrawing
refused with nothing written, who may write which service's articles, expiry past review."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from casemgmt.audit.models import AuditEvent
from casemgmt.errors import Conflict, Forbidden, InvalidInput
from casemgmt.knowledge.models import KnowledgeArticle, KnowledgeArticleVersion
from casemgmt.knowledge.rules import default_review_due
from casemgmt.knowledge.services import expire_overdue, today_in_amsterdam

pytestmark = pytest.mark.anyio


async def rows(db, model) -> int:  # type: ignore[no-untyped-def]
    async with db() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def new_article(acting, world, **values) -> KnowledgeArticle:  # type: ignore[no-untyped-def]
    body = {"service": "SZW", "question": "Mijn uitkering is niet betaald", "answer": "Bel de afdeling."}
    body.update(values)
    async with acting(world.szw) as knowledge:
        return await knowledge.create(**body)


async def test_every_change_is_a_version_and_audited(acting, world, db) -> None:
    article = await new_article(acting, world)
    assert article.status == "draft" and article.version == 1 and article.owner_id == world.szw.id
    async with acting(world.szw) as knowledge:
        changed = await knowledge.update(article.id, version=1, answer="Bel 14 070 en vraag naar Werk en Inkomen.")
        assert changed.version == 2
        published = await knowledge.publish(article.id, version=2)
        assert published.version == 3 and published.status == "published"
        assert published.review_due == default_review_due(today_in_amsterdam())
    async with acting(world.kcc) as knowledge:
        view = await knowledge.get(article.id)
    assert [v.version.version for v in view.versions] == [3, 2, 1]
    assert (
        view.versions[1].version.answer.startswith("Bel 14 070")
        and view.versions[2].version.answer == "Bel de afdeling."
    )
    assert view.versions[1].version.change == "antwoord gewijzigd"
    assert view.versions[1].changed_by_name == world.szw.name
    async with db() as session:
        events = (
            await session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "knowledge_article"))
        ).all()
    assert sorted(events) == ["create", "update", "update"]


async def test_a_stale_version_is_refused_and_nothing_written(acting, world, db) -> None:
    article = await new_article(acting, world)
    async with acting(world.szw) as knowledge:
        await knowledge.update(article.id, version=1, question="Waarom is mijn uitkering niet betaald?")
    before = await rows(db, KnowledgeArticleVersion)
    with pytest.raises(Conflict, match="Ververs"):
        async with acting(world.szw) as knowledge:
            await knowledge.update(article.id, version=1, answer="Oud")
    with pytest.raises(Conflict):
        async with acting(world.szw) as knowledge:
            await knowledge.publish(article.id, version=1)
    assert await rows(db, KnowledgeArticleVersion) == before
    async with db() as session:
        stored = await session.get(KnowledgeArticle, article.id)
    assert stored is not None and stored.version == 2 and stored.answer == "Bel de afdeling."


async def test_publishing_needs_an_answer_and_an_owner_of_the_service(acting, world, db) -> None:
    empty = await new_article(acting, world, answer="")
    async with acting(world.admin) as knowledge:
        ownerless = await knowledge.create(service="SZW", question="Bijstand aanvragen", answer="Via het werkplein.")
    assert ownerless.owner_id is None
    before = (await rows(db, KnowledgeArticleVersion), await rows(db, AuditEvent))
    with pytest.raises(InvalidInput) as refused:
        async with acting(world.szw) as knowledge:
            await knowledge.publish(empty.id)
    assert "answer" in refused.value.by_field()
    with pytest.raises(InvalidInput) as refused:
        async with acting(world.admin) as knowledge:
            await knowledge.publish(ownerless.id)
    assert "owner_id" in refused.value.by_field()
    with pytest.raises(InvalidInput) as refused:
        async with acting(world.admin) as knowledge:
            await knowledge.update(ownerless.id, version=1, owner_id=world.dso.id, fields=["owner_id"])
    assert refused.value.by_field()["owner_id"].startswith("De eigenaar moet een accountmanager van SZW")
    assert (await rows(db, KnowledgeArticleVersion), await rows(db, AuditEvent)) == before


async def test_withdrawing_needs_a_reason_and_ends_the_article(acting, world, db) -> None:
    article = await new_article(acting, world)
    before = await rows(db, KnowledgeArticleVersion)
    with pytest.raises(InvalidInput, match="reden"):
        async with acting(world.szw) as knowledge:
            await knowledge.withdraw(article.id, reason="  ")
    assert await rows(db, KnowledgeArticleVersion) == before
    async with acting(world.szw) as knowledge:
        withdrawn = await knowledge.withdraw(article.id, reason="Regeling bestaat niet meer")
    assert withdrawn.status == "withdrawn" and withdrawn.withdrawn_reason == "Regeling bestaat niet meer"
    with pytest.raises(Conflict):
        async with acting(world.szw) as knowledge:
            await knowledge.update(article.id, version=withdrawn.version, answer="Toch nog")
    with pytest.raises(InvalidInput):
        async with acting(world.szw) as knowledge:
            await knowledge.publish(article.id)
    assert await rows(db, KnowledgeArticle) == 1  # never deleted


async def test_who_may_write_and_read(acting, world) -> None:
    with pytest.raises(Forbidden):
        async with acting(world.dso) as knowledge:
            await knowledge.create(service="SZW", question="Bijstand", answer="x")
    with pytest.raises(Forbidden):
        async with acting(world.kcc) as knowledge:
            await knowledge.create(service="SZW", question="Bijstand", answer="x")
    with pytest.raises(Forbidden):
        async with acting(world.evaluator) as knowledge:
            await knowledge.search("bijstand")
    draft = await new_article(acting, world)
    with pytest.raises(Forbidden):
        async with acting(world.kcc) as knowledge:
            await knowledge.get(draft.id)
    async with acting(world.kcc) as knowledge:
        assert await knowledge.search("uitkering") == []
    async with acting(world.szw) as knowledge:
        assert [hit.id for hit in await knowledge.search("uitkering")] == [draft.id]
        await knowledge.publish(draft.id)
    async with acting(world.kcc) as knowledge:
        assert [hit.id for hit in await knowledge.search("uitkering")] == [draft.id]
        assert (await knowledge.get(draft.id)).may_write is False


async def test_past_review_shows_controleren_and_expires_after_the_grace(acting, world, db) -> None:
    article = await new_article(acting, world)
    async with acting(world.szw) as knowledge:
        await knowledge.publish(article.id)
    async with db() as session, session.begin():
        await session.execute(
            update(KnowledgeArticle)
            .where(KnowledgeArticle.id == article.id)
            .values(review_due=date.today() - timedelta(days=3), version=KnowledgeArticle.version)
        )
    async with acting(world.kcc) as knowledge:
        assert (await knowledge.get(article.id)).needs_review is True
    async with acting(world.szw) as knowledge:
        assert await expire_overdue(knowledge.session, knowledge.audit) == []
        later = datetime.now(UTC) + timedelta(days=40)
        assert await expire_overdue(knowledge.session, knowledge.audit, later) == [article.id]
        assert await expire_overdue(knowledge.session, knowledge.audit, later) == []
    async with acting(world.szw) as knowledge:
        view = await knowledge.get(article.id)
        assert view.article.status == "expired" and view.versions[0].version.change.startswith("verlopen")
        republished = await knowledge.publish(article.id)
        assert republished.status == "published" and republished.review_due > date.today()


async def test_the_notifications_command_expires_articles_a_month_past_review(acting, world, db, migrated) -> None:
    """``casemgmt notifications send`` (cron, or ``run --scheduler`` every minute) is what calls ``expire_overdue``."""
    from tests.worlds.commands import run

    article = await new_article(acting, world)
    async with acting(world.szw) as knowledge:
        await knowledge.publish(article.id)
    async with db() as session, session.begin():
        await session.execute(
            update(KnowledgeArticle)
            .where(KnowledgeArticle.id == article.id)
            .values(review_due=date.today() - timedelta(days=10), version=KnowledgeArticle.version)
        )
    within_grace = run(migrated, "notifications", "send")
    assert within_grace.returncode == 0, within_grace.stderr
    assert "Kennisbank" not in within_grace.stdout
    later = (datetime.now(UTC) + timedelta(days=25)).isoformat(timespec="minutes")
    done = run(migrated, "notifications", "send", "--now", later)
    assert done.returncode == 0, done.stderr
    assert "Kennisbank: 1 artikel(en) verlopen" in done.stdout
    async with db() as session:
        expired = await session.get(KnowledgeArticle, article.id)
        assert expired is not None and expired.status == "expired"
        events = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.object_type == "knowledge_article", AuditEvent.detail == "verlopen")
        )
    assert events == 1
    assert "Kennisbank" not in run(migrated, "notifications", "send", "--now", later).stdout
