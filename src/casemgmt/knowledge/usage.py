"""Which knowledge article a contact was answered with (``contact_articles``): checking the articles an employee
attached (published ones only; the current version is the one given), recording them with the contact, and the
timeline's one aggregated subquery that names them (question and version as given) without a query per entry.

The version recorded is the article's version when the contact was logged; a later edit makes a new version and
leaves the recorded one as it was, so the timeline shows the text the caller was actually given."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.errors import FieldError
from casemgmt.knowledge.models import KnowledgeArticle, KnowledgeArticleVersion, contact_articles
from casemgmt.knowledge.rules import ArticleStatus

MAX_ARTICLES = 10
"""Articles one contact may record (more than a few in one call is rare)."""

UNKNOWN = "Onbekend kennisartikel"
NOT_PUBLISHED = (
    "Dit kennisartikel is niet gepubliceerd (concept, verlopen of ingetrokken); kies een gepubliceerd artikel"
)
TOO_MANY = f"Kies hoogstens {MAX_ARTICLES} kennisartikelen"
_FIELD, _UNIT = "\x1e", "\x1f"


@dataclass(frozen=True)
class GivenArticle:
    """An article as given on a contact: its id, the version given, and that version's question."""

    id: int
    version: int
    question: str


async def check_articles(
    session: AsyncSession, article_ids: Sequence[int] | None
) -> tuple[list[GivenArticle], list[FieldError]]:
    """The articles attached to a contact, each once in the order given, with their current version; an unknown
    article or one that is not published is a field error ``articles[i]`` (``articles`` when there are too many).
    One query."""
    ids = list(dict.fromkeys(article_ids or ()))
    if not ids:
        return [], []
    if len(ids) > MAX_ARTICLES:
        return [], [FieldError("articles", TOO_MANY)]
    rows = await session.execute(
        select(KnowledgeArticle.id, KnowledgeArticle.version, KnowledgeArticle.question, KnowledgeArticle.status)
        .where(KnowledgeArticle.id.in_(ids))
        .with_for_update(read=True)
    )
    found = {row.id: row for row in rows}
    given: list[GivenArticle] = []
    errors: list[FieldError] = []
    for number, article_id in enumerate(ids):
        row = found.get(article_id)
        if row is None:
            errors.append(FieldError(f"articles[{number}]", UNKNOWN))
        elif row.status != ArticleStatus.PUBLISHED.value:
            errors.append(FieldError(f"articles[{number}]", NOT_PUBLISHED))
        else:
            given.append(GivenArticle(row.id, row.version, row.question))
    return given, errors


async def record_articles(session: AsyncSession, contact_id: int, given: Sequence[GivenArticle]) -> None:
    """Record with the contact (flushed) which version of each article it was answered with."""
    if given:
        await session.execute(
            insert(contact_articles),
            [{"contact_id": contact_id, "article_id": a.id, "version": a.version} for a in given],
        )


def given_articles_of(contact_id_column: Any) -> Any:
    """The articles a contact was answered with, as one string in the same query as the contact (a correlated
    scalar subquery on ``contact_id_column``): no query per timeline entry. The question is the one of the version
    given (the current one if that version's row is missing). Read back with :func:`given_articles`."""
    return (
        select(
            func.aggregate_strings(
                cast(contact_articles.c.article_id, String)
                + _UNIT
                + cast(contact_articles.c.version, String)
                + _UNIT
                + func.coalesce(KnowledgeArticleVersion.question, KnowledgeArticle.question),
                _FIELD,
            )
        )
        .select_from(contact_articles)
        .join(KnowledgeArticle, KnowledgeArticle.id == contact_articles.c.article_id)
        .outerjoin(
            KnowledgeArticleVersion,
            (KnowledgeArticleVersion.article_id == contact_articles.c.article_id)
            & (KnowledgeArticleVersion.version == contact_articles.c.version),
        )
        .where(contact_articles.c.contact_id == contact_id_column)
        .scalar_subquery()
    )


def given_articles(text: str | None) -> list[dict[str, Any]]:
    """The articles of :func:`given_articles_of` as ``{id, version, question}``, by article id."""
    found = []
    for part in (text or "").split(_FIELD):
        if part:
            ident, version, question = part.split(_UNIT, 2)
            found.append({"id": int(ident), "version": int(version), "question": question})
    return sorted(found, key=lambda a: a["id"])


async def articles_of_contact(session: AsyncSession, contact_id: int) -> list[GivenArticle]:
    """The articles one contact was answered with (the API's answer after logging it)."""
    text = await session.scalar(select(given_articles_of(contact_id)))
    return [GivenArticle(a["id"], a["version"], a["question"]) for a in given_articles(text)]
