"""The contact form as typed in a browser, turned into what ``ContactService.log`` expects.

Shared by the standalone "Contact vastleggen" page and the inline form on the dossier page. Values are kept as
typed so a form with errors comes back filled in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from casemgmt.auth.identity import CurrentUser
from casemgmt.errors import FieldError


class ContactForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    client_id: str = ""
    dossier_id: str = ""
    channel: str = ""
    direction: str = ""
    service: str = ""
    outcome: str = ""
    transfers: str = ""
    occurred_at: str = ""
    subject: str = ""
    summary: str = ""
    external_refs: str = ""
    """References of other systems, separated by commas or new lines."""
    anonymous: str = ""
    """"1" for an anonymous caller ("Anonieme beller"): no client."""
    representative_id: str = ""
    """"Contact met/door vertegenwoordiger": one of the client's current representatives, or empty."""


def blank_contact_form(actor: CurrentUser, client_id: int | None = None, dossier_id: int | None = None) -> ContactForm:
    """A fresh form: by phone, inbound, for the employee's own (first) service, nobody transferred yet."""
    return ContactForm(
        client_id=str(client_id or ""),
        dossier_id=str(dossier_id or ""),
        channel="phone",
        direction="in",
        service=actor.service_codes[0] if actor.service_codes else "",
        transfers="0",
    )


@dataclass(frozen=True)
class ParsedContact:
    values: dict[str, Any]
    errors: list[FieldError]


def _int(text: str, field: str, message: str, errors: list[FieldError]) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        errors.append(FieldError(field, message))
        return None


def parse_contact_form(form: ContactForm) -> ParsedContact:
    """Typed values for the service, and errors for what could not be read at all."""
    errors: list[FieldError] = []
    transfers = _int(form.transfers, "transfers", "Vul een heel getal in, bijvoorbeeld 0", errors)
    client_id = _int(form.client_id, "client_id", "Ongeldige klant", errors)
    dossier_id = _int(form.dossier_id, "dossier_id", "Ongeldig dossier", errors)
    representative_id = _int(form.representative_id, "representative_id", "Ongeldige vertegenwoordiger", errors)
    occurred_at: datetime | None = None
    if form.occurred_at.strip():
        try:
            occurred_at = datetime.fromisoformat(form.occurred_at.strip())
        except ValueError:
            errors.append(FieldError("occurred_at", "Ongeldig moment; vul datum en tijd in"))
    values = {
        "client_id": client_id,
        "dossier_id": dossier_id,
        "channel": form.channel.strip() or None,
        "direction": form.direction.strip() or None,
        "service": form.service.strip() or None,
        "outcome": form.outcome.strip() or None,
        "transfers": transfers,
        "summary": form.summary,
        "subject": form.subject,
        "occurred_at": occurred_at,
        "external_refs": [ref for ref in re.split(r"[,\n]", form.external_refs) if ref.strip()],
        "anonymous": form.anonymous.strip() == "1",
        "representative_id": representative_id,
    }
    return ParsedContact(values, errors)
