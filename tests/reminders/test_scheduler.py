"""``casemgmt run --scheduler``: the same round as ``notifications send --digest``, every interval, on a thread of
the serving process; it sends what is due and goes on after a failed round."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from casemgmt.cli.notifications import start_scheduler
from casemgmt.mail.models import OutboxMail
from casemgmt.mail.outbox import enqueue
from tests.worlds.smtp import SmtpServer

pytestmark = pytest.mark.anyio


async def test_the_scheduler_sends_the_outbox(migrated, db, make_user, smtp_server: SmtpServer) -> None:
    person = await make_user("casemanager")
    async with db() as session, session.begin():
        await enqueue(
            session,
            user_id=person.id,
            to_address=person.email,
            key="event:1",
            subject="Melding",
            text_body="t",
            html_body="<p>t</p>",
            now=datetime.now(UTC),
        )
    settings = migrated.model_copy(update={"smtp_url": smtp_server.url})
    scheduler = start_scheduler(settings, interval=0.2)
    try:
        deadline = time.monotonic() + 15
        while not smtp_server.received and time.monotonic() < deadline:
            time.sleep(0.1)  # noqa: ASYNC251 (the scheduler runs on its own thread)
    finally:
        scheduler.stop()
    assert not scheduler.thread.is_alive()
    assert [r.rcpt_tos for r in smtp_server.received] == [[person.email]]
    async with db() as session:
        assert (await session.scalars(select(OutboxMail.status))).all() == ["sent"]
