"""Request and response bodies of ``/api/v1/articles``; text limits are the rules' (``knowledge/rules.py``)."""

from __future__ import annotations

from datetime import date, datetime

import msgspec
from pydantic import BaseModel, Field

from casemgmt.knowledge.rules import MAX_ANSWER, MAX_NEXT_STEPS, MAX_QUESTION, MAX_REASON
from casemgmt.knowledge.search import ArticleHit
from casemgmt.knowledge.services import ArticleView
from casemgmt.web.limits import limited, required_text
from casemgmt.web.parameters import OptionalRecordId, RecordId


class ArticleCreate(BaseModel):
    """A new concept article of ``service`` (code); ``owner_id``: an accountmanager of the service (default: the
    author when they are one); ``topic``: a topic code of the service."""

    service: str = Field(..., min_length=1, max_length=10)
    question: str = required_text(MAX_QUESTION)
    answer: str = limited(MAX_ANSWER, "")
    next_steps: str = limited(MAX_NEXT_STEPS, "")
    topic: str | None = Field(None, max_length=40)
    owner_id: OptionalRecordId = None


class ArticlePatch(BaseModel):
    """A change: ``version`` must be the article's current one (409 otherwise); fields left out stay, ``topic``,
    ``owner_id`` and ``review_due`` sent as ``null`` are cleared."""

    version: RecordId
    question: str | None = Field(None, max_length=MAX_QUESTION)
    answer: str | None = Field(None, max_length=MAX_ANSWER)
    next_steps: str | None = Field(None, max_length=MAX_NEXT_STEPS)
    topic: str | None = Field(None, max_length=40)
    owner_id: OptionalRecordId = None
    review_due: date | None = None


class PublishIn(BaseModel):
    """Publishing (or confirming after review): ``version`` optional (409 when given and stale); ``review_due``
    default six months on."""

    version: RecordId | None = None
    review_due: date | None = None


class WithdrawIn(BaseModel):
    reason: str = required_text(MAX_REASON)
    version: RecordId | None = None


class ArticleHitOut(msgspec.Struct):
    """One article found; ``score``: higher is better, computed by ``rules.rank`` (the same on both databases)."""

    id: int
    version: int
    question: str
    answer_excerpt: str
    service: str
    topic: str | None
    status: str
    review_due: date | None
    score: float

    @classmethod
    def of(cls, hit: ArticleHit) -> ArticleHitOut:
        return cls(
            hit.id,
            hit.version,
            hit.question,
            hit.answer_excerpt,
            hit.service,
            hit.topic,
            hit.status,
            hit.review_due,
            hit.score,
        )


class VersionOut(msgspec.Struct):
    version: int
    status: str
    question: str
    answer: str
    next_steps: str
    change: str
    changed_by_id: int
    changed_by: str
    changed_at: datetime


class ArticleOut(msgspec.Struct):
    """An article with its whole text and every version (newest first). ``needs_review``: published and past its
    review date ("controleren")."""

    id: int
    version: int
    question: str
    answer: str
    next_steps: str
    service: str
    topic: str | None
    owner_id: int | None
    status: str
    review_due: date | None
    needs_review: bool
    published_at: datetime | None
    withdrawn_reason: str
    source_escalation_id: int | None
    versions: list[VersionOut]

    @classmethod
    def of(cls, view: ArticleView) -> ArticleOut:
        article = view.article
        return cls(
            id=article.id,
            version=article.version,
            question=article.question,
            answer=article.answer,
            next_steps=article.next_steps,
            service=view.service_code,
            topic=view.topic_code,
            owner_id=article.owner_id,
            status=article.status,
            review_due=article.review_due,
            needs_review=view.needs_review,
            published_at=article.published_at,
            withdrawn_reason=article.withdrawn_reason,
            source_escalation_id=article.source_escalation_id,
            versions=[
                VersionOut(
                    v.version.version,
                    v.version.status,
                    v.version.question,
                    v.version.answer,
                    v.version.next_steps,
                    v.version.change,
                    v.version.changed_by_id,
                    v.changed_by_name,
                    v.version.changed_at,
                )
                for v in view.versions
            ],
        )
