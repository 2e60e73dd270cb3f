"""Request bodies of the commitment API."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
from pydantic import BaseModel, Field

from casemgmt.commitments import rules
from casemgmt.commitments.models import Commitment
from casemgmt.web.limits import limited, required_text
from casemgmt.web.parameters import AwareMoment, OptionalRecordId, RecordId
from casemgmt.web.structs import copied


class CommitmentCreate(BaseModel):
    client_id: RecordId
    dossier_id: OptionalRecordId = None
    contact_id: OptionalRecordId = None
    kind: str = Field(..., json_schema_extra={"enum": [str(kind) for kind in rules.KIND_LABELS]})
    description: str = required_text(rules.MAX_DESCRIPTION)
    owner_id: RecordId
    due_at: AwareMoment | None = None
    service: str | None = None


class CommitmentFulfil(BaseModel):
    note: str = limited(rules.MAX_NOTE, "")
    contact_id: OptionalRecordId = None


class CommitmentMiss(BaseModel):
    note: str = required_text(rules.MAX_NOTE)


class CommitmentCancel(BaseModel):
    reason: str = required_text(rules.MAX_REASON)


class CommitmentReassign(BaseModel):
    owner_id: RecordId
    reason: str = required_text(rules.MAX_REASON)


__all__ = [
    "CommitmentCancel",
    "CommitmentCreate",
    "CommitmentFulfil",
    "CommitmentMiss",
    "CommitmentOut",
    "CommitmentReassign",
    "datetime",
]


class CommitmentOut(msgspec.Struct):
    """A commitment to a client (toezegging); ``overdue`` as of the moment of the response."""

    id: int
    client_id: int
    dossier_id: int | None
    contact_id: int | None
    kind: str
    description: str
    owner_id: int
    made_by_id: int
    made_at: datetime
    due_at: datetime
    status: str
    overdue: bool
    kept_on_time: bool | None
    closed_at: datetime | None
    note: str | None
    fulfilling_contact_id: int | None

    @classmethod
    def of(cls, c: Commitment, now: datetime | None = None) -> CommitmentOut:
        now = now or datetime.now(UTC)
        return copied(cls, c, overdue=rules.is_overdue(c.status, c.due_at, now), note=c.note or None)
