"""The escalation service as a handler dependency (``escalations``), and the kennisbank's ``escalation_draft``."""

from __future__ import annotations

from litestar.di import NamedDependency

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.db import DbSession
from casemgmt.errors import Forbidden, InvalidInput
from casemgmt.escalations.services import EscalationService
from casemgmt.knowledge.dependencies import DraftFromEscalation
from casemgmt.knowledge.rules import MAX_QUESTION
from casemgmt.knowledge.services import Draft

Escalations = NamedDependency[EscalationService]
"""The request's escalation service (``escalations``)."""


async def provide_escalations(db_session: DbSession, actor: Actor, audit: Audit) -> EscalationService:
    return EscalationService(db_session, actor, audit)


async def provide_escalation_draft(escalations: Escalations) -> DraftFromEscalation:
    """``escalation_draft``: the kennisbank's concept prefilled from an answered escalation (``/kennisbank/nieuw
    ?escalatie=<id>``), for who may answer for its service; reading the escalation is audited."""

    async def draft(escalation_id: int) -> Draft:
        view = await escalations.get(escalation_id)
        if not escalations.may_answer(view.service_code):
            raise Forbidden(f"Alleen accountmanagers van {view.service_code} maken van deze escalatie een artikel.")
        if view.escalation.status != "answered" or not view.escalation.answer:
            raise InvalidInput.single("escalation_id", "Deze escalatie is nog niet beantwoord")
        return Draft(
            service=view.service_code,
            question=view.escalation.question[:MAX_QUESTION],
            answer=view.escalation.answer,
            source_escalation_id=escalation_id,
        )

    return draft
