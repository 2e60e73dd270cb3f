"""The login throttle: after 5 failed logins for one e-mail within 15 minutes, refuse attempts for 15 minutes; the
same after 20 failed logins from one client address (whatever e-mails they try), so guessing across many accounts is
slowed down too."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)


def locked_until(
    failures_newest_first: Sequence[datetime], now: datetime, limit: int = MAX_FAILURES
) -> datetime | None:
    """When the lockout ends, or None if the e-mail (or, with ``limit=MAX_ADDRESS_FAILURES``, the address) may try
    now.

    Locked when the last ``limit`` failures all fall within ``WINDOW``, until ``LOCKOUT`` after the latest.
    Attempts made while locked are not counted, so waiting out the lockout always works.
    """
    if len(failures_newest_first) < limit:
        return None
    latest, oldest = failures_newest_first[0], failures_newest_first[limit - 1]
    if latest - oldest > WINDOW:
        return None
    until = latest + LOCKOUT
    return until if now < until else None
