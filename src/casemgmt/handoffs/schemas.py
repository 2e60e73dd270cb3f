"""Request bodies of the handoff API."""

from __future__ import annotations

from datetime import datetime

import msgspec
from pydantic import BaseModel, Field

from casemgmt.handoffs.models import Handoff
from casemgmt.handoffs.rules import MAX_CONTEXT_LENGTH, MAX_REASON_LENGTH, MIN_CONTEXT_LENGTH
from casemgmt.web.limits import not_blank, required_text
from casemgmt.web.parameters import OptionalRecordId, RecordId
from casemgmt.web.structs import copied


class HandoffCreate(BaseModel):
    dossier_id: RecordId
    to_service: str = Field(..., json_schema_extra={"min_length": 1, "pattern": not_blank()})
    to_employee_id: OptionalRecordId = None
    reason: str = required_text(MAX_REASON_LENGTH)
    context: str = required_text(MAX_CONTEXT_LENGTH, MIN_CONTEXT_LENGTH)
    from_service: str | None = None


class HandoffDecline(BaseModel):
    reason: str = required_text(MAX_REASON_LENGTH)


class HandoffOut(msgspec.Struct):
    """A handoff between services (overdracht); services by code."""

    id: int
    dossier_id: int
    status: str
    from_service: str | None
    from_employee_id: int
    to_service: str | None
    to_employee_id: int | None
    reason: str
    context: str
    requested_at: datetime
    decided_at: datetime | None
    decision_reason: str | None

    @classmethod
    def of(cls, handoff: Handoff, codes: dict[int, str]) -> HandoffOut:
        return copied(
            cls,
            handoff,
            from_service=codes.get(handoff.from_service_id),
            to_service=codes.get(handoff.to_service_id),
            decision_reason=handoff.decision_reason or None,
        )
