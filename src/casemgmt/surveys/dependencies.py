"""The survey service as a handler dependency (``surveys``)."""

from __future__ import annotations

from litestar.di import NamedDependency

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.db import DbSession
from casemgmt.surveys.services import SurveyService

Surveys = NamedDependency[SurveyService]
"""The request's survey service (``surveys``)."""


async def provide_surveys(db_session: DbSession, actor: Actor, audit: Audit) -> SurveyService:
    return SurveyService(db_session, actor, audit)
