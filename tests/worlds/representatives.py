"""Representatives for test worlds: ``represents(...)`` builds the link of a (new or given) person to a client, in
the keyword shape a representative row had before representatives became persons of their own."""

from __future__ import annotations

from datetime import date

from casemgmt.clients.models import ClientRepresentative, Representative
from casemgmt.clients.rules import normalise_name, phone_digits


def person(name: str, organisation: str = "", phone: str = "", email: str = "") -> Representative:
    return Representative(
        name=name,
        name_normalised=normalise_name(name),
        organisation=organisation,
        phone=phone,
        phone_digits=phone_digits(phone),
        email=email,
    )


def represents(
    *,
    client_id: int,
    relation: str,
    valid_from: date,
    valid_until: date | None = None,
    name: str = "",
    organisation: str = "",
    phone: str = "",
    email: str = "",
    who: Representative | None = None,
) -> ClientRepresentative:
    """The link (add it to the session: the person comes along); ``who`` an existing person, else one from the
    fields."""
    link = ClientRepresentative(client_id=client_id, relation=relation, valid_from=valid_from, valid_until=valid_until)
    link.representative = who if who is not None else person(name, organisation, phone, email)
    return link
