"""the kennisbank's search in Dutch, and the reusable answers moved into it (issue 16)

- ``knowledge_articles.search_question`` and ``search_body``: the texts folded (lower case, no diacritics) for the
  full-text index; on PostgreSQL a GIN index on their weighted ``to_tsvector('dutch', …)`` (the expression of
  ``knowledge/search.py``'s ``TSVECTOR``); on SQLite the FTS5 table ``knowledge_search`` over the texts stemmed with
  the Snowball Dutch stemmer, and ``knowledge_search_terms`` (fts5vocab) for the nearest term of a misspelling;
- data: every reusable answer (``reusable_answers``) becomes a concept article of its service
  (``source_reusable_answer_id``, unique, so a second run adds nothing), owned by its writer when they are an
  accountmanager of the service, else by the service's first accountmanager, else by nobody yet; its first version
  records where it came from. The reusable answers themselves stay as they were (nothing lost);
- the index is rebuilt from every article.

The downgrade drops the index, the FTS5 tables and the columns, and removes the articles it made that are still
untouched concepts (version 1); articles edited since stay.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# The folding and stemming of the search index are the application's own (a migration that rebuilds the index has
# to index exactly as the application searches).
from casemgmt.knowledge.rules import fold, stems

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

TSVECTOR = (
    "(setweight(to_tsvector('dutch'::regconfig, search_question), 'A') || "
    "setweight(to_tsvector('dutch'::regconfig, search_body), 'D'))"
)


def upgrade() -> None:
    with op.batch_alter_table("knowledge_articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_question", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("search_body", sa.Text(), server_default="", nullable=False))
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        op.execute("CREATE VIRTUAL TABLE knowledge_search USING fts5(question, body)")
        op.execute("CREATE VIRTUAL TABLE knowledge_search_terms USING fts5vocab(knowledge_search, 'row')")
    else:
        op.execute(f"CREATE INDEX ix_knowledge_articles_search ON knowledge_articles USING gin ({TSVECTOR})")
    _reusable_answers_to_articles(bind)
    _rebuild_index(bind, sqlite)


def _reusable_answers_to_articles(bind: sa.Connection) -> None:
    now = datetime.now(UTC)
    answers = bind.execute(
        sa.text(
            "SELECT r.id, r.escalation_id, r.service_id, r.title, r.answer, r.written_by_id FROM reusable_answers r "
            "WHERE NOT EXISTS (SELECT 1 FROM knowledge_articles k WHERE k.source_reusable_answer_id = r.id) "
            "ORDER BY r.id"
        )
    ).all()
    for answer_id, escalation_id, service_id, title, answer, writer_id in answers:
        owner_id = bind.scalar(
            sa.text(
                "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'accountmanager' "
                "JOIN user_services s ON s.user_id = u.id AND s.service_id = :service "
                "WHERE u.is_active ORDER BY CASE WHEN u.id = :writer THEN 0 ELSE 1 END, u.id LIMIT 1"
            ),
            {"service": service_id, "writer": writer_id},
        )
        values = {
            "question": (title or "")[:300],
            "answer": answer or "",
            "next_steps": "",
            "service_id": service_id,
            "topic_id": None,
            "owner_id": owner_id,
            "status": "draft",
            "review_due": None,
            "created_by_id": writer_id,
            "now": now,
        }
        article_id = bind.execute(
            sa.text(
                "INSERT INTO knowledge_articles (question, answer, next_steps, service_id, topic_id, owner_id, status, "
                "review_due, withdrawn_reason, source_escalation_id, source_reusable_answer_id, created_by_id, "
                "version, search_question, search_body, created_at, updated_at) VALUES (:question, :answer, "
                ":next_steps, :service_id, :topic_id, :owner_id, :status, :review_due, '', :escalation, :reusable, "
                ":created_by_id, 1, '', '', :now, :now) RETURNING id"
            ),
            {**values, "escalation": escalation_id, "reusable": answer_id},
        ).scalar_one()
        bind.execute(
            sa.text(
                "INSERT INTO knowledge_article_versions (article_id, version, question, answer, next_steps, "
                "service_id, topic_id, owner_id, status, review_due, change, changed_by_id, changed_at, created_at, "
                "updated_at) VALUES (:article, 1, :question, :answer, :next_steps, :service_id, :topic_id, "
                ":owner_id, :status, :review_due, :change, :created_by_id, :now, :now, :now)"
            ),
            {**values, "article": article_id, "change": f"overgenomen uit herbruikbaar antwoord {answer_id}"},
        )


def _rebuild_index(bind: sa.Connection, sqlite: bool) -> None:
    rows = bind.execute(sa.text("SELECT id, question, answer, next_steps FROM knowledge_articles")).all()
    if sqlite:
        bind.execute(sa.text("DELETE FROM knowledge_search"))
    for article_id, question, answer, next_steps in rows:
        bind.execute(
            sa.text("UPDATE knowledge_articles SET search_question = :q, search_body = :b WHERE id = :id"),
            {"q": fold(question), "b": fold(f"{answer}\n{next_steps}"), "id": article_id},
        )
        if sqlite:
            bind.execute(
                sa.text("INSERT INTO knowledge_search (rowid, question, body) VALUES (:id, :q, :b)"),
                {"id": article_id, "q": " ".join(stems(question)), "b": " ".join(stems(f"{answer}\n{next_steps}"))},
            )


def downgrade() -> None:
    bind = op.get_bind()
    untouched = (
        "SELECT id FROM knowledge_articles WHERE source_reusable_answer_id IS NOT NULL AND version = 1 "
        "AND status = 'draft' AND NOT EXISTS (SELECT 1 FROM contact_articles c WHERE c.article_id = knowledge_articles.id) "
        "AND NOT EXISTS (SELECT 1 FROM knowledge_flags f WHERE f.article_id = knowledge_articles.id)"
    )
    op.execute(f"DELETE FROM knowledge_article_versions WHERE article_id IN ({untouched})")  # noqa: S608
    op.execute(f"DELETE FROM knowledge_articles WHERE id IN ({untouched})")  # noqa: S608
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS knowledge_search_terms")
        op.execute("DROP TABLE IF EXISTS knowledge_search")
    else:
        op.execute("DROP INDEX IF EXISTS ix_knowledge_articles_search")
    with op.batch_alter_table("knowledge_articles", schema=None) as batch_op:
        batch_op.drop_column("search_body")
        batch_op.drop_column("search_question")
