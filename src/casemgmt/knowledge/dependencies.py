"""The kennisbank service as a handler dependency (``knowledge``), and ``escalation_draft``: how the concept of an
escalation's answer is prefilled. The kennisbank sits below the escalations, so the escalations provide that
function (``escalations/dependencies.py``) and ``app.py`` registers it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from litestar.di import NamedDependency

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.db import DbSession
from casemgmt.knowledge.services import Draft, KnowledgeService

Knowledge = NamedDependency[KnowledgeService]
"""The request's kennisbank service (``knowledge``)."""

DraftFromEscalation = Callable[[int], Awaitable[Draft]]
"""The concept written from an answered escalation the employee may answer for (403/404/422 otherwise)."""

EscalationDraft = NamedDependency[DraftFromEscalation]


async def provide_knowledge(db_session: DbSession, actor: Actor, audit: Audit) -> KnowledgeService:
    return KnowledgeService(db_session, actor, audit)
