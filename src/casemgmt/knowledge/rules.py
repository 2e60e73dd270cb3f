"""The kennisbank's rules, without HTTP or a database: limits, the states an article passes through and the kinds of
flag an agent can raise."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

MAX_QUESTION = 300
MAX_ANSWER = 8000
MAX_NEXT_STEPS = 2000
MAX_REASON = 1000
MAX_FLAG_NOTE = 1000
MAX_CHANGE = 300
MAX_QUERY = 200
REVIEW_MONTHS = 6


class ArticleStatus(StrEnum):
    """``draft`` (concept) → ``published`` (gepubliceerd) → ``expired`` (verlopen); ``withdrawn`` (ingetrokken), with
    a reason, ends an article's life: articles are never deleted."""

    DRAFT = "draft"
    PUBLISHED = "published"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


STATUS_LABELS: dict[ArticleStatus, str] = {
    ArticleStatus.DRAFT: "concept",
    ArticleStatus.PUBLISHED: "gepubliceerd",
    ArticleStatus.EXPIRED: "verlopen",
    ArticleStatus.WITHDRAWN: "ingetrokken",
}


class FlagKind(StrEnum):
    """What an agent says is wrong with an article: ``wrong`` (klopt niet), ``unclear`` (onduidelijk), ``missing``
    (ontbreekt)."""

    WRONG = "wrong"
    UNCLEAR = "unclear"
    MISSING = "missing"


FLAG_LABELS: dict[FlagKind, str] = {
    FlagKind.WRONG: "klopt niet",
    FlagKind.UNCLEAR: "onduidelijk",
    FlagKind.MISSING: "ontbreekt",
}


def default_review_due(today: date) -> date:
    """The review date of an article written or published ``today``: ``REVIEW_MONTHS`` months on (the last day of
    the month where the month is shorter)."""
    month = today.month - 1 + REVIEW_MONTHS
    year, month = today.year + month // 12, month % 12 + 1
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return today + timedelta(days=182)  # pragma: no cover - every month has a 28th
