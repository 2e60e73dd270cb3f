"""The one writer of audit events. Services call it for every read and change of personal data.

``AuditedService`` is what every concept's service starts from: the request's session, the acting employee and this
writer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.models import AuditEvent
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.roles import Role
from casemgmt.errors import NotFound

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
        event = AuditEvent(
            occurred_at=datetime.now(UTC),
            actor_id=self.actor.id if self.actor else None,
            actor_role=self.actor.primary_role.value if self.actor else "system",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            client_pseudonym=client_pseudonym,
            purpose=purpose or (purpose_for(self.actor) if self.actor else Purpose.BEHEER),
            request_id=self.request_id,
            detail=detail[:2000],
        )
        self.session.add(event)
        return event

    async def record_reads(self, object_type: str, pseudonyms: Iterable[str], *, purpose: str | None = None) -> None:
        """One read event per client pseudonym of a list, written in one INSERT however long the list."""
        now = datetime.now(UTC)
        role = self.actor.primary_role.value if self.actor else "system"
        why = purpose or (purpose_for(self.actor) if self.actor else Purpose.BEHEER)
        rows = [
            {
                "occurred_at": now,
                "actor_id": self.actor.id if self.actor else None,
                "actor_role": role,
                "action": Action.READ,
                "object_type": object_type,
                "object_id": "",
                "client_pseudonym": pseudonym,
                "purpose": why,
                "request_id": self.request_id,
                "detail": "",
            }
            for pseudonym in sorted(set(pseudonyms))
        ]
        if rows:
            await self.session.execute(insert(AuditEvent), rows)


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
