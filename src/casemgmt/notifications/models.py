"""A notification (melding) for one employee, and each employee's delivery choice per kind of notification.

``key`` is set for the time-based notifications only (``rules.key_of``: person, kind, object, day) and is unique, so
the sweep writes each of them once however often it runs; change-caused notifications have no key. ``text`` holds
no personal data of citizens (``rules.text_of``)."""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.base import BigIntAuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casemgmt.notifications.rules import MAX_TEXT


class Notification(BigIntAuditBase):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_read_created", "user_id", "read_at", "created_at"),
        Index("ix_notifications_object", "object_type", "object_id"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int] = mapped_column(BigInteger)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="SET NULL"), default=None)
    dossier_ref: Mapped[str | None] = mapped_column(String(40), default=None)
    due_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    text: Mapped[str] = mapped_column(String(MAX_TEXT))
    read_at: Mapped[datetime | None] = mapped_column(DateTimeUTC(timezone=True), default=None)
    key: Mapped[str | None] = mapped_column(String(200), default=None, unique=True)


class NotificationPreference(BigIntAuditBase):
    """How an employee wants one kind of notification: ``app``, ``email``, ``digest`` or ``off``
    (``rules.Delivery``); no row means the kind's default (``rules.DEFAULT_DELIVERY``)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind", name="uq_notification_preferences_user_kind"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    delivery: Mapped[str] = mapped_column(String(10))
