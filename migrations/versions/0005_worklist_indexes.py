"""worklist indexes: the sender's declined handoffs (found by the issue 6 benchmark)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_handoffs_from_employee_status", "handoffs", ["from_employee_id", "status", "decided_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_handoffs_from_employee_status", table_name="handoffs")
