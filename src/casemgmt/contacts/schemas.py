"""The JSON bodies of the contact API. Types only: ``rules.py`` gives the Dutch 422 messages."""

from __future__ import annotations

from datetime import datetime

import msgspec
from pydantic import BaseModel

from casemgmt.contacts.models import Contact
from casemgmt.contacts.rules import SUBJECT_MAX, SUMMARY_MAX
from casemgmt.web.limits import limited
from casemgmt.web.parameters import OptionalRecordId
from casemgmt.web.structs import copied


class ContactIn(BaseModel):
    client_id: OptionalRecordId = None
    dossier_id: OptionalRecordId = None
    channel: str | None = None
    direction: str | None = None
    service: str | None = None
    outcome: str | None = None
    transfers: int | None = None
    summary: str | None = limited(SUMMARY_MAX, None)
    occurred_at: datetime | None = None
    subject: str | None = limited(SUBJECT_MAX, None)


class ContactLink(BaseModel):
    dossier_id: OptionalRecordId = None


class ContactOut(msgspec.Struct):
    """A logged contact (klantcontact); ``service`` is the code of the service that had it."""

    id: int
    client_id: int
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

    @classmethod
    def of(cls, contact: Contact, service_code: str) -> ContactOut:
        return copied(cls, contact, service=service_code)
