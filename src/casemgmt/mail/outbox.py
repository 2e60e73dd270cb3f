"""Writing a mail to the outbox once per key, and sending what is due exactly once.

``enqueue`` runs in the caller's transaction (the mail exists exactly when what caused it does) and writes nothing
when a mail with the key exists (``INSERT … ON CONFLICT DO NOTHING``), so composing the digest twice, or on two
hosts, makes one mail.

``send_pending`` claims the due mails in one statement, ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)
RETURNING …``: on PostgreSQL the row locks let several senders run at once, each claiming other mails; SQLite
ignores the lock clause and its single writer serialises the claims, and the same ``WHERE`` (due, not claimed) makes
the second claim miss what the first took. The claim (status ``sending``, a lease in ``next_attempt_at``, the
attempt counted) commits before anything is sent; each mail is then marked sent, or put back with a later attempt
(``rules.after_failure``), in a transaction of its own, and every attempt is a ``MailAttempt``.

A sender that dies between sending and marking leaves its mails ``sending`` until the lease ends, when another
sender sends them again: at-least-once in that one case, since no SMTP server can be asked what it received.
Without SMTP configured nothing is claimed: the mails stay pending in the outbox (Beheer > Uitgaande mail shows them)
and go out once ``CASEMGMT_SMTP_URL`` is set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.errors import FieldError, InvalidInput
from casemgmt.mail.models import MailAttempt, OutboxMail
from casemgmt.mail.rules import (
    CLAIM_LEASE,
    MAX_ADDRESS,
    MAX_KEY,
    MAX_SUBJECT,
    MailStatus,
    after_failure,
    clip_error,
)
from casemgmt.mail.transport import Letter, Transport, build_message

SessionFactory = Callable[[], AsyncSession]
CLAIM_BATCH = 100


async def enqueue(
    session: AsyncSession,
    *,
    user_id: int,
    to_address: str,
    key: str,
    subject: str,
    text_body: str,
    html_body: str,
    now: datetime | None = None,
) -> bool:
    """Write the mail unless one with ``key`` exists; True when this call wrote it. Flushes, never commits."""
    errors = []
    if not key or len(key) > MAX_KEY:
        errors.append(FieldError("key", f"Een sleutel van 1 tot {MAX_KEY} tekens is nodig"))
    if "@" not in to_address or len(to_address) > MAX_ADDRESS or any(c in to_address for c in "\r\n"):
        errors.append(FieldError("to_address", "Geen geldig e-mailadres"))
    if not subject.strip() or len(subject) > MAX_SUBJECT or any(c in subject for c in "\r\n"):
        errors.append(FieldError("subject", f"Een onderwerp van 1 tot {MAX_SUBJECT} tekens op één regel is nodig"))
    if errors:
        raise InvalidInput(errors)
    from datetime import UTC

    moment = now or datetime.now(UTC)
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(OutboxMail)
        .values(
            key=key,
            user_id=user_id,
            to_address=to_address,
            subject=subject,
            text_body=text_body,
            html_body=html_body,
            status=MailStatus.PENDING,
            attempts=0,
            next_attempt_at=moment,
            created_at=moment,
            updated_at=moment,
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OutboxMail.id)
    )
    written = (await session.execute(statement)).scalar_one_or_none()
    return written is not None


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    """Failed this time, to be tried again later."""
    failed: int = 0
    """Failed for the last time (``MAX_ATTEMPTS``)."""
    waiting: int = 0
    """Due but not sent because no SMTP server is configured."""
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.sent + self.retried + self.failed


@dataclass(frozen=True)
class _Claimed:
    id: int
    attempts: int
    letter: Letter


def _due(now: datetime) -> ColumnElement[bool]:
    return OutboxMail.status.in_([MailStatus.PENDING, MailStatus.SENDING]) & (OutboxMail.next_attempt_at <= now)


async def count_due(session: AsyncSession, now: datetime) -> int:
    return int(await session.scalar(select(func.count()).select_from(OutboxMail).where(_due(now))) or 0)


async def claim(session_factory: SessionFactory, now: datetime, limit: int = CLAIM_BATCH) -> list[_Claimed]:
    """Take up to ``limit`` due mails for this sender, committed before anything is sent."""
    due = _due(now)
    candidates = (
        select(OutboxMail.id)
        .where(due)
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    statement = (
        update(OutboxMail)
        .where(OutboxMail.id.in_(candidates), due)
        .values(
            status=MailStatus.SENDING,
            attempts=OutboxMail.attempts + 1,
            next_attempt_at=now + CLAIM_LEASE,
            updated_at=now,
        )
        .returning(
            OutboxMail.id,
            OutboxMail.attempts,
            OutboxMail.key,
            OutboxMail.to_address,
            OutboxMail.subject,
            OutboxMail.text_body,
            OutboxMail.html_body,
        )
        .execution_options(synchronize_session=False)
    )
    async with session_factory() as session, session.begin():
        rows = (await session.execute(statement)).all()
    return sorted(
        (_Claimed(row.id, row.attempts, Letter(row.key, row.to_address, row.subject, row.text_body, row.html_body))
         for row in rows),
        key=lambda c: c.id,
    )  # fmt: skip


async def _settle(
    session_factory: SessionFactory, mail: _Claimed, now: datetime, error: str | None, report: SendReport
) -> None:
    """Mark one claimed mail sent, or put it back for a later attempt (or give up), and record the attempt."""
    if error is None:
        status, next_at, sent_at = MailStatus.SENT, now, now
        report.sent += 1
    else:
        status, next_at = after_failure(mail.attempts, now)
        sent_at = None
        if status is MailStatus.FAILED:
            report.failed += 1
        else:
            report.retried += 1
        report.errors.append(f"{mail.letter.key}: {error}")
    async with session_factory() as session, session.begin():
        await session.execute(
            update(OutboxMail)
            .where(OutboxMail.id == mail.id, OutboxMail.status == MailStatus.SENDING)
            .values(status=status, next_attempt_at=next_at, sent_at=sent_at, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        session.add(MailAttempt(mail_id=mail.id, at=now, ok=error is None, error=clip_error(error or "")))


def _describe(exc: BaseException) -> str:
    return clip_error(f"{type(exc).__name__}: {exc}") if str(exc) else type(exc).__name__


async def send_pending(
    session_factory: SessionFactory,
    now: datetime,
    *,
    transport: Transport | None,
    mail_from: str,
    limit: int = CLAIM_BATCH,
) -> SendReport:
    """Send every mail due at ``now`` (in batches of ``limit``); each claimed mail is settled before the next batch."""
    report = SendReport()
    if transport is None:
        async with session_factory() as session:
            report.waiting = await count_due(session, now)
        return report
    while True:
        claimed = await claim(session_factory, now, limit)
        if not claimed:
            return report
        await _deliver(session_factory, now, transport, mail_from, claimed, report)
        if len(claimed) < limit:
            return report


async def _deliver(
    session_factory: SessionFactory,
    now: datetime,
    transport: Transport,
    mail_from: str,
    claimed: list[_Claimed],
    report: SendReport,
) -> None:
    settled: set[int] = set()
    try:
        async with transport.connect() as send:
            for mail in claimed:
                try:
                    await send(build_message(mail.letter, mail_from))
                except Exception as exc:  # any failure of this one mail: it is retried later
                    error: str | None = _describe(exc)
                else:
                    error = None
                await _settle(session_factory, mail, now, error, report)
                settled.add(mail.id)
    except Exception as exc:  # the connection failed (or closed): every mail not settled yet is retried later
        for mail in claimed:
            if mail.id not in settled:
                await _settle(session_factory, mail, now, _describe(exc), report)
