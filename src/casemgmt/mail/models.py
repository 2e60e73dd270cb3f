"""The outbox (``outbox_mails``): one row per mail, unique by its ``key`` so a mail is written once however often
it is composed; and every delivery attempt (``mail_attempts``), failed or not. Never deleted."""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from casemgmt.mail.rules import MAX_ADDRESS, MAX_ERROR, MAX_KEY, MAX_SUBJECT, MailStatus


class OutboxMail(BigIntAuditBase):
    __tablename__ = "outbox_mails"
    __table_args__ = (Index("ix_outbox_mails_status_next_attempt", "status", "next_attempt_at"),)

    key: Mapped[str] = mapped_column(String(MAX_KEY), unique=True)
    """What the mail is about, once: ``digest:<user id>:<date>``, ``event:<id>``."""
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    to_address: Mapped[str] = mapped_column(String(MAX_ADDRESS))
    subject: Mapped[str] = mapped_column(String(MAX_SUBJECT))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    """Pending: not before this moment. Sending: the claim's lease ends here (a sender that died leaves it)."""
    sent_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)


class MailAttempt(BigIntAuditBase):
    """One delivery attempt of one mail: when, whether the SMTP server accepted it, and its error if not."""

    __tablename__ = "mail_attempts"

    mail_id: Mapped[int] = mapped_column(ForeignKey("outbox_mails.id", ondelete="RESTRICT"), index=True)
    at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str] = mapped_column(String(MAX_ERROR), default="")
