"""The outbox's rules as plain functions: the statuses, the retry schedule, the text limits."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

MAX_KEY = 200
MAX_ADDRESS = 254
MAX_SUBJECT = 200
MAX_ERROR = 1000


class MailStatus(StrEnum):
    PENDING = "pending"
    """Waiting for its next attempt (``next_attempt_at``)."""
    SENDING = "sending"
    """Claimed by one sender, which is delivering it now."""
    SENT = "sent"
    FAILED = "failed"
    """Given up after ``MAX_ATTEMPTS`` attempts."""


STATUS_LABELS = {
    MailStatus.PENDING: "Wacht op verzending",
    MailStatus.SENDING: "Wordt verzonden",
    MailStatus.SENT: "Verzonden",
    MailStatus.FAILED: "Mislukt",
}

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=60))
"""The wait after the 1st, 2nd, 3rd failed attempt …; every later one waits the last (an hour)."""
MAX_ATTEMPTS = 10
"""After this many failed attempts (about seven hours of retrying) the mail is marked failed."""
CLAIM_LEASE = timedelta(minutes=10)
"""How long a claim holds: a mail still 'sending' after this was claimed by a sender that died, and is sent again."""


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt (1-based)."""
    if attempts < 1:
        raise ValueError(f"attempts must be 1 or more, got {attempts}")
    return BACKOFF[min(attempts, len(BACKOFF)) - 1]


def after_failure(attempts: int, now: datetime) -> tuple[MailStatus, datetime]:
    """Status and next attempt after the ``attempts``-th attempt failed: retry later, or give up."""
    if attempts >= MAX_ATTEMPTS:
        return MailStatus.FAILED, now
    return MailStatus.PENDING, now + retry_delay(attempts)


def clip_error(error: str) -> str:
    """An SMTP error as stored: one line, at most ``MAX_ERROR`` characters."""
    line = " ".join(error.split())
    return line if len(line) <= MAX_ERROR else line[: MAX_ERROR - 1] + "…"
