"""text limits (issue 11): every free-text column has a maximum length, the same as its rule, form and API schema

``Text`` columns become ``VARCHAR(n)``. PostgreSQL enforces the length; SQLite ignores it (the rules enforce it on
both). The upgrade refuses, naming each column and how many rows are too long, when stored texts exceed the new
limit, instead of cutting them: a text a citizen was told is not shortened silently. On SQLite the tables are
rebuilt (``batch_alter_table``) with foreign-key enforcement switched off for the rebuild, so the rows that refer to
a rebuilt table keep their references.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

LIMITS: dict[str, dict[str, tuple[int, bool]]] = {
    # table: {column: (length, nullable)}; the numbers are the rules' constants of December 2026
    "clients": {"address": (1000, False)},
    "contacts": {"summary": (4000, False)},
    "commitments": {"description": (2000, False), "note": (2000, False)},
    "commitment_owner_changes": {"reason": (500, False)},
    "dossier_assignments": {"reason": (2000, False), "end_reason": (2000, False)},
    "handoffs": {"reason": (500, False), "context": (4000, False), "decision_reason": (500, False)},
    "escalations": {"question": (4000, False), "answer": (4000, False)},
    "pilots": {"description": (4000, False)},
    "pilot_enrolments": {"reason": (2000, False)},
    "survey_responses": {"comment": (4000, True)},
}


def _too_long() -> list[str]:
    bind = op.get_bind()
    found = []
    for table, columns in LIMITS.items():
        for column, (length, _) in columns.items():
            column_ = sa.column(column)
            query = sa.select(sa.func.count()).select_from(sa.table(table, column_))
            rows = bind.execute(query.where(sa.func.length(column_) > length)).scalar()
            if rows:
                found.append(f"{table}.{column}: {rows} rij(en) langer dan {length} tekens")
    return found


def _alter(to_text: bool) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("PRAGMA foreign_keys=OFF")
    for table, columns in LIMITS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, (length, nullable) in columns.items():
                old, new = (sa.String(length=length), sa.Text()) if to_text else (sa.Text(), sa.String(length=length))
                batch_op.alter_column(column, existing_type=old, type_=new, existing_nullable=nullable)
    if sqlite:
        op.execute("PRAGMA foreign_keys=ON")


def upgrade() -> None:
    if problems := _too_long():
        raise RuntimeError(
            "Deze teksten zijn langer dan de nieuwe maximale lengte; kort ze in en migreer opnieuw: "
            + "; ".join(problems)
        )
    _alter(to_text=False)


def downgrade() -> None:
    _alter(to_text=True)
