"""reusable answers (issue 11): an answer is reused only as a separately worded text without personal data

A reusable answer is a new record (``reusable_answers``): a question in general terms and the answer to give,
written from one answered escalation by an accountmanager of its service, who confirmed that it holds no personal
data. ``/antwoorden`` shows only these. Escalations marked reusable before stay marked (``escalations.reusable``,
now "proposed for reuse") but have no reusable answer, so their question texts, which may name the client, are no
longer shown to anyone beyond the escalation; they reappear on ``/antwoorden`` only when someone words them anew.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "reusable_answers",
        sa.Column("id", _ID, nullable=False),
        sa.Column("escalation_id", _ID, nullable=False),
        sa.Column("service_id", _ID, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("answer", sa.String(length=4000), nullable=False),
        sa.Column("written_by_id", _ID, nullable=False),
        sa.Column("written_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalations.id"],
            name=op.f("fk_reusable_answers_escalation_id_escalations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_reusable_answers_service_id_services"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["written_by_id"], ["users.id"], name=op.f("fk_reusable_answers_written_by_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reusable_answers")),
        sa.UniqueConstraint("escalation_id", name=op.f("uq_reusable_answers_escalation_id")),
    )
    op.create_index("ix_reusable_answers_service_written", "reusable_answers", ["service_id", "written_at"])


def downgrade() -> None:
    op.drop_index("ix_reusable_answers_service_written", table_name="reusable_answers")
    op.drop_table("reusable_answers")
