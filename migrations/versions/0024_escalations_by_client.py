"""escalations looked up by client (issue 18)

- ``ix_escalations_client`` on ``escalations.client_id``: the Klantbeeld's timeline finds a client's escalations by
  it (about the client itself; those about one of its dossiers by ``ix_escalations_dossier``). Without it the
  timeline read every escalation, 22 ms at ``large`` against 0.5 ms with it.

An index only: the downgrade drops it.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_escalations_client", "escalations", ["client_id"])


def downgrade() -> None:
    op.drop_index("ix_escalations_client", table_name="escalations")
