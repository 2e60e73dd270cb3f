"""The Werkvoorraad's panel "Kennisbank" for accountmanagers: the articles they own that are past their review date
("controleren", oldest first) and the articles with open flags (meldingen), with their counts and links.

An article counts as the employee's when they own it, or when it has no owner and belongs to one of their services
(someone of the service has to pick it up). Everything is counted and listed in SQL: four queries, however many
articles. Articles and flags hold no personal data of citizens, so reading the panel is not audited."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.roles import Role
from casemgmt.directory.calendar import local_date
from casemgmt.directory.models import Service
from casemgmt.knowledge.models import KnowledgeArticle, KnowledgeFlag
from casemgmt.knowledge.rules import ArticleStatus

PANEL_ROWS = 10
REVIEWED = (ArticleStatus.PUBLISHED.value,)
"""Articles whose review date matters (``rules.needs_review``): published ones; an expired one is out of use."""


@dataclass(frozen=True)
class ReviewDue:
    id: int
    question: str
    service: str
    review_due: date


@dataclass(frozen=True)
class FlaggedArticle:
    id: int
    question: str
    service: str
    open_flags: int
    oldest: datetime


@dataclass(frozen=True)
class KnowledgePanel:
    review: list[ReviewDue] = field(default_factory=list)
    review_total: int = 0
    flagged: list[FlaggedArticle] = field(default_factory=list)
    flag_total: int = 0


def shows_panel(actor: CurrentUser) -> bool:
    return Role.ACCOUNTMANAGER in actor.roles


def _mine(actor: CurrentUser) -> object:
    return or_(
        KnowledgeArticle.owner_id == actor.id,
        and_(KnowledgeArticle.owner_id.is_(None), Service.code.in_(actor.service_codes)),
    )


async def knowledge_panel(session: AsyncSession, actor: CurrentUser, now: datetime) -> KnowledgePanel:
    """The employee's articles to review and flagged articles (empty for who is no accountmanager)."""
    if not shows_panel(actor):
        return KnowledgePanel()
    today = local_date(now)
    base = select().select_from(KnowledgeArticle).join(Service, Service.id == KnowledgeArticle.service_id)
    due = base.where(
        _mine(actor),  # type: ignore[arg-type]
        KnowledgeArticle.status.in_(REVIEWED),
        KnowledgeArticle.review_due.is_not(None),
        KnowledgeArticle.review_due < today,
    )
    review_total = await session.scalar(due.add_columns(func.count())) or 0
    review = [
        ReviewDue(*row)
        for row in (
            await session.execute(
                due.add_columns(
                    KnowledgeArticle.id, KnowledgeArticle.question, Service.code, KnowledgeArticle.review_due
                )
                .order_by(KnowledgeArticle.review_due, KnowledgeArticle.id)
                .limit(PANEL_ROWS)
            )
        ).tuples()
    ]
    flagged_base = base.join(KnowledgeFlag, KnowledgeFlag.article_id == KnowledgeArticle.id).where(
        _mine(actor),  # type: ignore[arg-type]
        KnowledgeFlag.resolved_at.is_(None),
    )
    flag_total = await session.scalar(flagged_base.add_columns(func.count())) or 0
    oldest = func.min(KnowledgeFlag.flagged_at)
    flagged = [
        FlaggedArticle(*row)
        for row in (
            await session.execute(
                flagged_base.add_columns(
                    KnowledgeArticle.id, KnowledgeArticle.question, Service.code, func.count(KnowledgeFlag.id), oldest
                )
                .group_by(KnowledgeArticle.id, KnowledgeArticle.question, Service.code)
                .order_by(oldest, KnowledgeArticle.id)
                .limit(PANEL_ROWS)
            )
        ).tuples()
    ]
    return KnowledgePanel(review, review_total, flagged, flag_total)
