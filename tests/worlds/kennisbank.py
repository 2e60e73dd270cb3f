"""The kennisbank in use (issue 16): published articles of the promise municipality (``tests/worlds/promises.py``),
written and published by their service's accountmanager through the kennisbank service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import AuditLog
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.models import User
from casemgmt.knowledge.models import KnowledgeArticle
from casemgmt.knowledge.services import KnowledgeService
from tests.worlds.personas import Person


async def _service(session: AsyncSession, person: Person) -> KnowledgeService:
    user = await session.scalar(select(User).where(User.id == person.id))
    assert user is not None
    actor = CurrentUser.from_user(user)
    return KnowledgeService(session, actor, AuditLog(session, actor))


async def publish_article(
    db: Callable[[], AsyncSession],
    author: Person,
    *,
    service: str,
    question: str,
    answer: str = "Vraag het aan via de website van de gemeente.",
    review_due: date | None = None,
    publish: bool = True,
    **values: Any,
) -> int:
    """A new article by ``author`` (an accountmanager of ``service``: its owner), published unless told not to."""
    async with db() as session, session.begin():
        knowledge = await _service(session, author)
        article = await knowledge.create(service=service, question=question, answer=answer, **values)
        if publish:
            article = await knowledge.publish(article.id, version=article.version, review_due=review_due)
        return article.id


async def edit_article(db: Callable[[], AsyncSession], person: Person, article_id: int, **values: Any) -> int:
    """Change the article (its current version), return the new version."""
    async with db() as session, session.begin():
        knowledge = await _service(session, person)
        current = await session.get(KnowledgeArticle, article_id)
        assert current is not None
        return (await knowledge.update(article_id, version=current.version, **values)).version


async def withdraw_article(db: Callable[[], AsyncSession], person: Person, article_id: int) -> None:
    async with db() as session, session.begin():
        await (await _service(session, person)).withdraw(article_id, reason="Vervangen door een nieuw artikel")
