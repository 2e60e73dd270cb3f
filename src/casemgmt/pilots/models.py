"""A pilot, the enrolment of a dossier in one of its cohorts, and time entries (tijdregistratie).

- ``Pilot`` mirrors one TOML file in ``pilots/`` (see ``definitions.py``); it is keyed by ``slug`` and updated in
  place when the file is loaded again. Its services are a link table (``pilot_services``) so the services a pilot
  covers can be joined in SQL; rates, fixed costs and targets are small JSON documents read as a whole.
- ``PilotEnrolment`` puts a dossier in cohort ``pilot`` or ``control``. ``dossier_id`` is unique: a dossier is in at
  most one pilot. The dossiers table itself is not touched.
- ``TimeEntry`` records minutes an employee spent on a dossier, with the role whose hourly rate prices them (fixed
  when the entry is made, so a later reassignment does not reprice the past).
"""

from __future__ import annotations

from datetime import date, datetime

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casemgmt.directory.models import Service, service_links
from casemgmt.pilots.rules import MAX_DESCRIPTION_LENGTH, MAX_REASON_LENGTH

pilot_services = service_links("pilot_services", "pilot_id", "pilots")


class Pilot(BigIntAuditBase):
    __tablename__ = "pilots"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(MAX_DESCRIPTION_LENGTH), default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    caseload_cap: Mapped[int] = mapped_column(Integer)
    assignment: Mapped[str] = mapped_column(String(10))  # "random" | "manual"
    random_seed: Mapped[int | None] = mapped_column(BigInteger, default=None)
    pilot_share: Mapped[float | None] = mapped_column(Float, default=None)
    primary_outcome: Mapped[str] = mapped_column(String(40))
    rates: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    """EUR per hour per role (``casemgmt.auth.roles.Role`` values)."""
    fixed_costs: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    """``[{"label": str, "amount": float}]`` in EUR, for the whole pilot (spread over the pilot cohort)."""
    targets: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    """Share measure → target share (0–1)."""
    source_file: Mapped[str] = mapped_column(String(255), default="")

    services: Mapped[list[Service]] = relationship(secondary=pilot_services, lazy="selectin", order_by=Service.code)

    @property
    def service_codes(self) -> list[str]:
        return [service.code for service in self.services]


class PilotEnrolment(BigIntAuditBase):
    __tablename__ = "pilot_enrolments"
    __table_args__ = (Index("ix_pilot_enrolments_pilot_cohort", "pilot_id", "cohort"),)

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="RESTRICT"), unique=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("pilots.id", ondelete="RESTRICT"))
    cohort: Mapped[str] = mapped_column(String(10))  # "pilot" | "control"
    method: Mapped[str] = mapped_column(String(10))  # "random" | "manual"
    reason: Mapped[str] = mapped_column(String(MAX_REASON_LENGTH), default="")
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)
    assigned_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class TimeEntry(BigIntAuditBase):
    __tablename__ = "time_entries"
    __table_args__ = (
        Index("ix_time_entries_employee_date", "employee_id", "entry_date"),
        Index("ix_time_entries_dossier_date", "dossier_id", "entry_date"),
        CheckConstraint("minutes >= 1 AND minutes <= 1440", name="minutes_range"),
    )

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id", ondelete="RESTRICT"))
    employee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    role: Mapped[str] = mapped_column(String(20))
    """The role whose rate prices this entry: the employee's role on the dossier when the entry was made."""
    entry_date: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    activity: Mapped[str] = mapped_column(String(20))
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    """Who entered it: the employee, or an admin registering for them."""
