"""The JSON bodies of the contact API. Types only: ``rules.py`` gives the Dutch 422 messages."""

from __future__ import annotations

from datetime import datetime

import msgspec
from pydantic import BaseModel, Field

from casemgmt.contacts.models import Contact
from casemgmt.contacts.rules import (
    CHANNELS,
    DIRECTIONS,
    EXTERNAL_REF_MAX,
    EXTERNAL_REFS_MAX,
    OUTCOMES,
    SUBJECT_MAX,
    SUMMARY_MAX,
    TRANSFERS_MAX,
)
from casemgmt.web.limits import limited, not_blank, required_text
from casemgmt.web.parameters import Count, Moment, OptionalRecordId
from casemgmt.web.structs import copied


class ContactIn(BaseModel):
    """``client_id: null`` logs an anonymous contact (no client, so no dossier or representative either); leaving it
    out is refused. ``representative_id``: the contact was made by or with this representative, one linked to the
    client today (``GET /api/v1/clients/{id}/routing`` lists them)."""

    client_id: OptionalRecordId = None
    dossier_id: OptionalRecordId = None
    channel: str = Field(..., json_schema_extra={"enum": list(CHANNELS)})
    direction: str = Field(..., json_schema_extra={"enum": list(DIRECTIONS)})
    service: str = Field(..., json_schema_extra={"min_length": 1, "pattern": not_blank()})
    outcome: str = Field(..., json_schema_extra={"enum": list(OUTCOMES)})
    transfers: Count = Field(..., json_schema_extra={"minimum": 0, "maximum": TRANSFERS_MAX})
    summary: str = required_text(SUMMARY_MAX)
    occurred_at: Moment | None = None
    subject: str | None = limited(SUBJECT_MAX, None)
    external_refs: list[str] | None = Field(
        None,
        description="References of other systems (letter, zaak or kenmerk numbers), each 1..64 characters, unique",
        json_schema_extra={"maxItems": EXTERNAL_REFS_MAX, "items": {"type": "string", "maxLength": EXTERNAL_REF_MAX}},
    )
    representative_id: OptionalRecordId = None


class ContactLink(BaseModel):
    dossier_id: OptionalRecordId = None


class ContactOut(msgspec.Struct):
    """A logged contact (klantcontact); ``service`` is the code of the service that had it."""

    id: int
    client_id: int | None
    dossier_id: int | None
    channel: str
    direction: str
    service: str
    employee_id: int
    occurred_at: datetime
    outcome: str
    transfers: int
    summary: str
    subject: str
    external_refs: list[str] = msgspec.field(default_factory=list)
    representative_id: int | None = None
    """The representative who made the contact or took part in it."""

    @classmethod
    def of(cls, contact: Contact, service_code: str, external_refs: list[str] | None = None) -> ContactOut:
        return copied(cls, contact, service=service_code, external_refs=list(external_refs or []))
