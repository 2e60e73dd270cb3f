"""The demo municipality's kennisbank (issue 16): the articles of ``knowledge.toml`` (40+ across SZW, OCW, DSO and
DPZ, with owners, topics, a few past their review date and a concept), and the demo's reusable answers taken over
as concept articles, as migration 0020 does for a real database.

Safe to load twice: an article whose question is there already is skipped, and a reusable answer is taken over
once (``source_reusable_answer_id`` is unique). Written through the ORM (a few dozen rows), then indexed for search.
"""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta
from importlib.resources import files
from typing import Any

from sqlalchemy import exists, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.models import User
from casemgmt.contacts.models import Contact
from casemgmt.directory.models import Service, Topic
from casemgmt.escalations.models import ReusableAnswer
from casemgmt.knowledge.models import KnowledgeArticle, KnowledgeArticleVersion, contact_articles
from casemgmt.knowledge.rules import ArticleStatus, default_review_due
from casemgmt.knowledge.search import reindex
from casemgmt.knowledge.services import owners_of, today_in_amsterdam


def demo_articles() -> list[dict[str, Any]]:
    """The articles of ``knowledge.toml``, as written there."""
    data = tomllib.loads((files("casemgmt.synthetic") / "knowledge.toml").read_text(encoding="utf-8"))
    return list(data["article"])


def _version(article: KnowledgeArticle, number: int, change: str, by: int, at: datetime) -> KnowledgeArticleVersion:
    return KnowledgeArticleVersion(
        article_id=article.id,
        version=number,
        question=article.question,
        answer=article.answer,
        next_steps=article.next_steps,
        service_id=article.service_id,
        topic_id=article.topic_id,
        owner_id=article.owner_id,
        status=ArticleStatus.DRAFT.value if number == 1 else article.status,
        review_due=None if number == 1 else article.review_due,
        change=change,
        changed_by_id=by,
        changed_at=at,
    )


async def load_knowledge(session: AsyncSession, now: datetime) -> int:
    """Load the demo articles that are missing and take over the reusable answers; returns how many articles were
    added."""
    services = dict((await session.execute(select(Service.code, Service.id))).tuples().all())
    topics = dict((await session.execute(select(Topic.code, Topic.id))).tuples().all())
    users = dict((await session.execute(select(User.email, User.id))).tuples().all())
    existing = set((await session.scalars(select(KnowledgeArticle.question))).all())
    today = today_in_amsterdam(now)
    added: list[KnowledgeArticle] = []
    for position, item in enumerate(demo_articles()):
        if item["question"] in existing:
            continue
        owner = users[item["owner"]]
        status = item.get("status", "published")
        review_in = int(item.get("review_in_days", 120))
        published = now - timedelta(days=max(1, 182 - review_in))
        written = published - timedelta(days=3 + position % 9)
        article = KnowledgeArticle(
            question=item["question"],
            answer=item["answer"].strip(),
            next_steps=item.get("next_steps", "").strip(),
            service_id=services[item["service"]],
            topic_id=topics.get(item.get("topic") or ""),
            owner_id=owner,
            status=ArticleStatus.DRAFT.value,
            created_by_id=owner,
        )
        session.add(article)
        await session.flush()
        versions = [_version(article, 1, "aangemaakt als concept", owner, written)]
        if status == "published":
            review_due = today + timedelta(days=review_in)
            article.status, article.published_at, article.review_due = status, published, review_due
            await session.flush()
            versions.append(
                _version(article, 2, f"gepubliceerd; controleren voor {review_due:%d-%m-%Y}", owner, published)
            )
        session.add_all(versions)
        added.append(article)
    await _adopt_reusable_answers(session, now)
    await session.flush()
    await reindex(session)
    await _answer_calls_with_articles(session)
    return len(added)


async def _answer_calls_with_articles(session: AsyncSession) -> None:
    """Let the demo's anonymous calls since an article of their topic was published be answered with it, two in
    five of them (by id: deterministic), so the figures with and without an article have data; idempotent."""
    first = (
        select(KnowledgeArticle.topic_id, func.min(KnowledgeArticle.id).label("article_id"))
        .where(KnowledgeArticle.status == ArticleStatus.PUBLISHED.value, KnowledgeArticle.topic_id.is_not(None))
        .group_by(KnowledgeArticle.topic_id)
        .subquery()
    )
    calls = (
        select(Contact.id, KnowledgeArticle.id, KnowledgeArticle.version)
        .join(first, first.c.topic_id == Contact.topic_id)
        .join(KnowledgeArticle, KnowledgeArticle.id == first.c.article_id)
        .where(
            Contact.client_id.is_(None),
            Contact.occurred_at >= KnowledgeArticle.published_at,
            Contact.id % 5 < 2,
            ~exists().where(contact_articles.c.contact_id == Contact.id),
        )
    )
    await session.execute(insert(contact_articles).from_select(["contact_id", "article_id", "version"], calls))


async def _adopt_reusable_answers(session: AsyncSession, now: datetime) -> None:
    adopted = select(KnowledgeArticle.source_reusable_answer_id).where(
        KnowledgeArticle.source_reusable_answer_id.is_not(None)
    )
    answers = (await session.scalars(select(ReusableAnswer).where(ReusableAnswer.id.not_in(adopted)))).all()
    for answer in answers:
        owners = await owners_of(session, answer.service_id)
        owner = next((u.id for u in owners if u.id == answer.written_by_id), owners[0].id if owners else None)
        article = KnowledgeArticle(
            question=answer.title[:300],
            answer=answer.answer,
            next_steps="",
            service_id=answer.service_id,
            owner_id=owner,
            status=ArticleStatus.DRAFT.value,
            source_escalation_id=answer.escalation_id,
            source_reusable_answer_id=answer.id,
            created_by_id=answer.written_by_id,
        )
        session.add(article)
        await session.flush()
        change = f"overgenomen uit herbruikbaar antwoord {answer.id}"
        session.add(_version(article, 1, change, answer.written_by_id, now))


__all__ = ["default_review_due", "demo_articles", "load_knowledge"]
