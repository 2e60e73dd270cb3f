"""Notifications wanted "direct per e-mail" (issue 14): ``casemgmt notifications send`` queues them in the outbox
once (key ``event:<id>``) and sends them in the same run, with the notification's own text — never the client's
name, BSN or question — and only for the recipients and kinds that chose e-mail, within the last day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from casemgmt.cli.notifications import notify
from casemgmt.mail.models import OutboxMail
from casemgmt.notifications.models import Notification, NotificationPreference
from casemgmt.reminders.immediate import mail_key, queue_immediate
from tests.worlds.promises import World
from tests.worlds.smtp import SmtpServer

pytestmark = pytest.mark.anyio

QUESTION = "Waarom is de bijstand van Jan de Vries niet betaald?"


async def _escalate(client, world: World, **values) -> dict:  # type: ignore[no-untyped-def]
    body = {"service": "SZW", "question": QUESTION, "dossier_id": world.dossier_id, **values}
    response = await client.post("/api/v1/escalations", json=body, headers=world.token("kcc"))
    assert response.status_code == 201, response.text
    return response.json()


async def test_an_escalation_mails_the_accountmanager_at_once(
    client, db, world: World, settings, smtp_server: SmtpServer
) -> None:
    await _escalate(client, world)
    async with db() as session:
        (notification,) = (
            await session.scalars(select(Notification).where(Notification.kind == "escalation_assigned"))
        ).all()
    assert notification.user_id == world.szw.id  # the dossier's SZW accountmanager; e-mail at once by default
    said: list[str] = []
    report = await notify(settings.model_copy(update={"smtp_url": smtp_server.url}), datetime.now(UTC),
                          digest=False, say=said.append)  # fmt: skip
    assert report.sent == 1 and any("1 e-mail(s) direct" in line for line in said)
    (received,) = smtp_server.received
    assert received.rcpt_tos == [world.szw.email]
    message = received.part("plain") + received.part("html") + str(received.message["Subject"])
    assert "Escalatie voor u of uw dienst" in message and f"/escalaties/{notification.object_id}" in message
    assert "Jan de Vries" not in message and "bijstand" not in message.lower()
    async with db() as session:
        mail = await session.scalar(select(OutboxMail))
    assert (mail.key, mail.status) == (mail_key(notification.id), "sent")
    again = await notify(settings.model_copy(update={"smtp_url": smtp_server.url}), datetime.now(UTC),
                         digest=False, say=said.append)  # fmt: skip
    assert again.sent == 0 and len(smtp_server.received) == 1  # queued once, sent once


async def test_only_who_chose_e_mail_and_only_the_last_day(client, db, world: World, settings) -> None:
    await _escalate(client, world)
    now = datetime.now(UTC)
    async with db() as session, session.begin():
        session.add(NotificationPreference(user_id=world.szw.id, kind="escalation_assigned", delivery="app"))
    async with db() as session, session.begin():
        assert (
            await queue_immediate(session, now, base_url="https://cm.example", templates_dir=settings.templates_dir)
            == 0
        )
    async with db() as session, session.begin():
        await session.execute(update(NotificationPreference).values(delivery="email"))
        await session.execute(update(Notification).values(created_at=now - timedelta(hours=25)))
        assert (
            await queue_immediate(session, now, base_url="https://cm.example", templates_dir=settings.templates_dir)
            == 0
        )
    async with db() as session, session.begin():
        await session.execute(update(Notification).values(created_at=now - timedelta(hours=2)))
        assert (
            await queue_immediate(session, now, base_url="https://cm.example", templates_dir=settings.templates_dir)
            == 1
        )
        mail = await session.scalar(select(OutboxMail))
        assert mail.subject.startswith("casemgmt: Escalatie voor u of uw dienst (D-")
        assert "https://cm.example/meldingen/instellingen" in mail.text_body and "<a href=" in mail.html_body
