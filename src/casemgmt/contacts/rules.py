"""The rules for a klantcontact, as plain functions: allowed channels, directions and outcomes, limits, moments.

Since issue 13: an inbound contact names its topic (onderwerp); outcome ``callback_promised`` carries the promise
made (what, to whom, by when), which becomes a commitment in the same transaction and belongs to no other outcome;
each transfer attempt is recorded (service, department, connected or failed), outcome ``transfer_failed`` included.

Also the short "Waarom vragen we dit?" explanations the contact form shows next to each question (seed
scenario 10: callers and agents should know why each question is asked).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.errors import FieldError
from casemgmt.references.rules import EXTERNAL_REF_MAX as EXTERNAL_REF_MAX  # shared with dossiers (references/)
from casemgmt.references.rules import EXTERNAL_REFS_MAX as EXTERNAL_REFS_MAX
from casemgmt.references.rules import clean_external_refs as clean_external_refs

CHANNEL_LABELS: dict[str, str] = {
    "phone": "Telefoon",
    "desk": "Balie",
    "email": "E-mail",
    "web": "Website",
    "letter": "Brief",
    "chat": "Chat",
    "sms": "Sms",
    "social": "Social media",
}
DIRECTION_LABELS: dict[str, str] = {"in": "Inkomend (klant nam contact op)", "out": "Uitgaand (wij namen contact op)"}
OUTCOME_LABELS: dict[str, str] = {
    "resolved": "Vraag beantwoord",
    "transferred": "Doorverbonden",
    "transfer_failed": "Doorverbinden mislukt",
    "callback_promised": "Terugbelafspraak gemaakt",
    "client_to_call_back": "Klant belt zelf terug",
    "appointment_made": "Afspraak gemaakt",
}
CHANNELS = tuple(CHANNEL_LABELS)
DIRECTIONS = tuple(DIRECTION_LABELS)
OUTCOMES = tuple(OUTCOME_LABELS)

SUMMARY_MAX = 4000
SUBJECT_MAX = 200
TRANSFERS_MAX = 20
PROMISE_MAX = 2000
"""The promise's words: the same limit as a commitment's description (``commitments.rules.MAX_DESCRIPTION``)."""
CALLBACK_OUTCOME = "callback_promised"
TRANSFER_FAILED_OUTCOME = "transfer_failed"
LIMITS = {
    "summary": SUMMARY_MAX,
    "subject": SUBJECT_MAX,
    "external_ref": EXTERNAL_REF_MAX,
    "promise": PROMISE_MAX,
}
"""The text limits by field, for the forms' ``maxlength``."""

WHY_WE_ASK: dict[str, str] = {
    "channel": "Zo weten we langs welke weg klanten ons bereiken en kunnen collega's op dezelfde manier reageren.",
    "direction": "Zo zien we of de klant ons moest zoeken of dat wij de klant zelf hebben benaderd.",
    "service": "Zo weet iedereen welke dienst het gesprek voerde en bij wie de klant terecht kan.",
    "occurred_at": "Zo staat het gesprek op de juiste plek in de tijdlijn van de klant.",
    "outcome": "Zo zien collega's meteen of de klant geholpen is of dat er nog iets openstaat.",
    "transfers": "Zo zien we of bellers van het kastje naar de muur gaan.",
    "topic": "Zo zien we per onderwerp waarover klanten bellen en waar het beter kan.",
    "subject": "Een korte omschrijving maakt de tijdlijn snel te overzien.",
    "promise": "Zo weet de collega die terugbelt precies wat de klant is beloofd, in de woorden van het gesprek.",
    "promise_owner": "Zo heeft elke belofte één eigenaar die hem nakomt; standaard bent u dat zelf.",
    "promise_due": "Zo weet de klant wanneer hij gebeld wordt. Leeg laten: de terugbeltermijn van de dienst.",
    "summary": "Zo hoeft de klant zijn verhaal niet opnieuw te vertellen aan de volgende medewerker.",
    "external_refs": "Met het kenmerk uit een brief of ander systeem vindt een collega dit gesprek later terug.",
    "representative_id": "Zo ziet een collega dat een vertegenwoordiger namens de klant belde of meesprak.",
    "dossier": "Zo komt het gesprek bij de casemanager en de accountmanagers van het dossier terecht.",
    "articles": "Zo weet een collega welk antwoord de klant kreeg, en ziet de eigenaar welke artikelen helpen.",
}


@dataclass(frozen=True)
class ContactInput:
    """What an employee tells about one conversation, before it is checked."""

    channel: str | None
    direction: str | None
    outcome: str | None
    transfers: int | None
    summary: str | None
    subject: str | None = None
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class TransferAttempt:
    """One attempt to transfer the caller: to a service (code) and optionally one of its departments (name)."""

    service: str | None
    department: str | None = None
    connected: bool | None = None


@dataclass(frozen=True)
class PromiseInput:
    """The promise of a ``callback_promised`` contact: the words told to the client, its owner and due moment (both
    optional: the agent, the service's callback term)."""

    description: str | None
    owner_id: int | None = None
    due_at: datetime | None = None
    owner_service: str | None = None
    """A team (service code) that owns the callback instead of a person."""


def as_utc(moment: datetime) -> datetime:
    """A moment without an offset is read as Dutch local time (what an employee types); stored in UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=AMSTERDAM)
    return moment.astimezone(UTC)


def check_contact(data: ContactInput, now: datetime) -> list[FieldError]:
    """Every problem with ``data`` at moment ``now``, one message per field, in Dutch."""
    errors: list[FieldError] = []
    if not data.channel:
        errors.append(FieldError("channel", "Kies het kanaal van het contact"))
    elif data.channel not in CHANNELS:
        errors.append(FieldError("channel", f"Onbekend kanaal '{data.channel}'; kies uit {', '.join(CHANNELS)}"))
    if not data.direction:
        errors.append(FieldError("direction", "Kies of het contact inkomend of uitgaand was"))
    elif data.direction not in DIRECTIONS:
        errors.append(FieldError("direction", f"Onbekende richting '{data.direction}'; kies 'in' of 'out'"))
    if not data.outcome:
        errors.append(FieldError("outcome", "Kies de uitkomst van het contact"))
    elif data.outcome not in OUTCOMES:
        errors.append(FieldError("outcome", f"Onbekende uitkomst '{data.outcome}'; kies uit {', '.join(OUTCOMES)}"))
    if data.transfers is None:
        errors.append(FieldError("transfers", "Vul in hoe vaak de klant is doorverbonden (0 als dat niet gebeurde)"))
    elif not 0 <= data.transfers <= TRANSFERS_MAX:
        errors.append(FieldError("transfers", f"Het aantal keer doorverbinden ligt tussen 0 en {TRANSFERS_MAX}"))
    summary = (data.summary or "").strip()
    if not summary:
        errors.append(FieldError("summary", "Vul een samenvatting van het gesprek in"))
    elif len(summary) > SUMMARY_MAX:
        errors.append(
            FieldError("summary", f"De samenvatting is te lang ({len(summary)} tekens, maximaal {SUMMARY_MAX})")
        )
    subject = (data.subject or "").strip()
    if len(subject) > SUBJECT_MAX:
        errors.append(
            FieldError("subject", f"Het onderwerp is te lang ({len(subject)} tekens, maximaal {SUBJECT_MAX})")
        )
    if data.occurred_at is not None and as_utc(data.occurred_at) > now:
        errors.append(FieldError("occurred_at", "Het moment ligt in de toekomst"))
    return errors


ANONYMOUS_REPRESENTATIVE = "Een anoniem contact heeft geen vertegenwoordiger"


def check_anonymous(*, dossier_id: int | None, representative_id: int | None = None) -> list[FieldError]:
    """An anonymous contact (no client) cannot carry what only belongs to a client: a dossier, a representative."""
    errors = []
    if dossier_id:
        errors.append(FieldError("dossier_id", "Een anoniem contact hoort bij geen klant en dus bij geen dossier"))
    if representative_id is not None:
        errors.append(FieldError("representative_id", ANONYMOUS_REPRESENTATIVE))
    return errors


def check_topic(direction: str | None, topic: str | None) -> list[FieldError]:
    """An inbound contact names its topic; an outbound one may (whether the code exists is the service's check)."""
    if direction == "in" and not (topic or "").strip():
        return [FieldError("topic", "Kies het onderwerp van het contact")]
    return []


def check_promise(
    outcome: str | None, promise: PromiseInput | None, now: datetime, *, anonymous: bool = False
) -> list[FieldError]:
    """The promise belongs to outcome ``callback_promised`` and to no other; it needs its words, within the limit, and
    a due moment (when given) in the future; an anonymous caller cannot be called back (no client to promise)."""
    if outcome != CALLBACK_OUTCOME:
        if promise is not None:
            message = "Een terugbelafspraak hoort alleen bij de uitkomst 'Terugbelafspraak gemaakt'"
            return [FieldError("commitment", message)]
        return []
    if anonymous:
        return [
            FieldError(
                "commitment",
                "Een anonieme beller kan niet worden teruggebeld: leg de beller vast als klant (naam en "
                "telefoonnummer zijn genoeg)",
            )
        ]
    text = ((promise.description if promise else None) or "").strip()
    errors: list[FieldError] = []
    if not text:
        errors.append(
            FieldError("commitment.description", "Noteer wat de klant is toegezegd, in de woorden van het gesprek")
        )
    elif len(text) > PROMISE_MAX:
        errors.append(
            FieldError(
                "commitment.description",
                f"De toezegging is te lang ({len(text)} tekens, maximaal {PROMISE_MAX})",
            )
        )
    if promise is not None and promise.due_at is not None and as_utc(promise.due_at) <= now:
        errors.append(FieldError("commitment.due_at", "Het moment van terugbellen ligt in het verleden"))
    return errors


def check_transfers(outcome: str | None, attempts: list[TransferAttempt] | None) -> list[FieldError]:
    """The shape of the transfer attempts: each names a service and whether it connected; at most ``TRANSFERS_MAX``;
    outcome ``transfer_failed`` cannot go with attempts that all connected."""
    if attempts is None:
        return []
    errors: list[FieldError] = []
    if len(attempts) > TRANSFERS_MAX:
        return [FieldError("transfers", f"Maximaal {TRANSFERS_MAX} pogingen tot doorverbinden per contact")]
    for number, attempt in enumerate(attempts):
        if not (attempt.service or "").strip():
            errors.append(FieldError(f"transfers[{number}].service", "Kies de dienst waarnaar is doorverbonden"))
        if attempt.connected is None:
            errors.append(
                FieldError(f"transfers[{number}].connected", "Geef aan of het doorverbinden gelukt is (ja of nee)")
            )
    if (
        not errors
        and outcome == TRANSFER_FAILED_OUTCOME
        and attempts
        and all(attempt.connected for attempt in attempts)
    ):
        errors.append(FieldError("transfers", "Bij 'Doorverbinden mislukt' is minstens één poging niet gelukt"))
    return errors
