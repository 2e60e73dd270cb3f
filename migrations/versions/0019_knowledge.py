"""the kennisbank (issue 16): knowledge articles, every version of them, flags, and the contacts answered with them

- ``knowledge_articles``: the current text, service, topic, owner, status (draft, published, expired, withdrawn),
  review date, the escalation or reusable answer it was written from, and ``version`` (the optimistic lock);
- ``knowledge_article_versions``: every version's whole text, who changed it, when and what changed;
- ``knowledge_flags``: "klopt niet", "onduidelijk", "ontbreekt" on one version, open until handled;
- ``contact_articles``: which version of which article a contact was answered with.

New tables only: the downgrade drops them.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "knowledge_articles",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("service_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("topic_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("owner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("review_due", sa.Date(), nullable=True),
        sa.Column("published_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("withdrawn_reason", sa.String(length=1000), nullable=False),
        sa.Column("withdrawn_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("source_escalation_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("source_reusable_answer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_knowledge_articles_created_by_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_knowledge_articles_owner_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_knowledge_articles_service_id_services"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["source_escalation_id"],
            ["escalations.id"],
            name=op.f("fk_knowledge_articles_source_escalation_id_escalations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["source_reusable_answer_id"],
            ["reusable_answers.id"],
            name=op.f("fk_knowledge_articles_source_reusable_answer_id_reusable_answers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_knowledge_articles_topic_id_topics"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_articles")),
        sa.UniqueConstraint("source_reusable_answer_id", name=op.f("uq_knowledge_articles_source_reusable_answer_id")),
    )
    with op.batch_alter_table("knowledge_articles", schema=None) as batch_op:
        batch_op.create_index("ix_knowledge_articles_owner_review", ["owner_id", "review_due"], unique=False)
        batch_op.create_index("ix_knowledge_articles_service_status", ["service_id", "status"], unique=False)

    op.create_table(
        "contact_articles",
        sa.Column("contact_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("article_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["knowledge_articles.id"],
            name=op.f("fk_contact_articles_article_id_knowledge_articles"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contacts.id"], name=op.f("fk_contact_articles_contact_id_contacts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("contact_id", "article_id", name=op.f("pk_contact_articles")),
    )
    with op.batch_alter_table("contact_articles", schema=None) as batch_op:
        batch_op.create_index("ix_contact_articles_article", ["article_id"], unique=False)

    op.create_table(
        "knowledge_article_versions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("article_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("service_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("topic_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("owner_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("review_due", sa.Date(), nullable=True),
        sa.Column("change", sa.String(length=300), nullable=False),
        sa.Column("changed_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("changed_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["knowledge_articles.id"],
            name=op.f("fk_knowledge_article_versions_article_id_knowledge_articles"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["users.id"],
            name=op.f("fk_knowledge_article_versions_changed_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_knowledge_article_versions_owner_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_knowledge_article_versions_service_id_services"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_knowledge_article_versions_topic_id_topics"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_article_versions")),
        sa.UniqueConstraint("article_id", "version", name="uq_knowledge_article_versions_article_version"),
    )
    op.create_table(
        "knowledge_flags",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("article_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("flagged_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("flagged_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("resolved_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("resolved_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("resolution", sa.String(length=1000), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["knowledge_articles.id"],
            name=op.f("fk_knowledge_flags_article_id_knowledge_articles"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["flagged_by_id"], ["users.id"], name=op.f("fk_knowledge_flags_flagged_by_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["users.id"], name=op.f("fk_knowledge_flags_resolved_by_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_flags")),
    )
    with op.batch_alter_table("knowledge_flags", schema=None) as batch_op:
        batch_op.create_index("ix_knowledge_flags_article_resolved", ["article_id", "resolved_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("knowledge_flags", schema=None) as batch_op:
        batch_op.drop_index("ix_knowledge_flags_article_resolved")

    op.drop_table("knowledge_flags")
    op.drop_table("knowledge_article_versions")
    with op.batch_alter_table("contact_articles", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_articles_article")

    op.drop_table("contact_articles")
    with op.batch_alter_table("knowledge_articles", schema=None) as batch_op:
        batch_op.drop_index("ix_knowledge_articles_service_status")
        batch_op.drop_index("ix_knowledge_articles_owner_review")

    op.drop_table("knowledge_articles")
