"""Request models (API bodies and page forms) and the JSON shapes of clients, representatives and the routing view.

Request models only check types; the domain rules (``clients/rules.py``) check content, so every wrong field gets a
Dutch message and a 422.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import msgspec
from pydantic import BaseModel

from casemgmt.clients.access import MAX_REASON, MIN_REASON, ClientAccess, last_digits
from casemgmt.clients.models import Client, ClientRepresentative
from casemgmt.clients.rules import MAX_ADDRESS, MAX_EMAIL, MAX_NAME, MAX_NUMBER_AS_TYPED, MAX_PHONE
from casemgmt.web.limits import limited, required_text
from casemgmt.web.parameters import Day, OptionalRecordId
from casemgmt.web.structs import copied

if TYPE_CHECKING:  # the service builds these and imports this module
    from casemgmt.clients.services import ActingFor, RepresentativeSearch, RepresentedBy


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
    """``POST /api/v1/clients/{id}/representatives``: ``representative_id`` links an existing representative, else
    ``name`` and ``organisation`` (with ``phone``, ``email``) create one; ``valid_from`` defaults to today."""

    representative_id: OptionalRecordId = None
    name: str | None = limited(MAX_NAME, None)
    organisation: str | None = limited(MAX_NAME, None)
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
    """The "Vertegenwoordiger toevoegen" form as posted (``representative_id``: an existing person chosen)."""

    representative_id: str = ""
    existing: str = ""
    """"1": the "Bestaande vertegenwoordiger zoeken" form (a person must be chosen)."""
    q: str = ""
    """What was typed in its search box (shown again; not stored)."""
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
    def of(cls, client: Client, access: ClientAccess = ClientAccess.FULL) -> ClientOut:
        identifier = last_digits(client.bsn if client.kind == "person" else client.kvk)
        if access is ClientAccess.FULL:
            return copied(cls, client, access="full", last_digits=identifier, created_at=client.created_at.isoformat())
        hidden = dict.fromkeys(("bsn", "kvk", "phone", "email", "address"))
        return copied(
            cls, client, access="limited", last_digits=identifier, created_at=client.created_at.isoformat(), **hidden
        )


class ExistingClientOut(ClientOut):
    """The client that already has this BSN/KvK (200): nothing was created."""

    existing: bool = True


class RepresentativeOut(msgspec.Struct):
    """Someone who acts for the client (``valid_until`` ``null``: open-ended). ``id`` is the link (this person for
    this client; the id the representative had before they became persons of their own), ``representative_id`` the
    person, the same at every client they act for."""

    id: int
    name: str
    organisation: str
    phone: str
    email: str
    relation: str
    valid_from: str
    valid_until: str | None
    representative_id: int

    @classmethod
    def of(cls, representative: ClientRepresentative) -> RepresentativeOut:
        return copied(
            cls,
            representative,
            valid_from=representative.valid_from.isoformat(),
            valid_until=representative.valid_until.isoformat() if representative.valid_until else None,
        )


class RepresentedClientOut(msgspec.Struct):
    """A client a representative acts for. With the limited view (``access``: ``limited``) only ``name`` and
    ``pseudonym`` are shown; ``relation``, ``valid_from``, ``valid_until`` and ``current`` (whether the link holds
    today) are then ``null``."""

    client_id: int
    name: str
    pseudonym: str
    access: Literal["full", "limited"]
    relation: str | None
    valid_from: str | None
    valid_until: str | None
    current: bool | None
    link_id: int

    @classmethod
    def of(cls, acting: ActingFor) -> RepresentedClientOut:
        link, full = acting.link, acting.client.full
        return cls(
            client_id=acting.client.id,
            name=acting.client.name,
            pseudonym=acting.client.pseudonym,
            access="full" if full else "limited",
            relation=link.relation if full else None,
            valid_from=link.valid_from.isoformat() if full else None,
            valid_until=link.valid_until.isoformat() if full and link.valid_until else None,
            current=acting.current if full else None,
            link_id=link.id,
        )


class RepresentativePersonOut(msgspec.Struct):
    """A representative as a person, with the clients they act for (a search: today only; one person: all, the
    current ones first)."""

    id: int
    name: str
    organisation: str
    phone: str
    email: str
    clients: list[RepresentedClientOut]

    @classmethod
    def of(cls, found: RepresentedBy) -> RepresentativePersonOut:
        return copied(cls, found.person, clients=[RepresentedClientOut.of(a) for a in found.clients])


class RepresentativeSearchOut(msgspec.Struct):
    """``GET /api/v1/representatives?q=``: ``kind`` is ``name``, ``phone`` or ``""`` (too short: not searched)."""

    kind: str
    items: list[RepresentativePersonOut]

    @classmethod
    def of(cls, result: RepresentativeSearch) -> RepresentativeSearchOut:
        return cls(result.query.kind, [RepresentativePersonOut.of(hit) for hit in result.hits])
