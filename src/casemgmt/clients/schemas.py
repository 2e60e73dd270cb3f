"""Request models (API bodies and page forms) and the JSON shapes of clients, representatives and the routing view.

Request models only check types; the domain rules (``clients/rules.py``) check content, so every wrong field gets a
Dutch message and a 422.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel

from casemgmt.clients.models import Client, Representative


class ClientCreate(BaseModel):
    """``POST /api/v1/clients``: a person by BSN or an organisation by KvK number."""

    kind: Literal["person", "organisation"]
    name: str = ""
    bsn: str | None = None
    kvk: str | None = None
    phone: str = ""
    email: str = ""
    address: str = ""


class RepresentativeCreate(BaseModel):
    """``POST /api/v1/clients/{id}/representatives``; ``valid_from`` defaults to today."""

    name: str = ""
    organisation: str = ""
    relation: str = ""
    phone: str = ""
    email: str = ""
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


def client_json(client: Client) -> dict[str, Any]:
    return {
        "id": client.id,
        "kind": client.kind,
        "name": client.name,
        "pseudonym": client.pseudonym,
        "bsn": client.bsn,
        "kvk": client.kvk,
        "phone": client.phone,
        "email": client.email,
        "address": client.address,
        "created_at": client.created_at.isoformat(),
    }


def representative_json(representative: Representative) -> dict[str, Any]:
    return {
        "id": representative.id,
        "name": representative.name,
        "organisation": representative.organisation,
        "phone": representative.phone,
        "email": representative.email,
        "relation": representative.relation,
        "valid_from": representative.valid_from.isoformat(),
        "valid_until": representative.valid_until.isoformat() if representative.valid_until else None,
    }
