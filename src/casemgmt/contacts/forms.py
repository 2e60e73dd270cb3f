"""The contact form as typed in a browser, turned into what ``ContactService.log`` expects.

Shared by the standalone "Contact vastleggen" page and the inline form on the dossier page. Values are kept as
typed so a form with errors comes back filled in.

The "Doorverbonden naar" block has ``TRANSFER_ROWS`` rows (``transfer_service_N``, ``transfer_department_N``,
``transfer_connected_N`` = "ja"/"nee"); a row with a service is an attempt, and the attempts make the count. A form
without any attempt row filled keeps the plain count (``transfers``). The promise fields (``commitment_*``) count
only with outcome "Terugbelafspraak gemaakt".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from casemgmt.auth.identity import CurrentUser
from casemgmt.contacts.rules import CALLBACK_OUTCOME, PromiseInput, TransferAttempt
from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.errors import FieldError

TRANSFER_ROWS = 3
"""Rows of the "Doorverbonden naar" block (more attempts than that in one call are rare; the API takes up to 20)."""


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
    topic: str = ""
    commitment_description: str = ""
    commitment_owner_id: str = ""
    commitment_due_at: str = ""
    transfer_service_1: str = ""
    transfer_department_1: str = ""
    transfer_connected_1: str = ""
    transfer_service_2: str = ""
    transfer_department_2: str = ""
    transfer_connected_2: str = ""
    transfer_service_3: str = ""
    transfer_department_3: str = ""
    transfer_connected_3: str = ""
    articles: list[str] = []
    """The knowledge articles attached (ids, one checkbox each, from the kennisbank search box)."""
    article_label: list[str] = []
    """``id|question`` of each article offered, so a form that comes back with errors shows them again."""

    @field_validator("articles", "article_label", mode="before")
    @classmethod
    def _repeated(cls, value: Any) -> Any:
        """A form sends a repeated field once as a string, more often as a list."""
        return [value] if isinstance(value, str) else value

    def chosen_articles(self) -> list[tuple[str, str]]:
        """(id, question) of each attached article, as the form came back."""
        labels = dict(part.partition("|")[::2] for part in self.article_label)
        return [(ident, labels.get(ident, f"Kennisartikel {ident}")) for ident in dict.fromkeys(self.articles)]

    def transfer_row(self, number: int) -> tuple[str, str, str]:
        """(service, department, connected) of row ``number`` (1-based), as typed."""
        return (
            str(getattr(self, f"transfer_service_{number}", "")),
            str(getattr(self, f"transfer_department_{number}", "")),
            str(getattr(self, f"transfer_connected_{number}", "")),
        )


def blank_contact_form(actor: CurrentUser, client_id: int | None = None, dossier_id: int | None = None) -> ContactForm:
    """A fresh form: by phone, inbound, for the employee's own (first) service, nobody transferred yet."""
    return ContactForm(
        client_id=str(client_id or ""),
        dossier_id=str(dossier_id or ""),
        channel="phone",
        direction="in",
        service=actor.service_codes[0] if actor.service_codes else "",
        transfers="0",
        commitment_owner_id=str(actor.id),
    )


@dataclass(frozen=True)
class ParsedContact:
    values: dict[str, Any]
    errors: list[FieldError]


TEAM_PREFIX = "team:"
"""The value of a team in the form's "Wie belt terug?" select (``team:SZW``): the service's team owns the callback."""


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
    attempts: list[TransferAttempt] = []
    for number in range(1, TRANSFER_ROWS + 1):
        service, department, connected = (part.strip() for part in form.transfer_row(number))
        if not service and not department:
            continue
        attempts.append(TransferAttempt(service or None, department or None, {"ja": True, "nee": False}.get(connected)))
    promise = None
    if form.outcome.strip() == CALLBACK_OUTCOME:
        owner = form.commitment_owner_id.strip()
        team = owner.removeprefix(TEAM_PREFIX) if owner.startswith(TEAM_PREFIX) else None
        owner_id = None if team else _int(owner, "commitment.owner_id", "Kies een medewerker", errors)
        due_at: datetime | None = None
        if form.commitment_due_at.strip():
            try:
                due_at = datetime.fromisoformat(form.commitment_due_at.strip()).replace(tzinfo=AMSTERDAM)
            except ValueError:
                errors.append(FieldError("commitment.due_at", "Ongeldig moment; vul datum en tijd in"))
        promise = PromiseInput(form.commitment_description, owner_id, due_at, owner_service=team)
    articles: list[int] = []
    for ident in form.articles:
        article = _int(ident, "articles", "Ongeldig kennisartikel", errors)
        if article is not None:
            articles.append(article)
    values = {
        "articles": articles or None,
        "client_id": client_id,
        "dossier_id": dossier_id,
        "channel": form.channel.strip() or None,
        "direction": form.direction.strip() or None,
        "service": form.service.strip() or None,
        "outcome": form.outcome.strip() or None,
        "transfers": transfers,
        "transfer_attempts": attempts or None,
        "topic": form.topic.strip() or None,
        "commitment": promise,
        "summary": form.summary,
        "subject": form.subject,
        "occurred_at": occurred_at,
        "external_refs": [ref for ref in re.split(r"[,\n]", form.external_refs) if ref.strip()],
        "anonymous": form.anonymous.strip() == "1",
        "representative_id": representative_id,
    }
    return ParsedContact(values, errors)
