"""How the Logboek names the objects of its events (issue 15): a dossier by its reference (D-2026-00005), and a
commitment, escalation, handoff or contact by the reference of its dossier, or by its client's pseudonym where it
has no dossier. The audit log sits below the concepts, so it is given this lookup (``object_references``) by
dependency injection; one query per object type for a whole page of events, however many rows it has.

Only admins read the Logboek; for anyone else the lookup names nothing, so it can never show a reference the
reader may not see."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.roles import Role
from casemgmt.clients.models import Client
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact
from casemgmt.dossiers.models import Dossier
from casemgmt.escalations.models import Escalation
from casemgmt.handoffs.models import Handoff

_OWNED_BY_A_DOSSIER_OR_CLIENT: dict[str, Any] = {
    "commitment": Commitment,
    "escalation": Escalation,
    "contact": Contact,
}
"""The object types with an optional dossier and an optional client."""


class ObjectReferences:
    """The references of the objects of one Logboek page, one query per object type."""

    def __init__(self, session: AsyncSession, actor: CurrentUser) -> None:
        self.session = session
        self.actor = actor

    async def references_of(self, object_type: str, ids: Collection[int]) -> dict[int, str]:
        """``{id: reference}`` of those of ``ids`` (of ``object_type``) that have one: a dossier's own reference,
        else the reference of the object's dossier, else its client's pseudonym; an unknown type names nothing."""
        wanted = sorted(set(ids))
        if not wanted or Role.ADMIN not in self.actor.roles:
            return {}
        if object_type == "dossier":
            query = select(Dossier.id, Dossier.ref, Dossier.ref).where(Dossier.id.in_(wanted))
        elif object_type == "handoff":
            query = (
                select(Handoff.id, Dossier.ref, Dossier.ref)
                .join(Dossier, Dossier.id == Handoff.dossier_id)
                .where(Handoff.id.in_(wanted))
            )
        elif object_type in _OWNED_BY_A_DOSSIER_OR_CLIENT:
            model = _OWNED_BY_A_DOSSIER_OR_CLIENT[object_type]
            query = (
                select(model.id, Dossier.ref, Client.pseudonym)
                .outerjoin(Dossier, Dossier.id == model.dossier_id)
                .outerjoin(Client, Client.id == model.client_id)
                .where(model.id.in_(wanted))
            )
        else:
            return {}
        rows = (await self.session.execute(query)).all()
        return {ident: ref or pseudonym for ident, ref, pseudonym in rows if ref or pseudonym}
