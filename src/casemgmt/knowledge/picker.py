"""The kennisbank search box of the contact form ("Contact vastleggen" on its own page, on the dossier page and on
the klantbeeld): as the agent types, htmx asks ``/kennisbank/kiezen?kb_q=…`` for the published articles that match
(B1's ``search_articles``, best first); "Gebruiken" asks ``/kennisbank/kiezen/{id}`` for the attached article's
checkbox, which htmx adds to the form's chosen list. Posting the form sends ``articles`` (one per checkbox); the
contact service checks them again (published only) and records the current version."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlalchemy import select

from casemgmt.auth.guards import requires_employee
from casemgmt.db import DbSession
from casemgmt.errors import NotFound
from casemgmt.knowledge.models import KnowledgeArticle
from casemgmt.knowledge.rules import MAX_QUERY, ArticleStatus
from casemgmt.knowledge.search import search_articles

RESULTS = 8
"""Articles the picker offers at a time."""


@get("/kennisbank/kiezen", name="knowledge.pick", guards=[requires_employee], include_in_schema=False)
async def pick_articles(
    db_session: DbSession, kb_q: FromQuery[str] = "", prefix: FromQuery[str] = "contact"
) -> Template:
    """The published articles matching the typed question (none for an empty one)."""
    query = kb_q.strip()[:MAX_QUERY]
    hits = (
        await search_articles(db_session, query, status=ArticleStatus.PUBLISHED.value, limit=RESULTS) if query else []
    )
    return Template(
        "knowledge/_picker_results.html",
        context={"hits": hits, "query": query, "prefix": "".join(c for c in prefix if c.isalnum())[:20] or "contact"},
        headers={"Vary": "HX-Request"},
    )


@get(
    "/kennisbank/kiezen/{article_id:int}",
    name="knowledge.pick.one",
    guards=[requires_employee],
    include_in_schema=False,
)
async def pick_article(db_session: DbSession, article_id: FromPath[int]) -> Template:
    """The chosen article's checkbox for the form (a published article only; 404 otherwise)."""
    row = (
        await db_session.execute(
            select(KnowledgeArticle.id, KnowledgeArticle.version, KnowledgeArticle.question).where(
                KnowledgeArticle.id == article_id, KnowledgeArticle.status == ArticleStatus.PUBLISHED.value
            )
        )
    ).one_or_none()
    if row is None:
        raise NotFound("Geen gepubliceerd kennisartikel")
    return Template("knowledge/_picked.html", context={"ident": str(row.id), "question": row.question})


PAGE_HANDLERS: list[Any] = [pick_articles, pick_article]
