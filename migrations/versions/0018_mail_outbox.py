"""the outbox of notification mails and their delivery attempts (issue 14)

- ``outbox_mails``: one row per mail, ``key`` unique (``digest:<user>:<date>``, ``event:<id>``), with its status
  (pending, sending, sent, failed), the attempts made, the next attempt (or the claim's lease) and when it was sent.
- ``mail_attempts``: every delivery attempt, ok or with the SMTP error.
- ``digest_runs``: one row per date whose daily digest was composed (so it is composed once that day).

New tables only: the downgrade drops them (and the mails in them).

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-04
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "outbox_mails",
        sa.Column("id", _ID, nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("sent_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=True),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_outbox_mails_user_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_mails")),
        sa.UniqueConstraint("key", name=op.f("uq_outbox_mails_key")),
    )
    op.create_index(op.f("ix_outbox_mails_user_id"), "outbox_mails", ["user_id"], unique=False)
    op.create_index("ix_outbox_mails_status_next_attempt", "outbox_mails", ["status", "next_attempt_at"], unique=False)
    op.create_table(
        "mail_attempts",
        sa.Column("id", _ID, nullable=False),
        sa.Column("mail_id", _ID, nullable=False),
        sa.Column("at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("error", sa.String(length=1000), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(
            ["mail_id"], ["outbox_mails.id"], name=op.f("fk_mail_attempts_mail_id_outbox_mails"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_attempts")),
    )
    op.create_index(op.f("ix_mail_attempts_mail_id"), "mail_attempts", ["mail_id"], unique=False)
    op.create_table(
        "digest_runs",
        sa.Column("id", _ID, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("composed_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("written", sa.Integer(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_runs")),
        sa.UniqueConstraint("day", name=op.f("uq_digest_runs_day")),
    )


def downgrade() -> None:
    op.drop_table("digest_runs")
    op.drop_index(op.f("ix_mail_attempts_mail_id"), table_name="mail_attempts")
    op.drop_table("mail_attempts")
    op.drop_index("ix_outbox_mails_status_next_attempt", table_name="outbox_mails")
    op.drop_index(op.f("ix_outbox_mails_user_id"), table_name="outbox_mails")
    op.drop_table("outbox_mails")
