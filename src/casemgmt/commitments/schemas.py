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
    owner_id: OptionalRecordId = None
    """The person who keeps the promise; or ``owner_service`` for a team (exactly one of the two)."""
    owner_service: str | None = Field(None, max_length=10)
    """The code of the service (team) that keeps the promise, e.g. ``SZW``; any of its employees picks it up."""
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
    """A new owner: a person (``owner_id``) or a team (``owner_service``), exactly one, with the reason."""

    owner_id: OptionalRecordId = None
    owner_service: str | None = Field(None, max_length=10)
    reason: str = required_text(rules.MAX_REASON)


class CommitmentReschedule(BaseModel):
    """A new due moment (in the future) and the reason; the first due moment stays on record."""

    due_at: AwareMoment
    reason: str = required_text(rules.MAX_REASON)


__all__ = [
    "CommitmentCancel",
    "CommitmentCreate",
    "CommitmentFulfil",
    "CommitmentMiss",
    "CommitmentOut",
    "CommitmentPageOut",
    "CommitmentReassign",
    "CommitmentReschedule",
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
    owner_id: int | None
    """The person who keeps it; null while a team owns it (``owner_service``)."""
    made_by_id: int
    made_at: datetime
    due_at: datetime
    status: str
    overdue: bool
    kept_on_time: bool | None
    closed_at: datetime | None
    note: str | None
    fulfilling_contact_id: int | None
    owner_service: str | None
    """The code of the owning team (service) until someone picks it up; null when a person owns it."""
    first_due_at: datetime
    """The due moment first promised; differs from ``due_at`` after rescheduling."""

    @classmethod
    def of(cls, c: Commitment, now: datetime | None = None, owner_service: str | None = None) -> CommitmentOut:
        now = now or datetime.now(UTC)
        return copied(
            cls,
            c,
            overdue=rules.is_overdue(c.status, c.due_at, now),
            note=c.note or None,
            owner_service=owner_service,
        )


class CommitmentPageOut(msgspec.Struct):
    """One page of commitments; pass ``next_cursor`` as ``cursor`` for the next (null: this is the last page)."""

    items: list[CommitmentOut]
    next_cursor: str | None
