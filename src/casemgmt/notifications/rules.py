"""The rules of notifications (meldingen), pure: the kinds of event with their Dutch labels, the deliveries a person
may choose per kind and the default of each, the text of a notification, its unique key, where it links to, and
when a team promise is late enough to reach the service's coordinators.

A notification never carries a citizen's personal data: its text names the kind of item, the dossier reference and
the due moment, nothing else (no client name, no BSN, no question or summary text); the details are behind login.

Deliveries: ``app`` shows it in the app (the bell and Meldingen); ``email`` also sends it by e-mail at once;
``digest`` also lists it in the daily overview; ``off`` writes nothing. Every delivery but ``off`` shows the
notification in the app. The overdue kinds (``ALWAYS_ON``) cannot be switched off: a promise or an escalation past
its term is always shown at least in the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from casemgmt.directory.calendar import AMSTERDAM, local_date
from casemgmt.errors import FieldError, InvalidInput


class Kind(StrEnum):
    COMMITMENT_ASSIGNED = "commitment_assigned"
    ESCALATION_ASSIGNED = "escalation_assigned"
    HANDOFF_REQUESTED = "handoff_requested"
    HANDOFF_ACCEPTED = "handoff_accepted"
    HANDOFF_DECLINED = "handoff_declined"
    ESCALATION_ANSWERED = "escalation_answered"
    DOSSIER_CONTACT = "dossier_contact"
    COMMITMENT_DUE_TODAY = "commitment_due_today"
    COMMITMENT_OVERDUE = "commitment_overdue"
    ESCALATION_OVERDUE = "escalation_overdue"
    ARTICLE_FLAGGED = "article_flagged"


class Delivery(StrEnum):
    APP = "app"
    EMAIL = "email"
    DIGEST = "digest"
    OFF = "off"


KIND_LABELS: dict[Kind, str] = {
    Kind.COMMITMENT_ASSIGNED: "Toezegging aan u of uw dienst toegewezen",
    Kind.ESCALATION_ASSIGNED: "Escalatie voor u of uw dienst",
    Kind.HANDOFF_REQUESTED: "Overdracht aan u gevraagd",
    Kind.HANDOFF_ACCEPTED: "Uw overdracht is geaccepteerd",
    Kind.HANDOFF_DECLINED: "Uw overdracht is geweigerd",
    Kind.ESCALATION_ANSWERED: "Uw escalatie is beantwoord",
    Kind.DOSSIER_CONTACT: "Nieuw contact op uw dossier",
    Kind.COMMITMENT_DUE_TODAY: "Toezegging vandaag te doen",
    Kind.COMMITMENT_OVERDUE: "Toezegging over de termijn",
    Kind.ESCALATION_OVERDUE: "Escalatie over de norm",
    Kind.ARTICLE_FLAGGED: "Melding op uw kennisartikel",
}

DELIVERY_LABELS: dict[Delivery, str] = {
    Delivery.APP: "In de app",
    Delivery.EMAIL: "Direct per e-mail",
    Delivery.DIGEST: "In het dagelijkse overzicht",
    Delivery.OFF: "Uit",
}

DEFAULT_DELIVERY: dict[Kind, Delivery] = {
    Kind.COMMITMENT_ASSIGNED: Delivery.APP,
    Kind.ESCALATION_ASSIGNED: Delivery.EMAIL,  # accountmanagers do not watch casemgmt all day (issue 14)
    Kind.HANDOFF_REQUESTED: Delivery.EMAIL,
    Kind.HANDOFF_ACCEPTED: Delivery.APP,
    Kind.HANDOFF_DECLINED: Delivery.APP,
    Kind.ESCALATION_ANSWERED: Delivery.EMAIL,  # the KCC agent calls the citizen back with the answer
    Kind.DOSSIER_CONTACT: Delivery.APP,
    Kind.COMMITMENT_DUE_TODAY: Delivery.DIGEST,
    Kind.COMMITMENT_OVERDUE: Delivery.DIGEST,
    Kind.ESCALATION_OVERDUE: Delivery.EMAIL,
    Kind.ARTICLE_FLAGGED: Delivery.APP,  # the owner sees it on the Werkvoorraad too (issue 16)
}

ALWAYS_ON = frozenset({Kind.COMMITMENT_OVERDUE, Kind.ESCALATION_OVERDUE})
"""Kinds that cannot be switched off: overdue is always shown, at least in the app."""

TIME_BASED = frozenset({Kind.COMMITMENT_DUE_TODAY, Kind.COMMITMENT_OVERDUE, Kind.ESCALATION_OVERDUE})
"""Kinds written by the sweep (``reminders/sweep.py``), once per person, object and day (the unique key)."""

NOT_ON_A_DOSSIER = frozenset({Kind.ARTICLE_FLAGGED})
"""Kinds about something that belongs to no dossier (a knowledge article): their text names no dossier."""

COORDINATOR_LATENESS = 3
"""A team promise reaches the service's coordinators when it has waited three times its term (Signalen's "3× late"):
the time since it was made is at least three times the term from making to the first due moment. Once past due the
team itself is told every day; the coordinators only when the team has clearly not picked it up."""

MAX_TEXT = 500

UNKNOWN_KIND = "Onbekende soort melding"
UNKNOWN_DELIVERY = "Kies uit: " + ", ".join(d.value for d in Delivery)
NOT_OFF = "Meldingen over verlopen termijnen kunnen niet uit; kies in de app, per e-mail of het dagelijkse overzicht"


def delivery_of(kind: Kind, chosen: Mapping[str, str]) -> Delivery:
    """The delivery of ``kind`` for a person whose own choices are ``chosen`` (kind → delivery); the default where
    they chose nothing. An ``off`` stored for an always-on kind counts as its default."""
    value = chosen.get(kind.value)
    if value is None or value not in Delivery.__members__.values():
        return DEFAULT_DELIVERY[kind]
    delivery = Delivery(value)
    if delivery is Delivery.OFF and kind in ALWAYS_ON:
        return DEFAULT_DELIVERY[kind]
    return delivery


def is_written(kind: Kind, chosen: Mapping[str, str]) -> bool:
    """Whether a notification of ``kind`` is written at all for a person with these choices."""
    return delivery_of(kind, chosen) is not Delivery.OFF


def all_settings(chosen: Mapping[str, str]) -> dict[str, str]:
    """Every kind with the delivery that holds for it (own choice or default), in the order of ``Kind``."""
    return {kind.value: delivery_of(kind, chosen).value for kind in Kind}


def validate_settings(entered: Mapping[str, object], *, prefix: str = "settings") -> dict[Kind, Delivery]:
    """The settings as entered (kind → delivery), checked: an unknown kind, an unknown delivery or ``off`` for an
    always-on kind is a field error named ``<prefix>.<kind>``; all errors together, nothing accepted then."""
    errors: list[FieldError] = []
    valid: dict[Kind, Delivery] = {}
    for key, value in entered.items():
        field = f"{prefix}.{key}"
        try:
            kind = Kind(key)
        except ValueError:
            errors.append(FieldError(field, UNKNOWN_KIND))
            continue
        if not isinstance(value, str) or value not in Delivery.__members__.values():
            errors.append(FieldError(field, UNKNOWN_DELIVERY))
            continue
        delivery = Delivery(value)
        if delivery is Delivery.OFF and kind in ALWAYS_ON:
            errors.append(FieldError(field, NOT_OFF))
            continue
        valid[kind] = delivery
    if errors:
        raise InvalidInput(errors)
    return valid


# -- the text ------------------------------------------------------------------------------------------------------

ITEM_LABELS = {
    "commitment": "toezegging",
    "escalation": "escalatie",
    "handoff": "overdracht",
    "contact": "klantcontact",
    "dossier": "dossier",
    "article": "kennisartikel",
}


def _moment(due_at: datetime) -> str:
    return due_at.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")


def text_of(
    kind: Kind, *, dossier_ref: str | None = None, due_at: datetime | None = None, team: str | None = None
) -> str:
    """The Dutch text of a notification: what happened, the dossier reference and the due moment, nothing of the
    client. ``team``: the service code when the item is the service's rather than the person's own."""
    on = f" (dossier {dossier_ref})" if dossier_ref else ""
    due = f", uiterlijk {_moment(due_at)}" if due_at else ""
    yours = f"uw dienst {team}" if team else "u"
    ref = f" {dossier_ref}" if dossier_ref else ""
    texts = {
        Kind.COMMITMENT_ASSIGNED: f"Een toezegging{on} is toegewezen aan {yours}{due}.",
        Kind.ESCALATION_ASSIGNED: f"Een escalatie{on} wacht op antwoord van {yours}{due}.",
        Kind.HANDOFF_REQUESTED: f"Een overdracht{on} is aan {yours} gevraagd.",
        Kind.HANDOFF_ACCEPTED: f"Uw overdracht{on} is geaccepteerd.",
        Kind.HANDOFF_DECLINED: f"Uw overdracht{on} is geweigerd; zie de reden op het dossier.",
        Kind.ESCALATION_ANSWERED: f"Uw escalatie{on} is beantwoord.",
        Kind.DOSSIER_CONTACT: f"Er is een nieuw klantcontact vastgelegd op uw dossier{ref}.",
        Kind.COMMITMENT_DUE_TODAY: f"Een toezegging van {yours}{on} moet vandaag worden nagekomen{due}.",
        Kind.COMMITMENT_OVERDUE: f"Een toezegging van {yours}{on} is over de termijn{due}.",
        Kind.ESCALATION_OVERDUE: f"Een escalatie aan {yours}{on} is over de norm{due}.",
        Kind.ARTICLE_FLAGGED: f"Een kennisartikel van {yours} is gemeld door een medewerker; bekijk de melding.",
    }
    return texts[kind][:MAX_TEXT]


def key_of(kind: Kind, object_type: str, object_id: int, user_id: int, day: date) -> str:
    """The unique key of a time-based notification: one per person, kind, object and (Amsterdam) day."""
    return f"{kind.value}:{object_type}:{object_id}:{user_id}:{day.isoformat()}"


def day_of(moment: datetime) -> date:
    return local_date(moment)


def link_of(object_type: str, object_id: int, dossier_id: int | None) -> str:
    """Where a notification leads: the escalation's page; a flagged article's page; a promise, handoff or contact
    on its dossier's page; a promise without a dossier in the Werkvoorraad."""
    if object_type == "escalation":
        return f"/escalaties/{object_id}"
    if object_type == "dossier":
        return f"/dossiers/{object_id}"
    if object_type == "article":
        return f"/kennisbank/{object_id}"
    if dossier_id is not None:
        return f"/dossiers/{dossier_id}"
    return "/werkvoorraad"


def reaches_coordinators(made_at: datetime, first_due_at: datetime, now: datetime) -> bool:
    """A team promise past due reaches the coordinators once it has waited ``COORDINATOR_LATENESS`` times its term
    (a term of at least an hour, so a promise made due at once is not three times late at once)."""
    term = max(first_due_at - made_at, timedelta(hours=1))
    return now >= first_due_at and now - made_at >= COORDINATOR_LATENESS * term


@dataclass(frozen=True)
class Unread:
    """The bell: the unread count and its text ("Meldingen (3)")."""

    count: int

    @property
    def label(self) -> str:
        return f"Meldingen ({self.count})" if self.count else "Meldingen"
