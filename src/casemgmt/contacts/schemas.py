"""The JSON bodies of the contact API. Types only: ``rules.py`` gives the Dutch 422 messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec
from pydantic import BaseModel, Field

from casemgmt.contacts.models import Contact
from casemgmt.contacts.rules import (
    CHANNELS,
    DIRECTIONS,
    EXTERNAL_REF_MAX,
    EXTERNAL_REFS_MAX,
    OUTCOMES,
    PROMISE_MAX,
    SUBJECT_MAX,
    SUMMARY_MAX,
    TRANSFERS_MAX,
)
from casemgmt.web.limits import limited, not_blank, required_text
from casemgmt.web.parameters import AwareMoment, Count, Moment, OptionalRecordId, RecordId
from casemgmt.web.structs import copied


class TransferIn(BaseModel):
    """One attempt to transfer the caller: to a service (code) and optionally one of its departments (by name)."""

    service: str = Field(..., json_schema_extra={"maxLength": 10})
    department: str | None = limited(200, None)
    connected: bool


class PromiseIn(BaseModel):
    """The promise of outcome ``callback_promised``: the words told to the client; owner (a person, ``owner_id``,
    default: you; or a team, ``owner_service``, not both) and due moment (default: the owner's service's callback
    term in business days) optional."""

    description: str = required_text(PROMISE_MAX)
    owner_id: OptionalRecordId = None
    owner_service: str | None = Field(None, max_length=10, description="A team (service code) instead of a person")
    due_at: AwareMoment | None = None


class ContactIn(BaseModel):
    """``client_id: null`` logs an anonymous contact (no client, so no dossier or representative either); leaving it
    out is refused. ``representative_id``: the contact was made by or with this representative, one linked to the
    client today (``GET /api/v1/clients/{id}/routing`` lists them).

    ``topic`` (a topic code) is required for inbound contacts. ``transfers`` is either the number of transfers or
    the list of transfer attempts (their number is then the count). ``commitment`` is required with outcome
    ``callback_promised`` and refused with any other."""

    client_id: OptionalRecordId = None
    dossier_id: OptionalRecordId = None
    channel: str = Field(..., json_schema_extra={"enum": list(CHANNELS)})
    direction: str = Field(..., json_schema_extra={"enum": list(DIRECTIONS)})
    service: str = Field(..., json_schema_extra={"min_length": 1, "pattern": not_blank()})
    outcome: str = Field(..., json_schema_extra={"enum": list(OUTCOMES)})
    transfers: Count | list[TransferIn] = Field(
        ...,
        description=f"The number of transfers (0..{TRANSFERS_MAX}), or each transfer attempt in order",
        json_schema_extra={"minimum": 0, "maximum": TRANSFERS_MAX, "maxItems": TRANSFERS_MAX},
    )
    summary: str = required_text(SUMMARY_MAX)
    occurred_at: Moment | None = None
    subject: str | None = limited(SUBJECT_MAX, None)
    external_refs: list[str] | None = Field(
        None,
        description="References of other systems (letter, zaak or kenmerk numbers), each 1..64 characters, unique",
        json_schema_extra={"maxItems": EXTERNAL_REFS_MAX, "items": {"type": "string", "maxLength": EXTERNAL_REF_MAX}},
    )
    representative_id: OptionalRecordId = None
    topic: str | None = Field(None, description="Topic code (onderwerp); required for inbound contacts")
    commitment: PromiseIn | None = None
    articles: list[RecordId] | None = Field(
        None,
        description="Knowledge articles the caller was answered with (published ones; the current version is recorded)",
        json_schema_extra={"maxItems": 10},
    )


class ContactLink(BaseModel):
    dossier_id: OptionalRecordId = None


class TransferOut(msgspec.Struct):
    """A transfer attempt: the service's code, the department's name (or null), whether it connected."""

    service: str
    department: str | None
    connected: bool


class GivenArticleOut(msgspec.Struct):
    """A knowledge article a contact was answered with: the version given and that version's question."""

    id: int
    version: int
    question: str


class ContactOut(msgspec.Struct):
    """A logged contact (klantcontact); ``service`` is the code of the service that had it, ``topic`` the topic's
    code, ``transfers`` the number of transfers and ``transfer_attempts`` each attempt recorded;
    ``commitment_id`` the callback commitment made with the contact (outcome ``callback_promised``)."""

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
    topic: str | None = None
    transfer_attempts: list[TransferOut] = msgspec.field(default_factory=list)
    commitment_id: int | None = None
    articles: list[GivenArticleOut] = msgspec.field(default_factory=list)
    """The knowledge articles the caller was answered with (``contact_articles``)."""

    @classmethod
    def of(
        cls,
        contact: Contact,
        service_code: str,
        external_refs: list[str] | None = None,
        *,
        topic: str | None = None,
        transfer_attempts: Sequence[Any] = (),
        commitment_id: int | None = None,
        articles: Sequence[Any] = (),
    ) -> ContactOut:
        return copied(
            cls,
            contact,
            service=service_code,
            external_refs=list(external_refs or []),
            topic=topic,
            transfer_attempts=[TransferOut(t.service, t.department, t.connected) for t in transfer_attempts],
            commitment_id=commitment_id,
            articles=[GivenArticleOut(a.id, a.version, a.question) for a in articles],
        )
