"""Delivering one mail: the ``EmailMessage`` with its Dutch text and HTML parts, and the SMTP connection
(``aiosmtplib``) that sends it. A transport opens one connection for a run of mails."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Protocol

from casemgmt.settings import SmtpSettings

Send = Callable[[EmailMessage], Awaitable[object]]


class Transport(Protocol):
    """Opens a connection and gives the function that sends one message over it."""

    def connect(self) -> AbstractAsyncContextManager[Send]: ...


@dataclass(frozen=True)
class Letter:
    """What the outbox holds of one mail, enough to build its message."""

    key: str
    to_address: str
    subject: str
    text_body: str
    html_body: str


def build_message(letter: Letter, mail_from: str, *, date: object = None) -> EmailMessage:
    """A ``multipart/alternative`` message: the plain text first, the HTML part as the richer alternative."""
    from datetime import UTC, datetime

    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = letter.to_address
    message["Subject"] = letter.subject
    message["Date"] = format_datetime(date if isinstance(date, datetime) else datetime.now(UTC))
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "casemgmt.invalid"
    message["Message-ID"] = make_msgid(domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to a reminder
    message.set_content(letter.text_body, subtype="plain", charset="utf-8")
    message.add_alternative(letter.html_body, subtype="html", charset="utf-8")
    return message


@dataclass(frozen=True)
class SmtpTransport:
    settings: SmtpSettings
    timeout: float = 30.0

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[Send]:
        import aiosmtplib

        smtp = aiosmtplib.SMTP(
            hostname=self.settings.host,
            port=self.settings.port,
            use_tls=self.settings.tls,
            start_tls=self.settings.starttls,
            username=self.settings.username,
            password=self.settings.password,
            timeout=self.timeout,
        )
        await smtp.connect()
        try:
            yield smtp.send_message
        finally:
            try:
                await smtp.quit()
            except aiosmtplib.SMTPException:
                smtp.close()

    def connect(self) -> AbstractAsyncContextManager[Send]:
        return self._connection()
