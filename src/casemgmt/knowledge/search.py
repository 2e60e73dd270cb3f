"""Searching the kennisbank in Dutch, the same way on both databases.

What is indexed: an article's question (weighted most) and its answer with its next steps, folded (lower case,
diacritics stripped in Python, so no ``unaccent`` extension is needed), without the Snowball Dutch stop words.

- **PostgreSQL**: the folded texts are kept in ``search_question`` and ``search_body``; a GIN index on
  ``setweight(to_tsvector('dutch', search_question), 'A') || setweight(to_tsvector('dutch', search_body), 'D')``
  (``TSVECTOR``, the same expression in the migration and the query, so the index is used), ranked by ``ts_rank``
  with length normalisation.
- **SQLite**: the FTS5 table ``knowledge_search`` (rowid = article id; columns question and body) holds the texts
  stemmed in Python with the original Snowball Dutch (Porter) stemmer, the algorithm of PostgreSQL's ``dutch``
  configuration; ``index_article`` keeps it in step on every write, ``reindex`` rebuilds it (migration 0020, the
  demo loader); ranked by ``bm25`` with the question weighted 10 to 1 like ``ts_rank``'s A and D weights.

A query (``rules.search_terms``): its words, folded, stop words dropped, at most ``rules.MAX_TERMS``; the last one is
matched as a prefix while it is being typed (no space after it). Three passes, the first with hits wins: all words
(AND); all words with each word the index does not know replaced by the nearest indexed stem (``difflib`` over the
index's vocabulary: ``ts_stat`` or ``fts5vocab``), so "buitenlnd" finds "buitenland"; any of those words (OR). The
highlighted passage is chosen in Python (``rules.highlight``), the same on both databases. A query never errors:
no words, no hits. Validation of the query's length (422 beyond ``MAX_QUERY``) is the API's; this cuts it.

Who sees what is the caller's: ``statuses`` limits the statuses searched (the service passes what the employee may
read, e.g. ``published`` for the KCC) except for the articles of ``all_of_services`` (the services the employee
writes for), which are searched in every status. Withdrawn articles are found only when ``status`` names them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, literal_column, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.directory.models import Service, Topic
from casemgmt.knowledge import rules
from casemgmt.knowledge.models import KnowledgeArticle
from casemgmt.knowledge.rules import ArticleStatus, SearchTerms

TSVECTOR = (
    "(setweight(to_tsvector('dutch'::regconfig, search_question), 'A') || "
    "setweight(to_tsvector('dutch'::regconfig, search_body), 'D'))"
)
"""The indexed text search vector on PostgreSQL; migration 0020 creates its GIN index with exactly this text."""

FTS_TABLE = "knowledge_search"
FTS_VOCABULARY = "knowledge_search_terms"
FTS_WEIGHTS = (10.0, 1.0)
PG_WEIGHTS = "'{0.1, 0.2, 0.4, 1.0}'::float4[]"
PG_NORMALIZATION = 1
CANDIDATES = 100
"""How many of the database's best matches the shared ranking orders."""


@dataclass(frozen=True)
class ArticleHit:
    """One article found: what a result list shows. ``passage`` is the matching part of the answer (or of the
    question when the answer does not match) as (text, matched) parts; the template escapes each and marks the
    matched ones. ``score``: higher is better (``ts_rank`` or minus ``bm25``; not comparable across databases)."""

    id: int
    version: int
    question: str
    answer_excerpt: str
    passage: list[tuple[str, bool]]
    service: str
    topic: str | None
    status: str
    review_due: date | None
    score: float
    service_name: str = ""
    topic_name: str | None = None
    owner_id: int | None = None
    question_parts: tuple[tuple[str, bool], ...] = ()


def indexed_texts(question: str, answer: str, next_steps: str) -> tuple[str, str]:
    """The folded question and body kept in ``search_question`` and ``search_body``."""
    return " ".join(rules.words(question)), " ".join(rules.words(f"{answer}\n{next_steps}"))


def is_sqlite(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "sqlite"


async def index_article(session: AsyncSession, article: KnowledgeArticle) -> None:
    """Bring the search index up to date with the article as it now stands (with every write, in its
    transaction): sets the folded columns, flushes the article (its one INSERT or UPDATE) and on SQLite writes its
    FTS5 row."""
    article.search_question, article.search_body = indexed_texts(article.question, article.answer, article.next_steps)
    await session.flush()
    await _fts_row(session, article.id, article.question, article.answer, article.next_steps)


async def _fts_row(session: AsyncSession, article_id: int, question: str, answer: str, next_steps: str) -> None:
    if not is_sqlite(session):
        return
    await session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": article_id})  # noqa: S608
    await session.execute(
        text(f"INSERT INTO {FTS_TABLE} (rowid, question, body) VALUES (:id, :question, :body)"),  # noqa: S608
        {
            "id": article_id,
            "question": " ".join(rules.stems(question)),
            "body": " ".join(rules.stems(f"{answer}\n{next_steps}")),
        },
    )


async def reindex(session: AsyncSession, article_ids: Sequence[int] | None = None) -> int:
    """Rebuild the search index of all articles (or of ``article_ids``), e.g. after a bulk load, without changing
    the articles' versions; returns how many."""
    table = KnowledgeArticle.__table__
    query = select(table.c.id, table.c.question, table.c.answer, table.c.next_steps)
    if article_ids is not None:
        query = query.where(table.c.id.in_(list(article_ids)))
    await session.flush()
    rows = (await session.execute(query)).all()
    if is_sqlite(session) and article_ids is None:
        await session.execute(text(f"DELETE FROM {FTS_TABLE}"))  # noqa: S608
    for article_id, question, answer, next_steps in rows:
        folded_question, folded_body = indexed_texts(question, answer, next_steps)
        await session.execute(
            update(table)
            .where(table.c.id == article_id)
            .values(search_question=folded_question, search_body=folded_body)
        )
        await _fts_row(session, article_id, question, answer, next_steps)
    return len(rows)


# -- searching ------------------------------------------------------------------------------------------------


async def _vocabulary(session: AsyncSession) -> list[str]:
    if is_sqlite(session):
        found = await session.scalars(text(f"SELECT term FROM {FTS_VOCABULARY}"))  # noqa: S608
    else:
        found = await session.scalars(text(f"SELECT word FROM ts_stat($$SELECT {TSVECTOR} FROM knowledge_articles$$)"))  # noqa: S608
    return sorted(found.all())


async def _corrected(session: AsyncSession, terms: SearchTerms) -> tuple[tuple[str | None, ...], bool]:
    """Per term the indexed stem replacing it (``None``: kept as typed), and whether any was replaced. A term is
    kept when the index knows its stem, or (the last one, being typed) when an indexed stem starts with it."""
    vocabulary = await _vocabulary(session)
    known = set(vocabulary)
    replaced: list[str | None] = []
    for index, term in enumerate(terms.stems):
        typing = terms.prefix_last and index == len(terms.stems) - 1
        if term in known or (typing and any(word.startswith(term) for word in vocabulary)):
            replaced.append(None)
        else:
            replaced.append(rules.closest_term(term, vocabulary))
    return tuple(replaced), any(r is not None for r in replaced)


def _fts_match(terms: SearchTerms, replaced: tuple[str | None, ...], joiner: str) -> str:
    parts = []
    for index, term in enumerate(terms.stems):
        if replaced[index] is not None:
            parts.append(f'"{replaced[index]}"')
        elif terms.prefix_last and index == len(terms.stems) - 1:
            parts.append(f'"{term}"*')
        else:
            parts.append(f'"{term}"')
    return f" {joiner} ".join(parts)


def _tsquery(terms: SearchTerms, replaced: tuple[str | None, ...], joiner: str) -> ColumnElement[Any]:
    query: ColumnElement[Any] | None = None
    for index, word in enumerate(terms.words):
        if replaced[index] is not None:
            part = func.to_tsquery(literal_column("'simple'::regconfig"), bindparam(f"t{index}", replaced[index]))
        else:
            typed = f"{word}:*" if terms.prefix_last and index == len(terms.words) - 1 else word
            part = func.to_tsquery(literal_column("'dutch'::regconfig"), bindparam(f"t{index}", typed))
        query = part if query is None else query.op(joiner)(part)
    assert query is not None
    return query


def _base(
    service: str | None,
    topic: str | None,
    status: ArticleStatus | None,
    statuses: Collection[str] | None,
    all_of_services: Collection[str],
) -> Select[Any]:
    query = (
        select(KnowledgeArticle, Service.code, Service.name, Topic.code, Topic.name)
        .join(Service, Service.id == KnowledgeArticle.service_id)
        .outerjoin(Topic, Topic.id == KnowledgeArticle.topic_id)
    )
    if service:
        query = query.where(Service.code == service.strip().upper())
    if topic:
        query = query.where(Topic.code == topic.strip().lower())
    if status is not None:
        query = query.where(KnowledgeArticle.status == status.value)
    else:
        query = query.where(KnowledgeArticle.status != ArticleStatus.WITHDRAWN.value)
    if statuses is not None:
        visible = KnowledgeArticle.status.in_(list(statuses))
        if all_of_services:
            visible = or_(visible, Service.code.in_(list(all_of_services)))
        query = query.where(visible)
    return query


async def _ranked(
    session: AsyncSession,
    base: Select[Any],
    terms: SearchTerms,
    replaced: tuple[str | None, ...],
    any_: bool,
    limit: int,
) -> list[tuple[Any, ...]]:
    if is_sqlite(session):
        match = _fts_match(terms, replaced, "OR" if any_ else "AND")
        bm25 = literal_column(f"bm25({FTS_TABLE}, {FTS_WEIGHTS[0]}, {FTS_WEIGHTS[1]})")
        fts = text(f"SELECT rowid AS article_id, {bm25} AS rank FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match")  # noqa: S608
        found = fts.columns(article_id=KnowledgeArticle.id.type, rank=KnowledgeArticle.version.type).subquery("fts")
        query = (
            base.add_columns((-found.c.rank).label("score"))
            .join(found, found.c.article_id == KnowledgeArticle.id)
            .order_by(found.c.rank, KnowledgeArticle.id)
            .limit(limit)
        )
        return list((await session.execute(query, {"match": match})).all())
    tsquery = _tsquery(terms, replaced, "||" if any_ else "&&")
    vector = literal_column(TSVECTOR)
    rank = func.ts_rank(literal_column(PG_WEIGHTS), vector, tsquery, PG_NORMALIZATION).label("score")
    query = (
        base.add_columns(rank).where(vector.op("@@")(tsquery)).order_by(rank.desc(), KnowledgeArticle.id).limit(limit)
    )
    return list((await session.execute(query)).all())


async def search_articles(
    session: AsyncSession,
    query: str,
    *,
    service: str | None = None,
    topic: str | None = None,
    status: str | None = None,
    limit: int = 20,
    statuses: Collection[str] | None = None,
    all_of_services: Collection[str] = (),
) -> list[ArticleHit]:
    """The articles that match ``query``, best first (at most ``limit``), filtered by service code, topic code and
    status (code or Dutch label; an unknown one finds nothing). An empty query lists the filtered articles by
    question. Never raises for any query text."""
    try:
        chosen = rules.parse_status(status)
    except rules.InvalidInput:
        return []
    limit = max(1, min(limit, 100))
    base = _base(service, topic, chosen, statuses, all_of_services)
    terms = rules.search_terms(query)
    extra: tuple[str, ...] = ()
    if not terms:
        rows = (await session.execute(base.order_by(KnowledgeArticle.question, KnowledgeArticle.id).limit(limit))).all()
        return [_hit(row, 0.0, terms, extra) for row in rows]
    unchanged: tuple[str | None, ...] = (None,) * len(terms.stems)
    rows = await _ranked(session, base, terms, unchanged, False, CANDIDATES)
    replaced = unchanged
    if not rows:
        replaced, changed = await _corrected(session, terms)
        if changed:
            rows = await _ranked(session, base, terms, replaced, False, CANDIDATES)
        if not rows and len(terms.stems) > 1:
            rows = await _ranked(session, base, terms, replaced, True, CANDIDATES)
        extra = tuple(r for r in replaced if r is not None)
    return _reranked(rows, terms, replaced, extra, limit)


def _reranked(
    rows: list[tuple[Any, ...]],
    terms: SearchTerms,
    replaced: tuple[str | None, ...],
    extra: tuple[str, ...],
    limit: int,
) -> list[ArticleHit]:
    """The database's candidates in the shared order (``rules.rank``; the database's own rank breaks ties)."""
    candidates = [
        rules.Candidate(index, tuple(row[0].search_question.split()), tuple(row[0].search_body.split()))
        for index, row in enumerate(rows)
    ]
    scores = rules.rank(candidates, terms, replaced)
    order = sorted(range(len(rows)), key=lambda i: (-round(scores[i], 9), -float(rows[i][-1] or 0.0), rows[i][0].id))
    return [_hit(tuple(rows[i][:-1]), scores[i], terms, extra) for i in order[:limit]]


def _hit(row: Sequence[Any], score: float, terms: SearchTerms, extra: tuple[str, ...]) -> ArticleHit:
    article, service_code, service_name, topic_code, topic_name = row[:5]
    body = article.answer or article.next_steps
    passage = rules.highlight(body, terms, extra) if terms else []
    if terms and not any(hit for _, hit in passage):
        passage = rules.highlight(article.next_steps, terms, extra) or passage
    if not passage:
        passage = [(rules.excerpt(body), False)] if body else []
    return ArticleHit(
        id=article.id,
        version=article.version,
        question=article.question,
        answer_excerpt=rules.excerpt(article.answer),
        passage=passage,
        service=service_code,
        topic=topic_code,
        status=article.status,
        review_due=article.review_due,
        score=round(score, 6),
        service_name=service_name,
        topic_name=topic_name,
        owner_id=article.owner_id,
        question_parts=tuple(rules.highlight(article.question, terms, extra))
        if terms
        else ((article.question, False),),
    )


__all__ = ["ArticleHit", "index_article", "reindex", "search_articles"]
