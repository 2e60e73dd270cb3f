"""Pilot statistics computed once per pilot, period and data version (issue 18).

``pilot_metrics`` is the most expensive read in the app (every measure over every dossier of the pilot, a bootstrap
for the ICER). Its result only changes when the data changes, or as time passes (what is overdue, what is due in an
open period). So each worker keeps the result per (pilot, its definition, period) together with the data version it
was computed at (``web/data_version.py``, one cheap SELECT) and the moment: a read answers from the cache while the
data version is the same and the result is younger than ``MAX_AGE``; otherwise it computes afresh. Any committed
write anywhere changes the version, so no write is hidden from the next read.

The cache is per process and bounded (``MAX_ENTRIES``, least recently used out); nothing personal is in it (the
metrics are figures; disclosure control runs on every answer, after the cache).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.metrics.engine import pilot_metrics
from casemgmt.metrics.results import PilotMetrics
from casemgmt.pilots.models import Pilot
from casemgmt.web.data_version import current_data_version

MAX_AGE_SECONDS = 60.0
"""How long a result stands without a write: what is overdue or due moves on with the clock, not only with writes."""
MAX_ENTRIES = 64

T = TypeVar("T")


@dataclass(frozen=True)
class _Entry:
    version: bytes
    computed_at: float
    value: Any


class FiguresCache:
    """Figures computed from the data, by key, each valid for one data version and ``max_age_seconds``. The values
    must be immutable (frozen results): every reader gets the same object."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_age_seconds: float = MAX_AGE_SECONDS) -> None:
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self.max_entries = max_entries
        self.max_age_seconds = max_age_seconds
        self.computed = 0
        """How many times a value was computed (not answered from the cache), for tests and the benchmark."""

    async def get(self, session: AsyncSession, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        """The cached value of ``key`` when the data version is still the one it was computed at and it is young
        enough; otherwise ``compute()``'s (then cached). The version is read first, in ``session``'s transaction."""
        version = await current_data_version(session)
        entry = self._entries.get(key)
        clock = time.monotonic()
        if entry is not None and entry.version == version and clock - entry.computed_at < self.max_age_seconds:
            self._entries.move_to_end(key)
            return cast(T, entry.value)
        value = await compute()
        self.computed += 1
        self._entries[key] = _Entry(version, clock, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        self._entries.clear()


def pilot_key(kind: str, pilot: Pilot, date_from: date | None, date_to: date | None) -> Hashable:
    """A pilot's figures of one ``kind`` over one period. The definition's load time is part of the key: a reloaded
    pilot file (other targets, rates, services) gives other figures."""
    return (kind, pilot.id, str(pilot.updated_at), date_from, date_to)


async def cached_pilot_metrics(
    cache: FiguresCache,
    session: AsyncSession,
    pilot: Pilot,
    date_from: date | None,
    date_to: date | None,
    now: datetime,
) -> PilotMetrics:
    """``pilot_metrics`` through the cache (the metrics API; the dashboard caches its own pair)."""
    key = pilot_key("metrics", pilot, date_from, date_to)
    return await cache.get(session, key, lambda: pilot_metrics(session, pilot, date_from, date_to, now))


def figures_cache_of(state: Any) -> FiguresCache:
    """The worker's cache (``app.state.figures_cache``, made by ``create_app``)."""
    cache = state.figures_cache
    assert isinstance(cache, FiguresCache)
    return cache
