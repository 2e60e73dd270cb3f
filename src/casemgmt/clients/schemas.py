"""Request models (API bodies and page forms) and the JSON shapes of clients, representatives and the routing view.

Request models only check types; the domain rules (``clients/rules.py``) check content, so every wrong field gets a
Dutch message and a 422.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Self

import msgspec
from pydantic import BaseModel, Field

from casemgmt.clients.access import MAX_REASON, MIN_REASON, ClientAccess, last_digits
from casemgmt.clients.models import Client, ClientChange, ClientRepresentative
from casemgmt.clients.rules import (
    MAX_ADDITION,
    MAX_CITY,
    MAX_EMAIL,
    MAX_HOUSE_NUMBER,
    MAX_NAME,
    MAX_NUMBER_AS_TYPED,
    MAX_PHONE,
    MAX_POSTCODE_AS_TYPED,
    MAX_PREFERRED_TIME,
    MAX_STREET,
    Address,
)
from casemgmt.web.limits import limited, not_blank, required_text
from casemgmt.web.parameters import Day, OptionalRecordId
from casemgmt.web.structs import copied

if TYPE_CHECKING:  # the service builds these and imports this module
    from casemgmt.clients.services import ActingFor, RepresentativeSearch, RepresentedBy

PreferredChannel = Literal["phone", "email", "letter", "desk"]
HOUSE_NUMBER_BOUNDS: dict[str, Any] = {"minimum": 1, "maximum": MAX_HOUSE_NUMBER}


class AddressIn(BaseModel):
    """An address in parts; each part optional. ``postcode`` as typed (``2511 AB`` or ``2511ab``), checked by the
    rule: four digits not starting with 0 and two letters, not SA, SD or SS."""

    street: str | None = limited(MAX_STREET, None)
    house_number: int | None = Field(None, json_schema_extra=HOUSE_NUMBER_BOUNDS)
    addition: str | None = limited(MAX_ADDITION, None)
    postcode: str | None = limited(MAX_POSTCODE_AS_TYPED, None)
    city: str | None = limited(MAX_CITY, None)


class ClientCreate(BaseModel):
    """``POST /api/v1/clients``: a person by BSN, an organisation by KvK number, or a caller not identified yet
    (``unidentified``: a name and a phone number or e-mail address, no BSN/KvK)."""

    kind: Literal["person", "organisation", "unidentified"]
    name: str = required_text(MAX_NAME)
    bsn: str | None = limited(MAX_NUMBER_AS_TYPED, None)
    kvk: str | None = limited(MAX_NUMBER_AS_TYPED, None)
    phone: str = limited(MAX_PHONE, "")
    email: str = limited(MAX_EMAIL, "")
    address: AddressIn | None = None
    birth_date: Day | None = None
    preferred_channel: PreferredChannel | None = None
    preferred_time: str = limited(MAX_PREFERRED_TIME, "")

    def as_entered(self) -> dict[str, Any]:
        """The rule's arguments (``rules.check_client``)."""
        values = self.model_dump()
        values["address"] = (self.address or AddressIn()).model_dump()
        return values


class ClientPatch(BaseModel):
    """``PATCH /api/v1/clients/{id}``: the version read and the details to correct; only the fields sent change
    (``null`` or ``""`` empties an optional one; in ``address`` a part not sent keeps its value)."""

    version: int = Field(json_schema_extra={"minimum": 1})
    name: str | None = Field(None, json_schema_extra={"max_length": MAX_NAME, "pattern": not_blank()})
    phone: str | None = limited(MAX_PHONE, None)
    email: str | None = limited(MAX_EMAIL, None)
    address: AddressIn | None = None
    birth_date: Day | None = None
    preferred_channel: PreferredChannel | None = None
    preferred_time: str | None = limited(MAX_PREFERRED_TIME, None)

    def sent(self) -> dict[str, Any]:
        """The details sent, for ``rules.check_patch`` (``address`` as its parts sent)."""
        values = self.model_dump(exclude_unset=True, exclude={"version"})
        if "address" in values and self.address is not None:
            values["address"] = self.address.model_dump(exclude_unset=True)
        return values


class IdentifyRequest(BaseModel):
    """``POST /api/v1/clients/{id}/identify``: the BSN of an unidentified client; ``merge`` confirms merging it into
    the client that already has this BSN."""

    bsn: str = limited(MAX_NUMBER_AS_TYPED)
    merge: bool = False


class IdentifyForm(BaseModel):
    """The "Identificeren met BSN" form and its confirmation step as posted (``merge`` "1" once confirmed)."""

    bsn: str = ""
    merge: str = ""


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


class AddressForm(BaseModel):
    """The address fields of a page form as posted (all text, validated by the rules)."""

    street: str = ""
    house_number: str = ""
    addition: str = ""
    postcode: str = ""
    city: str = ""

    def address(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in AddressForm.model_fields}


class ClientForm(AddressForm):
    """The "Nieuwe klant" form as posted (all text, validated by the rules)."""

    kind: str = "person"
    name: str = ""
    bsn: str = ""
    kvk: str = ""
    phone: str = ""
    email: str = ""
    birth_date: str = ""
    preferred_channel: str = ""

    def as_entered(self) -> dict[str, Any]:
        """The rule's arguments (``rules.check_client``); address errors name the form's fields."""
        values = self.model_dump(exclude=set(AddressForm.model_fields))
        return {**values, "address": self.address(), "address_prefix": ""}


class ClientDetailsForm(AddressForm):
    """The "Gegevens wijzigen" form on the klantbeeld as posted: every field, the version as a hidden field."""

    version: str = ""
    name: str = ""
    phone: str = ""
    email: str = ""
    birth_date: str = ""
    preferred_channel: str = ""
    preferred_time: str = ""

    def sent(self) -> dict[str, Any]:
        """Every detail (a form sends them all), for ``rules.check_patch``."""
        values = self.model_dump(exclude={"version", *AddressForm.model_fields})
        return {**values, "address": self.address()}


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


class AddressOut(msgspec.Struct):
    """An address in parts (``postcode`` normalised, ``2511AB``; ``house_number`` ``null`` when unknown)."""

    street: str
    house_number: int | None
    addition: str
    postcode: str
    city: str

    @classmethod
    def of(cls, client: Client) -> AddressOut:
        return cls(client.street, client.house_number, client.house_number_addition, client.postcode, client.city)


def client_address(client: Client) -> Address:
    """The client's address columns as the rules' ``Address``."""
    return client.address_parts


class ClientOut(msgspec.Struct):
    """A client as the API shows it (``created_at`` as ISO 8601 with its offset; ``phone`` in E.164, or as typed
    when a stored number could not be read).

    Need to know (docs/PRIVACY.md): with ``access`` ``"limited"`` (an employee on none of the client's dossiers who has
    stated no reason today) ``bsn``, ``kvk``, ``phone``, ``email``, ``address``, ``birth_date``,
    ``preferred_channel`` and ``preferred_time`` are ``null``; ``last_digits`` always holds the last three digits of
    the BSN or KvK number, to tell namesakes apart. ``version`` is what ``PATCH`` must send back.

    ``kind`` ``unidentified``: no BSN/KvK yet. ``merged_into_id``: this unidentified client was merged into that
    client, which holds its records now."""

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
    address: AddressOut | None
    birth_date: str | None
    preferred_channel: PreferredChannel | None
    preferred_time: str | None
    version: int
    created_at: str
    merged_into_id: int | None

    @classmethod
    def of(cls, client: Client, access: ClientAccess = ClientAccess.FULL) -> Self:
        identifier = last_digits(client.bsn if client.kind == "person" else client.kvk)
        created_at = client.created_at.isoformat()
        if access is ClientAccess.FULL:
            birth_date = client.birth_date.isoformat() if client.birth_date else None
            return copied(
                cls,
                client,
                access="full",
                last_digits=identifier,
                address=AddressOut.of(client),
                birth_date=birth_date,
                created_at=created_at,
            )
        hidden = dict.fromkeys(("bsn", "kvk", "phone", "email", "address", "birth_date", "preferred_channel"))
        return copied(
            cls,
            client,
            access="limited",
            last_digits=identifier,
            created_at=created_at,
            preferred_time=None,
            **hidden,
        )


class ClientHitOut(ClientOut):
    """A client found by a search, with why it matched: ``BSN``, ``KvK``, ``dossier D-…``, ``kenmerk …`` (a
    reference of another system on one of its dossiers or contacts) or ``naam``; best-ranked first."""

    match_reason: str = ""


class ExistingClientOut(ClientOut):
    """The client that already has this BSN/KvK (200): nothing was created."""

    existing: bool = True


class ClientChangeOut(msgspec.Struct):
    """One correction of the client's details: the version it made, who and when, the changed fields, and their
    values before and after (only the changed fields; ``address`` as its parts, ``birth_date`` as ``jjjj-mm-dd``)."""

    version: int
    changed_at: datetime
    changed_by_id: int | None
    changed_by: str | None
    changed: list[str]
    before: dict[str, Any]
    after: dict[str, Any]

    @classmethod
    def of(cls, change: ClientChange, changed_by: str | None) -> ClientChangeOut:
        return copied(cls, change, changed_by=changed_by, changed=list(change.after))


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
