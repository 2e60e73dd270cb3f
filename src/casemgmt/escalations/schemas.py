"""Request and response bodies of the escalation API; text limits are the rules' (``escalations/rules.py``)."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
from pydantic import BaseModel, Field

from casemgmt.escalations.models import Escalation, ReusableAnswer
from casemgmt.escalations.rules import MAX_ANSWER, MAX_QUESTION, MAX_TITLE, state_of
from casemgmt.web.limits import required_text
from casemgmt.web.parameters import OptionalRecordId
from casemgmt.web.structs import copied


class EscalationCreate(BaseModel):
    """An escalation goes to a service's queue (the team), or to the dossier's accountmanager of that service.
    ``owner_service`` is the same choice under the name the commitment API uses (issue 13): give one of the two."""

    service: str | None = Field(None, min_length=1, max_length=10)
    owner_service: str | None = Field(None, min_length=1, max_length=10)
    question: str = required_text(MAX_QUESTION)
    client_id: OptionalRecordId = None
    dossier_id: OptionalRecordId = None
    commitment_id: OptionalRecordId = None


class EscalationAnswer(BaseModel):
    answer: str = required_text(MAX_ANSWER)
    reusable: bool = False
    """Propose the answer for reuse; it is published only as a reusable answer written in general terms."""


class ReusableAnswerIn(BaseModel):
    """A reusable answer written from an answered escalation: the question in general terms and the answer to give;
    ``no_personal_data`` must be true (the writer confirms the texts name no client)."""

    title: str = required_text(MAX_TITLE)
    answer: str = required_text(MAX_ANSWER)
    no_personal_data: bool = False


class EscalationOut(msgspec.Struct):
    """An escalation KCC → back office; ``status`` is ``open``, ``overdue`` or ``answered`` at the response."""

    id: int
    service: str
    question: str
    client_id: int | None
    dossier_id: int | None
    commitment_id: int | None
    asked_by_id: int
    asked_at: datetime
    assignee_id: int | None
    due_at: datetime
    status: str
    answer: str | None
    answered_by_id: int | None
    answered_at: datetime | None
    within_norm: bool | None
    reusable: bool

    @classmethod
    def of(cls, escalation: Escalation, service_code: str, now: datetime | None = None) -> EscalationOut:
        now = now or datetime.now(UTC)
        return copied(
            cls,
            escalation,
            service=service_code,
            status=state_of(escalation.status, escalation.due_at, now),
            answer=escalation.answer or None,
        )


class AnswerOut(msgspec.Struct):
    """A reusable answer: a question in general terms and the answer to give; no personal data."""

    id: int
    service: str
    question: str
    answer: str
    written_at: datetime

    @classmethod
    def of(cls, reusable: ReusableAnswer, service_code: str) -> AnswerOut:
        return cls(reusable.id, service_code, reusable.title, reusable.answer, reusable.written_at)
