"""The one writer of audit events. Services call it for every read and change of personal data.

A page or API answer that shows several clients (a list, a worklist, a search, an export) records one event per
client shown (``record_reads``), all written in one INSERT; ``batch()`` makes the list reads of a whole request
(e.g. the four panels of the Werkvoorraad) one INSERT too. "Who saw client X?" is then one query on
``client_pseudonym`` (docs/PRIVACY.md). A request's writer defers every event to one INSERT right before the
request's commit (``deferred``).

``AuditedService`` is what every concept's service starts from: the request's session, the acting employee and this
writer."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.models import AuditEvent
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.roles import Role
from casemgmt.errors import NotFound

_INSERT_EVENTS = insert(cast(Table, AuditEvent.__table__))
"""The audit log's INSERT, built once and on the table (Core): the rows are plain dicts, nothing for the ORM to do."""

_Row = TypeVar("_Row")


class Purpose:
    """Why personal data was read or changed (doelbinding)."""

    KLANTCONTACT = "klantcontact"
    CASEMANAGEMENT = "casemanagement"
    BEHEER = "beheer"
    EVALUATIE = "evaluatie"


class Action:
    READ = "read"
    SEARCH = "search"
    CREATE = "create"
    UPDATE = "update"
    LINK = "link"
    EXPORT = "export"
    IMPORT = "import"
    REASONED_READ = "reasoned_read"
    """A full client record opened with a stated reason (doelbinding); the reason is the event's detail."""
    MERGE = "merge"
    """An unidentified client merged into the client with its BSN: one event on each, naming both pseudonyms."""


def purpose_for(actor: CurrentUser) -> str:
    role = actor.primary_role
    if role is Role.ADMIN:
        return Purpose.BEHEER
    if role is Role.EVALUATOR:
        return Purpose.EVALUATIE
    if role is Role.KCC_AGENT:
        return Purpose.KLANTCONTACT
    return Purpose.CASEMANAGEMENT


@dataclass
class AuditLog:
    """Writes audit events in the caller's transaction: an event exists exactly when the action happened."""

    session: AsyncSession
    actor: CurrentUser | None
    request_id: str = ""

    def record(
        self,
        action: str,
        object_type: str,
        object_id: object = "",
        *,
        client_pseudonym: str | None = None,
        purpose: str | None = None,
        detail: str = "",
    ) -> AuditEvent:
        row = {
            "occurred_at": datetime.now(UTC),
            "actor_id": self.actor.id if self.actor else None,
            "actor_role": self.actor.primary_role.value if self.actor else "system",
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "client_pseudonym": client_pseudonym,
            "purpose": purpose or (purpose_for(self.actor) if self.actor else Purpose.BEHEER),
            "request_id": self.request_id,
            "detail": detail[:2000],
        }
        if self.deferred:
            self._deferred.append(row)
            return AuditEvent(**row)
        event = AuditEvent(**row)
        self.session.add(event)
        return event

    deferred: bool = False
    """A request's writer (``provide_audit``): every event of the request waits for ``write_deferred``, which the
    transaction middleware calls right before the commit, so the request's events are one INSERT, committed with
    the request's work before the answer starts (never lost for an answer that was sent, never kept for a request
    that was rolled back)."""
    _pending: list[dict[str, Any]] | None = field(default=None, init=False, repr=False)
    _deferred: list[dict[str, Any]] = field(default_factory=list, init=False, repr=False)

    async def write_deferred(self) -> None:
        """Write the events waiting for the end of the request, in one INSERT."""
        rows, self._deferred = self._deferred, []
        if rows:
            await self.session.execute(_INSERT_EVENTS, rows)

    async def record_reads(
        self,
        object_type: str,
        pseudonyms: Iterable[str | None],
        *,
        action: str = Action.READ,
        object_id: object = "",
        purpose: str | None = None,
        detail: str = "",
        keep_empty: bool = False,
    ) -> int:
        """One event per client pseudonym shown (each once, ``None`` skipped), written in one INSERT however long the
        list; inside ``batch()`` the rows wait for the batch's one INSERT. ``keep_empty``: when no client was shown,
        one event without a pseudonym still records that the list was read (a search without results).

        Returns the number of clients recorded."""
        now = datetime.now(UTC)
        role = self.actor.primary_role.value if self.actor else "system"
        why = purpose or (purpose_for(self.actor) if self.actor else Purpose.BEHEER)
        shown: list[str | None] = [*sorted({p for p in pseudonyms if p})]
        if not shown and keep_empty:
            shown = [None]
        rows = [
            {
                "occurred_at": now,
                "actor_id": self.actor.id if self.actor else None,
                "actor_role": role,
                "action": action,
                "object_type": object_type,
                "object_id": str(object_id),
                "client_pseudonym": pseudonym,
                "purpose": why,
                "request_id": self.request_id,
                "detail": detail[:2000],
            }
            for pseudonym in shown
        ]
        if self._pending is not None:
            self._pending.extend(rows)
        elif self.deferred:
            self._deferred.extend(rows)
        elif rows:
            await self.session.execute(_INSERT_EVENTS, rows)
        return sum(1 for pseudonym in shown if pseudonym)

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[list[dict[str, Any]]]:
        """Collect the ``record_reads`` rows of a block and write them in one INSERT when the block ends.

        The yielded list holds the collected rows; a caller that shows none of the data read (a count badge) may
        clear it. Nested batches join the outer one; when the block raises, nothing is written."""
        if self._pending is not None:
            yield self._pending
            return
        rows: list[dict[str, Any]] = []
        self._pending = rows
        try:
            yield rows
        finally:
            self._pending = None
        if rows and self.deferred:
            self._deferred.extend(rows)
        elif rows:
            await self.session.execute(_INSERT_EVENTS, rows)


class AuditedService:
    """A concept's service for one request: the request's session, the acting employee and the request's one audit
    writer. It flushes, never commits."""

    def __init__(self, session: AsyncSession, actor: CurrentUser, audit: AuditLog) -> None:
        self.session = session
        self.actor = actor
        self.audit = audit

    async def _existing(self, model: type[_Row], ident: int, not_found: str, *, for_update: bool = False) -> _Row:
        """The ``model`` row with this id (``for_update``: locked until the transaction ends); 404 with the
        ``not_found`` message when there is none."""
        row = await self.session.get(model, ident, with_for_update=for_update)
        if row is None:
            raise NotFound(not_found)
        return row
