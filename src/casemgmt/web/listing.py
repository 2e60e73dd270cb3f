"""Lists people can work (issue 15): the sort, the "due" filter and the page of a list as GET parameters, so a
view is bookmarkable; a value the list does not know falls back to its default (never an error page), and the
links of the page carry only what differs from the defaults.

The lists themselves sort, filter, count and page in SQL; this module only reads the parameters and says which
rows (offset, limit) and which moments (due) the query needs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from casemgmt.directory.calendar import AMSTERDAM, local_date

PER_PAGE = 25
MAX_PAGE_NUMBER = 10_000
"""No list has that many pages; a larger ``pagina`` is a typo or a probe and shows the first page."""

DUE_LABELS = {"overdue": "Te laat", "today": "Vandaag (of eerder)", "week": "Binnen 7 dagen"}
"""The "due" filter of the lists with a due moment (escalations, promises)."""


def chosen(value: str | None, allowed: Mapping[str, object], default: str) -> str:
    """``value`` when the list knows it, else ``default``."""
    text = (value or "").strip()
    return text if text in allowed else default


def page_number(value: str | None) -> int:
    """``pagina`` as a number from 1; anything else (empty, ``-3``, ``abc``, huge) is the first page."""
    text = (value or "").strip()
    if not text.isdigit() or len(text) > 5:
        return 1
    return min(max(int(text), 1), MAX_PAGE_NUMBER)


def due_before(due: str, now: datetime) -> tuple[datetime | None, datetime | None]:
    """The (from, before) moments of the due filter: ``overdue`` before now; ``today`` up to the end of today in
    Amsterdam (overdue ones included); ``week`` within 7 days from now (idem); anything else no bounds."""
    if due == "overdue":
        return None, now
    if due == "today":
        tomorrow = local_date(now) + timedelta(days=1)
        return None, datetime.combine(tomorrow, time(0), tzinfo=AMSTERDAM)
    if due == "week":
        return None, now + timedelta(days=7)
    return None, None


@dataclass(frozen=True)
class Paging:
    """One page of a counted list."""

    number: int
    total: int
    size: int = PER_PAGE

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def text(self) -> str:
        """ "1–25 van 41" (or "geen" for an empty list)."""
        if not self.total:
            return "geen"
        first = min(self.offset + 1, self.total)
        last = min(self.offset + self.size, self.total)
        return f"{first}–{last} van {self.total}"

    def within(self) -> Paging:
        """The same paging on the last page when the number asked for lies beyond it."""
        return self if self.number <= self.pages else Paging(self.pages, self.total, self.size)


def query_string(values: Mapping[str, str], defaults: Mapping[str, str], **changes: str | int) -> str:
    """The query of a link to this list: the values that differ from the defaults, with ``changes`` applied
    (``pagina=1`` is left out)."""
    merged = {**values, **{key: str(value) for key, value in changes.items()}}
    kept = {
        key: value
        for key, value in merged.items()
        if value and value != defaults.get(key, "") and not (key == "pagina" and value == "1")
    }
    return urlencode(kept)
