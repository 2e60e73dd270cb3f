"""The JSON bodies of the dossier API. Types only: the domain rules (``rules.py``) give the Dutch 422 messages."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import msgspec
from pydantic import BaseModel, Field

from casemgmt.dossiers.involvement import ACCOUNTMANAGER
from casemgmt.dossiers.rules import REASON_MAX, SUBJECT_MAX
from casemgmt.web.limits import limited, not_blank, required_text
from casemgmt.web.parameters import OptionalRecordId
from casemgmt.web.structs import copied


class AssignmentIn(BaseModel):
    service: str = ""
    accountmanager_id: OptionalRecordId = None


class DossierCreate(BaseModel):
    client_id: OptionalRecordId = None
    subject: str = required_text(SUBJECT_MAX)
    casemanager_id: OptionalRecordId = None
    assignments: list[AssignmentIn] = []


class DossierUpdate(BaseModel):
    version: int
    subject: str | None = Field(None, json_schema_extra={"max_length": SUBJECT_MAX, "pattern": not_blank()})
    status: str | None = None
    outcome: str | None = None
    casemanager_id: OptionalRecordId = None
    reason: str | None = limited(REASON_MAX, None)


class AccountmanagerAssignment(BaseModel):
    accountmanager_id: OptionalRecordId = None
    reason: str | None = limited(REASON_MAX, None)


if TYPE_CHECKING:
    from casemgmt.dossiers.services import DossierView


class AssignmentOut(msgspec.Struct):
    """An accountmanager's assignment for one service (``until`` ``null``: current)."""

    service: str | None
    accountmanager_id: int
    since: datetime
    until: datetime | None


class DossierOut(msgspec.Struct):
    """A dossier with its accountmanager assignments (history included, by service and start)."""

    id: int
    ref: str
    client_id: int
    subject: str
    status: str
    outcome: str | None
    casemanager_id: int
    assignments: list[AssignmentOut]
    version: int
    opened_at: datetime
    closed_at: datetime | None

    @classmethod
    def of(cls, view: DossierView) -> DossierOut:
        d = view.dossier
        accountmanagers = sorted(
            (a for a in view.assignments if a.role == ACCOUNTMANAGER), key=lambda a: (a.service or "", a.since)
        )
        return copied(
            cls, d, assignments=[AssignmentOut(a.service, a.user_id, a.since, a.until) for a in accountmanagers]
        )
