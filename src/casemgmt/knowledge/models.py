"""A knowledge article, every version of it, the flags agents raise on it and the contacts answered with it.

``KnowledgeArticle`` holds the current text; ``version`` is its optimistic lock and counts every change (edit,
publish, withdraw), each of which also writes a ``KnowledgeArticleVersion`` with the whole text as it then stood,
who changed it and what changed, so every version a caller was ever given can be read back. ``ContactArticle``
records which version of which article a contact was answered with."""

from __future__ import annotations

from datetime import date, datetime

from advanced_alchemy.base import BigIntAuditBase, orm_registry
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casemgmt.knowledge.rules import MAX_CHANGE, MAX_FLAG_NOTE, MAX_QUESTION, MAX_REASON, ArticleStatus


class KnowledgeArticle(BigIntAuditBase):
    __tablename__ = "knowledge_articles"
    __table_args__ = (
        Index("ix_knowledge_articles_service_status", "service_id", "status"),
        Index("ix_knowledge_articles_owner_review", "owner_id", "review_due"),
    )

    question: Mapped[str] = mapped_column(String(MAX_QUESTION))
    answer: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="RESTRICT"), default=None)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    status: Mapped[str] = mapped_column(String(12), default=ArticleStatus.DRAFT.value)
    review_due: Mapped[date | None] = mapped_column(Date, default=None)
    published_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    withdrawn_reason: Mapped[str] = mapped_column(String(MAX_REASON), default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    source_escalation_id: Mapped[int | None] = mapped_column(
        ForeignKey("escalations.id", ondelete="RESTRICT"), default=None
    )
    source_reusable_answer_id: Mapped[int | None] = mapped_column(
        ForeignKey("reusable_answers.id", ondelete="RESTRICT"), default=None, unique=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    search_question: Mapped[str] = mapped_column(Text, default="", server_default="")
    """The question folded (lower case, no diacritics) for the PostgreSQL full-text index (``knowledge/search.py``)."""
    search_body: Mapped[str] = mapped_column(Text, default="", server_default="")
    """The answer and next steps folded, likewise."""

    __mapper_args__ = {"version_id_col": version}


class KnowledgeArticleVersion(BigIntAuditBase):
    """One version of an article: its whole text and classification as they stood after a change."""

    __tablename__ = "knowledge_article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version", name="uq_knowledge_article_versions_article_version"),)

    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(String(MAX_QUESTION))
    answer: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="RESTRICT"), default=None)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    status: Mapped[str] = mapped_column(String(12))
    review_due: Mapped[date | None] = mapped_column(Date, default=None)
    change: Mapped[str] = mapped_column(String(MAX_CHANGE))
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    changed_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class KnowledgeFlag(BigIntAuditBase):
    """A flag (melding) an agent raised on one version of an article, open until its owner handles it."""

    __tablename__ = "knowledge_flags"
    __table_args__ = (Index("ix_knowledge_flags_article_resolved", "article_id", "resolved_at"),)

    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id", ondelete="RESTRICT"))
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(String(MAX_FLAG_NOTE), default="")
    flagged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    flagged_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    resolution: Mapped[str] = mapped_column(String(MAX_FLAG_NOTE), default="")


contact_articles = Table(
    "contact_articles",
    orm_registry.metadata,
    Column("contact_id", ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True),
    Column("article_id", ForeignKey("knowledge_articles.id", ondelete="RESTRICT"), primary_key=True),
    Column("version", Integer, nullable=False),
    Index("ix_contact_articles_article", "article_id"),
)
"""Which version of which article a contact was answered with."""

__all__ = ["KnowledgeArticle", "KnowledgeArticleVersion", "KnowledgeFlag", "contact_articles"]
