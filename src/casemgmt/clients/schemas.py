"""Request models (API bodies and page forms) and the JSON shapes of clients, representatives and the routing view.

Request models only check types; the domain rules (``clients/rules.py``) check content, so every wrong field gets a
Dutch message and a 422.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel

from casemgmt.clients.models import Client, Representative
from casemgmt.clients.services import RoutingView


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


def routing_json(view: RoutingView) -> dict[str, Any]:
    return {
        "client": client_json(view.client),
        "dossiers": [
            {
                "id": dossier.id,
                "ref": dossier.ref,
                "subject": dossier.subject,
                "status": dossier.status,
                "casemanager": {
                    "id": dossier.casemanager.id,
                    "name": dossier.casemanager.name,
                    "phone": dossier.casemanager.phone,
                },
                "accountmanagers": [
                    {
                        "service": line.service,
                        "service_name": line.service_name,
                        "service_phone": line.service_phone,
                        "service_hours": line.service_hours,
                        "id": line.person.id,
                        "name": line.person.name,
                        "phone": line.person.phone,
                    }
                    for line in dossier.accountmanagers
                ],
            }
            for dossier in view.dossiers
        ],
        "representatives": [representative_json(r) for r in view.representatives],
        "commitments": [
            {
                "id": a.id,
                "kind": a.kind,
                "description": a.description,
                "due_at": a.due_at,
                "owner": {"id": a.owner.id, "name": a.owner.name, "phone": a.owner.phone},
                "service": a.service,
                "dossier_ref": a.dossier_ref,
            }
            for a in view.agreements
        ],
    }
