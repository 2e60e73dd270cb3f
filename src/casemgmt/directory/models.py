"""A municipal service (dienst): KCC, SZW, OCW, DSO, DPZ and any an admin adds, with its norms and reachability."""

from __future__ import annotations

from advanced_alchemy.base import BigIntAuditBase
from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column


class Service(BigIntAuditBase):
    __tablename__ = "services"

    code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40), default="")
    hours: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    callback_term_days: Mapped[int] = mapped_column(Integer, default=2)
    escalation_norm_days: Mapped[int] = mapped_column(Integer, default=3)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
