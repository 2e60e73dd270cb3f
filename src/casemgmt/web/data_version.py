"""The casework data version: a value that changes after every committed write, so a worker can keep figures computed
from the data (the pilot statistics) until the data changes.

It is one row of the app's key-value store table (``session_store``, namespace ``data_version``), set to a fresh
random value *after* each write commits: by the transaction middleware for every unsafe request that committed, and
by the CLI's transactions. Reading it is one primary-key SELECT in the request's own transaction.

Why after the commit: a reader reads the version first and then the data. Every write whose version change came
before that read was committed before it, so its data is in what the reader computes; every write committed later
changes the version again. Figures cached under a version therefore never hide a write for longer than the next
read of the version. (A random value instead of a counter: concurrent writers need no lock and no read; any new
value differs from every cached one.)
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from advanced_alchemy.extensions.litestar.store import SQLAlchemyStore
from litestar.stores.base import Store
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.models import SessionStoreEntry

NAMESPACE = "data_version"
KEY = "casework"
KEEP = timedelta(days=3650)
"""The store's rows must expire; this one outlives any deployment (``sessions prune`` leaves it alone until then)."""
STORE = "data_version"
"""The name of the app's store (``app.stores.get(STORE)``)."""

log = logging.getLogger(__name__)


def data_version_store(alchemy: SQLAlchemyAsyncConfig) -> SQLAlchemyStore[SQLAlchemyAsyncConfig]:
    return SQLAlchemyStore(alchemy, model=SessionStoreEntry, namespace=NAMESPACE)


async def current_data_version(session: AsyncSession) -> bytes:
    """The version now (empty before the first write), read in ``session``'s transaction."""
    value = await session.scalar(
        select(SessionStoreEntry.value).where(SessionStoreEntry.key == KEY, SessionStoreEntry.namespace == NAMESPACE)
    )
    return bytes(value) if value is not None else b""


async def change_data_version(store: Store) -> None:
    """Give the data a new version (in the store's own transaction; call it after the write committed). A failure
    is logged, not raised: the write stands, and cached figures expire by age (``metrics/cache.py``)."""
    try:
        await store.set(KEY, secrets.token_hex(16), expires_in=KEEP)
    except Exception:
        log.exception("could not change the data version; cached figures expire by age")
