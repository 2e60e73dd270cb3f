"""The notifications wanted "direct per e-mail", queued in the outbox by ``casemgmt notifications send``.

``notify()`` writes a notification in the transaction of the change that caused it; which of them someone wants by
e-mail at once follows from their settings (``notifications.rules.delivery_of``). The sender's run looks for the
notifications of the last day (``WINDOW``) that want e-mail and have no mail yet, renders each (the notification's
own text: the kind of item, the dossier reference, the due moment — never a citizen's data) and enqueues it under
the key ``event:<notification id>``, so a mail is queued once whichever host runs first, and sends it in the same
run. Latency is the interval of the run (a minute from cron or ``casemgmt run --scheduler``). A notification older
than the window never causes a mail: choosing e-mail later does not flood anyone with the past.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import String, cast, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.models import User
from casemgmt.mail.models import OutboxMail
from casemgmt.mail.outbox import enqueue
from casemgmt.mail.rendering import render_mail
from casemgmt.notifications import rules
from casemgmt.notifications.models import Notification
from casemgmt.notifications.rules import Delivery, Kind
from casemgmt.notifications.services import choices_of

WINDOW = timedelta(hours=24)
SETTINGS_PATH = "/meldingen/instellingen"


def mail_key(notification_id: int) -> str:
    return f"event:{notification_id}"


def subject_of(kind: Kind, dossier_ref: str | None) -> str:
    """``casemgmt: Escalatie voor u of uw dienst (D-2026-00005)``."""
    return f"casemgmt: {rules.KIND_LABELS[kind]}" + (f" ({dossier_ref})" if dossier_ref else "")


async def queue_immediate(session: AsyncSession, now: datetime, *, base_url: str, templates_dir: Path) -> int:
    """Enqueue a mail for every notification of the last ``WINDOW`` whose recipient wants its kind by e-mail and
    that has none yet; returns how many were queued. Flushes, never commits."""
    key = literal("event:", String) + cast(Notification.id, String)
    found = (
        await session.execute(
            select(Notification, User.email, User.name)
            .join(User, User.id == Notification.user_id)
            .where(
                Notification.created_at >= now - WINDOW,
                Notification.read_at.is_(None),
                User.is_active.is_(True),
                ~select(OutboxMail.id).where(OutboxMail.key == key).exists(),
            )
            .order_by(Notification.id)
        )
    ).all()
    if not found:
        return 0
    chosen = await choices_of(session, {notification.user_id for notification, _, _ in found})
    queued = 0
    for notification, email, name in found:
        try:
            kind = Kind(notification.kind)
        except ValueError:
            continue
        if rules.delivery_of(kind, chosen.get(notification.user_id, {})) is not Delivery.EMAIL:
            continue
        link = base_url.rstrip("/") + rules.link_of(
            notification.object_type, notification.object_id, notification.dossier_id
        )
        text, html = render_mail(
            templates_dir,
            "notification",
            {
                "name": name,
                "text": notification.text,
                "link": link,
                "kind_label": rules.KIND_LABELS[kind],
                "settings_link": base_url.rstrip("/") + SETTINGS_PATH,
            },
        )
        queued += await enqueue(
            session,
            user_id=notification.user_id,
            to_address=email,
            key=mail_key(notification.id),
            subject=subject_of(kind, notification.dossier_ref),
            text_body=text,
            html_body=html,
            now=now,
        )
    return queued
