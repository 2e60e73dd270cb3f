"""Request bodies of the escalation API."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
from pydantic import BaseModel, Field

from casemgmt.escalations.models import Escalation
from casemgmt.escalations.rules import state_of
from casemgmt.web.parameters import OptionalRecordId
from casemgmt.web.structs import copied


class EscalationCreate(BaseModel):
    service: str = Field(min_length=1, max_length=10)
    question: str
    client_id: OptionalRecordId = None
    dossier_id: OptionalRecordId = None
    commitment_id: OptionalRecordId = None


class EscalationAnswer(BaseModel):
    answer: str
    reusable: bool = False


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
    """A reusable answer to an earlier escalation."""

    id: int
    service: str | None
    question: str
    answer: str
    answered_at: datetime | None
