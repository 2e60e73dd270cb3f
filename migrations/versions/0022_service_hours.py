"""services' opening hours per weekday (issue 17): the table ``service_hours`` replaces the free text ``services.hours``

- ``service_hours``: one row per interval a service is open (``weekday`` 0 = Monday … 6 = Sunday, ``opens`` <
  ``closes``, Europe/Amsterdam), edited in Beheer > Diensten;
- the data step reads each service's text as the reference data wrote it — comma-separated parts ``ma-vr
  08:30-17:00`` (a day or a range of days with one interval) and ``do tot 20:00`` (that day closes later) — and
  writes its rows; a text it cannot read stops the upgrade with the service and the text named, rather than losing
  the hours; an empty text is a service without hours (closed);
- ``services.hours`` is dropped.

The downgrade adds ``services.hours`` back, filled with one line per service written from its rows (runs of days
with the same hours: ``ma-wo 08:00-18:00, do 08:00-20:00, vr 08:00-18:00``), and drops the table.

The parsing is written out here rather than imported, so that this migration keeps doing what it did when the app's
own rules (``casemgmt.directory.hours``) change.

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-06
"""

from __future__ import annotations

import re
from datetime import time

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0020"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_SHORT = ("ma", "di", "wo", "do", "vr", "za", "zo")
_DAYS = r"(ma|di|wo|do|vr|za|zo)"
_T = r"(\d{1,2})[:.](\d{2})"
_RANGE = re.compile(rf"^{_DAYS}(?:\s*-\s*{_DAYS})?\s+{_T}\s*-\s*{_T}$")
_UNTIL = re.compile(rf"^{_DAYS}\s+tot\s+{_T}$")

services = sa.table("services", sa.column("id", _ID), sa.column("code", sa.String), sa.column("hours", sa.Text))
service_hours = sa.table(
    "service_hours",
    sa.column("service_id", _ID),
    sa.column("weekday", sa.SmallInteger),
    sa.column("opens", sa.Time),
    sa.column("closes", sa.Time),
)


def _time(hours: str, minutes: str) -> time:
    return time(int(hours), int(minutes))


def parse(code: str, text: str) -> list[tuple[int, time, time]]:
    """(weekday, opens, closes) of one service's text; ValueError naming the service for what it cannot read."""
    days: dict[int, list[list[time]]] = {}
    for raw in (text or "").split(","):
        part = " ".join(raw.strip().lower().split())
        if not part:
            continue
        try:
            if match := _RANGE.match(part):
                first = _SHORT.index(match.group(1))
                last = _SHORT.index(match.group(2)) if match.group(2) else first
                opens, closes = _time(*match.group(3, 4)), _time(*match.group(5, 6))
                if last < first or closes <= opens:
                    raise ValueError(part)
                for day in range(first, last + 1):
                    days.setdefault(day, []).append([opens, closes])
                continue
            if (match := _UNTIL.match(part)) and _SHORT.index(match.group(1)) in days:
                span = days[_SHORT.index(match.group(1))][-1]
                until = _time(*match.group(2, 3))
                if until <= span[0]:
                    raise ValueError(part)
                span[1] = until
                continue
        except ValueError:  # also a time such as 25:00
            pass
        raise ValueError(
            f"service {code}: cannot read opening hours {part!r} in {text!r}; correct it and upgrade again"
        )
    return sorted((day, opens, closes) for day, spans in days.items() for opens, closes in spans)


def describe(rows: list[tuple[int, time, time]]) -> str:
    """One line of text for the rows of one service (runs of consecutive days with the same hours)."""
    days: list[list[tuple[time, time]]] = [[] for _ in _SHORT]
    for day, opens, closes in sorted(rows):
        days[day].append((opens, closes))
    parts, start = [], 0
    while start < len(days):
        end = start
        while end + 1 < len(days) and days[end + 1] == days[start]:
            end += 1
        if days[start]:
            name = _SHORT[start] if end == start else f"{_SHORT[start]}-{_SHORT[end]}"
            spans = " en ".join(f"{o:%H:%M}-{c:%H:%M}" for o, c in days[start])
            parts.append(f"{name} {spans}")
        start = end + 1
    return ", ".join(parts)


def _drop_hours_column() -> None:
    """``ALTER TABLE services DROP COLUMN hours`` on both databases (SQLite 3.35 and later drop a plain column in
    place): a batch rebuild would drop and recreate ``services``, which on SQLite deletes through the foreign keys
    that point at it (coordinators, topics, every link table) inside the migration's transaction."""
    op.drop_column("services", "hours")


def upgrade() -> None:
    op.create_table(
        "service_hours",
        sa.Column("id", _ID, nullable=False),
        sa.Column("service_id", _ID, nullable=False),
        sa.Column("weekday", sa.SmallInteger(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.CheckConstraint("opens < closes", name=op.f("ck_service_hours_opens_before_closes")),
        sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name=op.f("ck_service_hours_weekday_range")),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_service_hours_service_id_services"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_hours")),
    )
    op.create_index(op.f("ix_service_hours_service_id"), "service_hours", ["service_id"], unique=False)
    bind = op.get_bind()
    rows = [
        {"service_id": service_id, "weekday": day, "opens": opens, "closes": closes}
        for service_id, code, text in bind.execute(sa.select(services.c.id, services.c.code, services.c.hours))
        for day, opens, closes in parse(code, text)
    ]
    if rows:
        op.bulk_insert(service_hours, rows)
    _drop_hours_column()


def downgrade() -> None:
    op.add_column("services", sa.Column("hours", sa.Text(), nullable=False, server_default=""))
    bind = op.get_bind()
    per_service: dict[int, list[tuple[int, time, time]]] = {}
    for service_id, day, opens, closes in bind.execute(
        sa.select(service_hours.c.service_id, service_hours.c.weekday, service_hours.c.opens, service_hours.c.closes)
    ):
        per_service.setdefault(service_id, []).append((day, opens, closes))
    for service_id, rows in per_service.items():
        bind.execute(services.update().where(services.c.id == service_id).values(hours=describe(rows)))
    op.drop_index(op.f("ix_service_hours_service_id"), table_name="service_hours")
    op.drop_table("service_hours")
