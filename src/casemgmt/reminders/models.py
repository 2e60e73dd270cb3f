"""``digest_runs``: one row per Amsterdam date whose daily digest was composed, so it is composed once that day
(the first run after the digest time, on whichever host) and not again each minute: someone who gets work at 14:00
gets it in tomorrow's digest, not in a second one today."""

from __future__ import annotations

from datetime import date, datetime

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Date, Integer
from sqlalchemy.orm import Mapped, mapped_column


class DigestRun(BigIntAuditBase):
    __tablename__ = "digest_runs"

    day: Mapped[date] = mapped_column(Date, unique=True)
    composed_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    written: Mapped[int] = mapped_column(Integer, default=0)
