"""query indexes found by the issue 6 benchmark: the sender's declined handoffs (worklist), a pilot's commitments
due in a period (pilot metrics and dashboard: 84 ms through the due_at index at ``large``, 6 ms this way)

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
    op.create_index("ix_commitments_dossier_due", "commitments", ["dossier_id", "due_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_commitments_dossier_due", table_name="commitments")
    op.drop_index("ix_handoffs_from_employee_status", table_name="handoffs")
