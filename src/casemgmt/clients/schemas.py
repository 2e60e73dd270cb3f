"""Request models (API bodies and page forms) and the JSON shapes of clients, representatives and the routing view.

Request models only check types; the domain rules (``clients/rules.py``) check content, so every wrong field gets a
Dutch message and a 422.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import msgspec
from pydantic import BaseModel

from casemgmt.clients.models import Client, Representative
from casemgmt.clients.rules import MAX_ADDRESS, MAX_EMAIL, MAX_NAME, MAX_NUMBER_AS_TYPED, MAX_PHONE
from casemgmt.web.limits import limited
from casemgmt.web.structs import copied


class ClientCreate(BaseModel):
    """``POST /api/v1/clients``: a person by BSN or an organisation by KvK number."""

    kind: Literal["person", "organisation"]
    name: str = limited(MAX_NAME, "")
    bsn: str | None = limited(MAX_NUMBER_AS_TYPED, None)
    kvk: str | None = limited(MAX_NUMBER_AS_TYPED, None)
    phone: str = limited(MAX_PHONE, "")
    email: str = limited(MAX_EMAIL, "")
    address: str = limited(MAX_ADDRESS, "")


class RepresentativeCreate(BaseModel):
    """``POST /api/v1/clients/{id}/representatives``; ``valid_from`` defaults to today."""

    name: str = limited(MAX_NAME, "")
    organisation: str = limited(MAX_NAME, "")
    relation: str = limited(MAX_NAME, "")
    phone: str = limited(MAX_PHONE, "")
    email: str = limited(MAX_EMAIL, "")
    valid_from: date | None = None
    valid_until: date | None = None


class ClientForm(BaseModel):
    """The "Nieuwe klant" form as posted (all text, validated by the rules)."""

    kind: str = "person"
    name: str = ""
    bsn: str = ""
    kvk: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


class RepresentativeForm(BaseModel):
    """The "Vertegenwoordiger toevoegen" form as posted."""

    name: str = ""
    organisation: str = ""
    relation: str = ""
    phone: str = ""
    email: str = ""
    valid_from: str = ""
    valid_until: str = ""


class ClientOut(msgspec.Struct):
    """A client as the API shows it (``created_at`` as ISO 8601 with its offset)."""

    id: int
    kind: str
    name: str
    pseudonym: str
    bsn: str | None
    kvk: str | None
    phone: str
    email: str
    address: str
    created_at: str

    @classmethod
    def of(cls, client: Client) -> ClientOut:
        return copied(cls, client, created_at=client.created_at.isoformat())


class ExistingClientOut(ClientOut):
    """The client that already has this BSN/KvK (200): nothing was created."""

    existing: bool = True


class RepresentativeOut(msgspec.Struct):
    """Someone who acts for the client (``valid_until`` ``null``: open-ended)."""

    id: int
    name: str
    organisation: str
    phone: str
    email: str
    relation: str
    valid_from: str
    valid_until: str | None

    @classmethod
    def of(cls, representative: Representative) -> RepresentativeOut:
        return copied(
            cls,
            representative,
            valid_from=representative.valid_from.isoformat(),
            valid_until=representative.valid_until.isoformat() if representative.valid_until else None,
        )
