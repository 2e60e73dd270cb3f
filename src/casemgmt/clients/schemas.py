"""Request models (API bodies and page forms) and the JSON shapes of clients, representatives and the routing view.

Request models only check types; the domain rules (``clients/rules.py``) check content, so every wrong field gets a
Dutch message and a 422.
"""

from __future__ import annotations

from typing import Literal, Self

import msgspec
from pydantic import BaseModel

from casemgmt.clients.access import MAX_REASON, MIN_REASON, ClientAccess, last_digits
from casemgmt.clients.models import Client, Representative
from casemgmt.clients.rules import MAX_ADDRESS, MAX_EMAIL, MAX_NAME, MAX_NUMBER_AS_TYPED, MAX_PHONE
from casemgmt.web.limits import limited, required_text
from casemgmt.web.parameters import Day
from casemgmt.web.structs import copied


class ClientCreate(BaseModel):
    """``POST /api/v1/clients``: a person by BSN or an organisation by KvK number."""

    kind: Literal["person", "organisation"]
    name: str = required_text(MAX_NAME)
    bsn: str | None = limited(MAX_NUMBER_AS_TYPED, None)
    kvk: str | None = limited(MAX_NUMBER_AS_TYPED, None)
    phone: str = limited(MAX_PHONE, "")
    email: str = limited(MAX_EMAIL, "")
    address: str = limited(MAX_ADDRESS, "")


class RepresentativeCreate(BaseModel):
    """``POST /api/v1/clients/{id}/representatives``; ``valid_from`` defaults to today."""

    name: str = required_text(MAX_NAME)
    organisation: str = required_text(MAX_NAME)
    relation: str = required_text(MAX_NAME)
    phone: str = limited(MAX_PHONE, "")
    email: str = limited(MAX_EMAIL, "")
    valid_from: Day | None = None
    valid_until: Day | None = None


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


class DisclosureRequest(BaseModel):
    """``POST /api/v1/clients/{id}/inzage``: why the full record is needed (doelbinding; 10–500 characters)."""

    reden: str = required_text(MAX_REASON, MIN_REASON)  # the rule (clients/access.py) checks it trimmed: 422 in Dutch


class DisclosureForm(BaseModel):
    """The "Gegevens inzien" form as posted."""

    reden: str = ""


class ClientOut(msgspec.Struct):
    """A client as the API shows it (``created_at`` as ISO 8601 with its offset).

    Need to know (docs/PRIVACY.md): with ``access`` ``"limited"`` (an employee on none of the client's dossiers who has
    stated no reason today) ``bsn``, ``kvk``, ``phone``, ``email`` and ``address`` are ``null``; ``last_digits``
    always holds the last three digits of the BSN or KvK number, to tell namesakes apart."""

    id: int
    kind: str
    name: str
    pseudonym: str
    access: Literal["full", "limited"]
    last_digits: str | None
    bsn: str | None
    kvk: str | None
    phone: str | None
    email: str | None
    address: str | None
    created_at: str

    @classmethod
    def of(cls, client: Client, access: ClientAccess = ClientAccess.FULL) -> Self:
        identifier = last_digits(client.bsn if client.kind == "person" else client.kvk)
        if access is ClientAccess.FULL:
            return copied(cls, client, access="full", last_digits=identifier, created_at=client.created_at.isoformat())
        hidden = dict.fromkeys(("bsn", "kvk", "phone", "email", "address"))
        return copied(
            cls, client, access="limited", last_digits=identifier, created_at=client.created_at.isoformat(), **hidden
        )


class ClientHitOut(ClientOut):
    """A client found by a search, with why it matched: ``BSN``, ``KvK``, ``dossier D-…``, ``kenmerk …`` (a
    reference of another system on one of its dossiers or contacts) or ``naam``; best-ranked first."""

    match_reason: str = ""


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
