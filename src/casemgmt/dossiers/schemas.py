"""The JSON bodies of the dossier API. Types only: the domain rules (``rules.py``) give the Dutch 422 messages."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec
from pydantic import BaseModel, Field

from casemgmt.dossiers.involvement import ACCOUNTMANAGER
from casemgmt.dossiers.rules import REASON_MAX, SUBJECT_MAX
from casemgmt.references.rules import EXTERNAL_REF_MAX, EXTERNAL_REFS_MAX
from casemgmt.web.limits import limited, not_blank, required_text
from casemgmt.web.parameters import OptionalRecordId
from casemgmt.web.structs import copied


def external_refs_field(description: str) -> Any:
    """``external_refs`` in a request body: declared for the document, checked by the rule (Dutch 422)."""
    return Field(
        None,
        description=description,
        json_schema_extra={"maxItems": EXTERNAL_REFS_MAX, "items": {"type": "string", "maxLength": EXTERNAL_REF_MAX}},
    )


class AssignmentIn(BaseModel):
    service: str = ""
    accountmanager_id: OptionalRecordId = None


class DossierCreate(BaseModel):
    client_id: OptionalRecordId = None
    subject: str = required_text(SUBJECT_MAX)
    casemanager_id: OptionalRecordId = None
    assignments: list[AssignmentIn] = []
    external_refs: list[str] | None = external_refs_field(
        "References of other systems (letter, zaak or kenmerk numbers), each 1..64 characters, unique"
    )


class DossierUpdate(BaseModel):
    version: int
    subject: str | None = Field(None, json_schema_extra={"max_length": SUBJECT_MAX, "pattern": not_blank()})
    status: str | None = None
    outcome: str | None = None
    casemanager_id: OptionalRecordId = None
    reason: str | None = limited(REASON_MAX, None)
    external_refs: list[str] | None = external_refs_field(
        "Replaces the dossier's references of other systems (each 1..64 characters, unique); left out: unchanged"
    )


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
    external_refs: list[str]
    """References of other systems (letter, zaak or kenmerk numbers), in the order given."""

    @classmethod
    def of(cls, view: DossierView) -> DossierOut:
        d = view.dossier
        accountmanagers = sorted(
            (a for a in view.assignments if a.role == ACCOUNTMANAGER), key=lambda a: (a.service or "", a.since)
        )
        return copied(
            cls,
            d,
            assignments=[AssignmentOut(a.service, a.user_id, a.since, a.until) for a in accountmanagers],
            external_refs=list(view.external_refs),
        )
