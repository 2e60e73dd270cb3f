"""A municipal service (dienst): KCC, SZW, OCW, DSO, DPZ and any an admin adds, with its norms and reachability
(its opening hours per weekday in ``service_hours``); the topics (onderwerpen) and departments (afdelingen) managed
under each service; and the link tables that say which services an employee or a pilot belongs to."""

from __future__ import annotations

from datetime import time

from advanced_alchemy.base import BigIntAuditBase, BigIntBase, orm_registry
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Table,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column


class Service(BigIntAuditBase):
    __tablename__ = "services"

    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    callback_term_days: Mapped[int] = mapped_column(Integer, default=2)
    escalation_norm_days: Mapped[int] = mapped_column(Integer, default=3)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class ServiceHours(BigIntBase):
    """One interval of a service's opening hours: open on ``weekday`` (0 = Monday … 6 = Sunday) from ``opens`` up
    to ``closes`` (Europe/Amsterdam). A weekday without rows is closed; the rules are ``directory.hours``. Replaced as
    a whole when an admin saves the service (Beheer > Diensten)."""

    __tablename__ = "service_hours"
    __table_args__ = (
        CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),
        CheckConstraint("opens < closes", name="opens_before_closes"),
    )

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(SmallInteger)
    opens: Mapped[time] = mapped_column(Time)
    closes: Mapped[time] = mapped_column(Time)


class Topic(BigIntAuditBase):
    """A topic (onderwerp) of a service: what an inbound contact was about, for the figures per topic. Never deleted,
    only deactivated, so old contacts keep theirs. ``code`` is unique across services (the API names it)."""

    __tablename__ = "topics"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"), index=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class Department(BigIntAuditBase):
    """A department (afdeling) of a service, with how to reach it: where the KCC transfers a caller to."""

    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("service_id", "name", name="uq_departments_service_name"),)

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40), default="")
    hours: Mapped[str] = mapped_column(String(200), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


def service_links(table_name: str, owner_id: str, owner_table: str) -> Table:
    """The link table ``table_name`` between rows of ``owner_table`` (column ``owner_id``) and services: the pair is
    the primary key; removing the owner removes its links, a service that is still linked cannot be removed."""
    return Table(
        table_name,
        orm_registry.metadata,
        Column(owner_id, ForeignKey(f"{owner_table}.id", ondelete="CASCADE"), primary_key=True),
        Column("service_id", ForeignKey("services.id", ondelete="RESTRICT"), primary_key=True),
    )


service_coordinators = Table(
    "service_coordinators",
    orm_registry.metadata,
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)
"""The coordinators of a service (issue 14): employees who are told of the service's escalations past their norm and
of its team promises three times late. Set with ``casemgmt users coordinator EMAIL --service SZW [--remove]``."""
