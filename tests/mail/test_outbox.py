"""The outbox against a real SMTP server (aiosmtpd in the test process): one mail per key; mails arrive with the
right recipient, subject and both parts; two senders at once send each mail once; an outage leaves the mail queued
with the failed attempt recorded and the next run sends it; a claim whose sender died is sent after its lease;
without SMTP nothing is attempted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import anyio
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.errors import InvalidInput
from casemgmt.mail.models import MailAttempt, OutboxMail
from casemgmt.mail.outbox import claim, enqueue, send_pending
from casemgmt.mail.rules import CLAIM_LEASE, MailStatus
from casemgmt.mail.transport import SmtpTransport
from tests.worlds.smtp import SmtpServer

pytestmark = pytest.mark.anyio

FROM = "casemgmt <noreply@test.casemgmt.nl>"
NOW = datetime(2026, 12, 7, 7, 45, tzinfo=UTC)


async def put(db: Callable[[], AsyncSession], user_id: int, key: str, to: str = "carla@test.casemgmt.nl") -> bool:
    async with db() as session, session.begin():
        return await enqueue(
            session,
            user_id=user_id,
            to_address=to,
            key=key,
            subject=f"Onderwerp {key}",
            text_body=f"Tekst van {key}\n",
            html_body=f"<p>HTML van {key}</p>",
            now=NOW,
        )


async def mails(db: Callable[[], AsyncSession]) -> list[OutboxMail]:
    async with db() as session:
        return list((await session.scalars(select(OutboxMail).order_by(OutboxMail.id))).all())


async def attempts(db: Callable[[], AsyncSession]) -> list[MailAttempt]:
    async with db() as session:
        return list((await session.scalars(select(MailAttempt).order_by(MailAttempt.id))).all())


async def test_a_key_is_written_once(db, make_user) -> None:
    person = await make_user("casemanager")
    assert await put(db, person.id, "digest:1:2026-12-07") is True
    assert await put(db, person.id, "digest:1:2026-12-07") is False
    assert [m.key for m in await mails(db)] == ["digest:1:2026-12-07"]
    (mail,) = await mails(db)
    assert (mail.status, mail.attempts, mail.next_attempt_at, mail.sent_at) == ("pending", 0, NOW, None)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"key": ""}, "key"),
        ({"key": "x" * 201}, "key"),
        ({"to_address": "geen-adres"}, "to_address"),
        ({"to_address": "a@b.nl\r\nBcc: c@d.nl"}, "to_address"),
        ({"subject": "Twee\nregels"}, "subject"),
        ({"subject": " "}, "subject"),
    ],
)
async def test_bad_mails_are_refused_and_nothing_is_written(db, make_user, values, field) -> None:
    person = await make_user("casemanager")
    mail = {"to_address": "a@b.nl", "key": "k", "subject": "Onderwerp", "text_body": "t", "html_body": "h", **values}
    async with db() as session, session.begin():
        with pytest.raises(InvalidInput) as refused:
            await enqueue(session, user_id=person.id, **mail)
    assert field in refused.value.by_field()
    assert await mails(db) == []


async def test_mails_arrive_with_recipient_subject_and_both_parts(db, make_user, smtp_server: SmtpServer) -> None:
    carla = await make_user("casemanager", email="carla@test.casemgmt.nl")
    sanne = await make_user("accountmanager", services=["SZW"], email="sanne@test.casemgmt.nl")
    await put(db, carla.id, "event:1", to=carla.email)
    await put(db, sanne.id, "event:2", to=sanne.email)
    report = await send_pending(db, NOW, transport=SmtpTransport(smtp_server.settings), mail_from=FROM)
    assert (report.sent, report.retried, report.failed) == (2, 0, 0)
    assert [r.rcpt_tos for r in smtp_server.received] == [[carla.email], [sanne.email]]
    first = smtp_server.received[0]
    assert first.mail_from == "noreply@test.casemgmt.nl"
    assert first.message["Subject"] == "Onderwerp event:1"
    assert first.message["To"] == carla.email
    assert first.message.get_content_type() == "multipart/alternative"
    assert first.part("plain") == "Tekst van event:1\n"
    assert first.part("html").strip() == "<p>HTML van event:1</p>"
    assert [(m.status, m.attempts, m.sent_at) for m in await mails(db)] == [("sent", 1, NOW), ("sent", 1, NOW)]
    assert [(a.ok, a.error) for a in await attempts(db)] == [(True, ""), (True, "")]
    transport = SmtpTransport(smtp_server.settings)
    again = await send_pending(db, NOW + timedelta(hours=1), transport=transport, mail_from=FROM)
    assert again.attempted == 0 and len(smtp_server.received) == 2


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # the test server has no TLS
async def test_the_url_s_login_is_used(db, make_user) -> None:
    pytest.importorskip("aiosmtpd")
    server = SmtpServer(user="casemgmt", password="geheim wachtwoord")
    server.start()
    try:
        person = await make_user("casemanager")
        await put(db, person.id, "event:1")
        from casemgmt.settings import parse_smtp_url

        settings = parse_smtp_url(f"smtp://casemgmt:geheim%20wachtwoord@127.0.0.1:{server.port}?starttls=false")
        report = await send_pending(db, NOW, transport=SmtpTransport(settings), mail_from=FROM)
        assert report.sent == 1 and server.logins == ["casemgmt"] and len(server.received) == 1
        await put(db, person.id, "event:2")
        anonymous = SmtpTransport(parse_smtp_url(f"smtp://127.0.0.1:{server.port}?starttls=false"), timeout=5)
        refused = await send_pending(db, NOW, transport=anonymous, mail_from=FROM)  # the server requires a login
        assert refused.retried == 1 and len(server.received) == 1
        assert (await attempts(db))[-1].error
    finally:
        server.stop()


async def test_two_senders_at_once_send_each_mail_once(db, make_user, smtp_server: SmtpServer) -> None:
    person = await make_user("casemanager")
    keys = [f"event:{n}" for n in range(40)]
    for key in keys:
        await put(db, person.id, key)
    reports = []

    async def sender() -> None:
        transport = SmtpTransport(smtp_server.settings)
        reports.append(await send_pending(db, NOW, transport=transport, mail_from=FROM, limit=4))

    async with anyio.create_task_group() as group:
        group.start_soon(sender)
        group.start_soon(sender)
    subjects = sorted(r.message["Subject"] for r in smtp_server.received)
    assert subjects == sorted(f"Onderwerp {key}" for key in keys)  # every mail once, none twice
    assert sum(r.sent for r in reports) == len(keys) and all(r.retried == r.failed == 0 for r in reports)
    assert {(m.status, m.attempts) for m in await mails(db)} == {("sent", 1)}
    assert len(await attempts(db)) == len(keys)


async def test_an_outage_leaves_the_mail_queued_and_the_next_run_sends_it(
    db, make_user, smtp_server: SmtpServer
) -> None:
    person = await make_user("casemanager")
    await put(db, person.id, "digest:1:2026-12-07")
    smtp_server.stop()
    transport = SmtpTransport(smtp_server.settings, timeout=5)
    down = await send_pending(db, NOW, transport=transport, mail_from=FROM)
    assert (down.sent, down.retried) == (0, 1) and down.errors
    (mail,) = await mails(db)
    assert (mail.status, mail.attempts, mail.next_attempt_at) == ("pending", 1, NOW + timedelta(minutes=1))
    (attempt,) = await attempts(db)
    assert attempt.ok is False and attempt.at == NOW and attempt.error
    smtp_server.start()
    early = await send_pending(db, NOW + timedelta(seconds=30), transport=transport, mail_from=FROM)
    assert early.attempted == 0 and smtp_server.received == []  # the backoff holds
    later = await send_pending(db, NOW + timedelta(minutes=1), transport=transport, mail_from=FROM)
    assert later.sent == 1 and len(smtp_server.received) == 1
    (mail,) = await mails(db)
    assert (mail.status, mail.attempts, mail.sent_at) == ("sent", 2, NOW + timedelta(minutes=1))
    assert [a.ok for a in await attempts(db)] == [False, True]


async def test_the_backoff_grows_and_gives_up(db, make_user, smtp_server: SmtpServer) -> None:
    person = await make_user("casemanager")
    await put(db, person.id, "event:1")
    smtp_server.stop()
    transport = SmtpTransport(smtp_server.settings, timeout=5)
    moment, waits = NOW, []
    for _ in range(10):
        report = await send_pending(db, moment, transport=transport, mail_from=FROM)
        assert report.attempted == 1
        (mail,) = await mails(db)
        waits.append(mail.next_attempt_at - moment)
        moment = mail.next_attempt_at
    minutes = [int(w.total_seconds() // 60) for w in waits]
    assert minutes == [1, 5, 15, 60, 60, 60, 60, 60, 60, 0]
    assert (mail.status, mail.attempts) == ("failed", 10)
    assert await send_pending(db, moment + timedelta(days=1), transport=transport, mail_from=FROM) == type(report)()
    assert len(await attempts(db)) == 10


async def test_a_claim_whose_sender_died_is_sent_after_its_lease(db, make_user, smtp_server: SmtpServer) -> None:
    person = await make_user("casemanager")
    await put(db, person.id, "event:1")
    assert len(await claim(db, NOW)) == 1  # claimed, then the sender died before sending
    transport = SmtpTransport(smtp_server.settings)
    assert (await send_pending(db, NOW + timedelta(minutes=1), transport=transport, mail_from=FROM)).attempted == 0
    assert smtp_server.received == []
    report = await send_pending(db, NOW + CLAIM_LEASE, transport=transport, mail_from=FROM)
    assert report.sent == 1 and len(smtp_server.received) == 1
    (mail,) = await mails(db)
    assert (mail.status, mail.attempts) == ("sent", 2)


async def test_without_smtp_the_mails_stay_in_the_outbox(db, make_user) -> None:
    person = await make_user("casemanager")
    await put(db, person.id, "event:1")
    await put(db, person.id, "event:2")
    report = await send_pending(db, NOW, transport=None, mail_from=FROM)
    assert (report.waiting, report.attempted) == (2, 0)
    assert {(m.status, m.attempts) for m in await mails(db)} == {(MailStatus.PENDING, 0)}
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(MailAttempt)) == 0
