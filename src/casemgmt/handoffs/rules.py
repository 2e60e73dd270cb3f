"""Handoff (overdracht) rules: a valid request, the status life cycle, and per-dossier derived figures.

Pure functions; no database, no HTTP.

- A request names the receiving service, a reason (at most `MAX_REASON_LENGTH` characters), and a context note of at
  least `MIN_CONTEXT_LENGTH` and at most `MAX_CONTEXT_LENGTH` characters (what the receiver must know so the client
  need not repeat the story). Handing off to the service that currently holds the question is refused. All problems
  are reported at once as `InvalidInput` (HTTP 422).
- Status `requested` → `accepted` | `declined` (reason required, at most `MAX_REASON_LENGTH`) | `cancelled`. Only a
  requested handoff can be decided; anything else raises `ClosedHandoff` (a `Conflict`, HTTP 409). Nothing changes on
  an error.
- Ping-pong: a handoff to a service that itself handed this dossier off within the previous 30 days (A → B → A).

Which handoffs count. Count, services visited and ping-pong consider only handoffs that are `requested` or
`accepted`: a declined or cancelled handoff never moved the dossier, so it neither makes the client "visit" a
service nor can it be (or set up) a ping-pong. A pending request counts from the moment it is made — that is when
the client is being sent on — and drops out if it is later declined or cancelled.

Services are referred to by whatever the caller uses consistently (a service code such as ``"SZW"`` or a service
id); they are compared with ``==``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from casemgmt.directory.calendar import require_aware
from casemgmt.errors import FieldError, InvalidInput, NoLongerChangeable, too_long

MIN_CONTEXT_LENGTH = 30
MAX_CONTEXT_LENGTH = 4000
"""As long as a contact's summary: the story, not a document."""
MAX_REASON_LENGTH = 500
LIMITS = {"reason": MAX_REASON_LENGTH, "context": MAX_CONTEXT_LENGTH}
"""The text limits by field, for the forms' ``maxlength``."""
PING_PONG_WINDOW = timedelta(days=30)

ServiceRef = str | int


class HandoffStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


STATUS_LABELS: Mapping[str, str] = {
    HandoffStatus.REQUESTED: "Aangevraagd",
    HandoffStatus.ACCEPTED: "Geaccepteerd",
    HandoffStatus.DECLINED: "Geweigerd",
    HandoffStatus.CANCELLED: "Ingetrokken",
}

# Handoffs that moved (or are moving) the dossier; see the module docstring.
COUNTED_STATUSES = frozenset({HandoffStatus.REQUESTED, HandoffStatus.ACCEPTED})


class ClosedHandoff(NoLongerChangeable):
    """A decision on a handoff that is no longer requested (mapped to 409). Nothing has been changed."""

    status_labels = STATUS_LABELS
    template = "Deze overdracht is al afgehandeld ({label})."


# -- the request ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoffRequest:
    """A validated request: the receiving service and the cleaned reason and context."""

    to_service: ServiceRef
    reason: str
    context: str


def validate_request(
    *, to_service: ServiceRef | None, holding_service: ServiceRef | None, reason: str, context: str
) -> HandoffRequest:
    """Check a new handoff; `holding_service` is the service that currently holds the question (if any).

    Raises one `InvalidInput` listing every problem: ``to_service`` missing or equal to `holding_service`,
    ``reason`` empty or over ``MAX_REASON_LENGTH``, ``context`` shorter than 30 or longer than ``MAX_CONTEXT_LENGTH``
    characters (after trimming).
    """
    errors: list[FieldError] = []
    if to_service is None or (isinstance(to_service, str) and not to_service.strip()):
        errors.append(FieldError("to_service", "Kies de dienst die de vraag overneemt."))
    elif holding_service is not None and to_service == holding_service:
        errors.append(FieldError("to_service", "Deze dienst heeft de vraag al"))
    clean_reason = reason.strip()
    if not clean_reason:
        errors.append(FieldError("reason", "Geef de reden van de overdracht."))
    errors += too_long("reason", "De reden", clean_reason, MAX_REASON_LENGTH)
    clean_context = context.strip()
    errors += too_long("context", "De toelichting", clean_context, MAX_CONTEXT_LENGTH)
    if len(clean_context) < MIN_CONTEXT_LENGTH:
        errors.append(
            FieldError(
                "context",
                f"Beschrijf in minstens {MIN_CONTEXT_LENGTH} tekens wat de ontvanger moet weten, "
                "zodat de klant zijn verhaal niet opnieuw hoeft te vertellen.",
            )
        )
    if errors or to_service is None:
        raise InvalidInput(errors)
    return HandoffRequest(to_service=to_service, reason=clean_reason, context=clean_context)


# -- the life cycle ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoffState:
    status: HandoffStatus
    decided_at: datetime | None = None
    decision_reason: str = ""

    @classmethod
    def requested(cls) -> HandoffState:
        return cls(status=HandoffStatus.REQUESTED)


@dataclass(frozen=True)
class Accept:
    """The receiver takes it on (the service then makes them the service's assignee on the dossier)."""


@dataclass(frozen=True)
class Decline:
    """The receiver refuses, with a reason; the handoff returns to the sender's worklist."""

    reason: str = ""


@dataclass(frozen=True)
class Cancel:
    """The sender withdraws the request."""


HandoffAction = Accept | Decline | Cancel


def apply(state: HandoffState, action: HandoffAction, now: datetime) -> HandoffState:
    """The state after `action` at `now`, or an error with `state` untouched.

    Not requested → `ClosedHandoff`; decline without a reason → `InvalidInput` on field ``reason``;
    naive `now` → ValueError.
    """
    require_aware(now, "now")
    if state.status != HandoffStatus.REQUESTED:
        raise ClosedHandoff(state.status)
    decided_at = now.astimezone(UTC)
    match action:
        case Accept():
            return replace(state, status=HandoffStatus.ACCEPTED, decided_at=decided_at)
        case Decline(reason=reason):
            text = reason.strip()
            if not text:
                raise InvalidInput.single("reason", "Geef de reden waarom u de overdracht weigert.")
            if problems := too_long("reason", "De reden", text, MAX_REASON_LENGTH):
                raise InvalidInput(problems)
            return replace(state, status=HandoffStatus.DECLINED, decided_at=decided_at, decision_reason=text)
        case Cancel():
            return replace(state, status=HandoffStatus.CANCELLED, decided_at=decided_at)
    raise TypeError(f"unknown handoff action {action!r}")  # pragma: no cover - exhaustive match above


# -- per-dossier figures -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandoffEvent:
    """One handoff of a dossier as the figures need it: from which service to which, when requested, its status."""

    from_service: ServiceRef
    to_service: ServiceRef
    at: datetime
    status: str


def counts(event: HandoffEvent) -> bool:
    """Whether the handoff moved (or is moving) the dossier: requested or accepted."""
    return event.status in COUNTED_STATUSES


def _counted_in_order(events: Iterable[HandoffEvent]) -> list[HandoffEvent]:
    return sorted((event for event in events if counts(event)), key=lambda event: event.at)


def handoff_count(events: Iterable[HandoffEvent]) -> int:
    """Number of handoffs of a dossier that count (requested or accepted)."""
    return sum(1 for event in events if counts(event))


def is_ping_pong(
    history: Sequence[HandoffEvent],
    new_to_service: ServiceRef,
    at: datetime,
    window: timedelta = PING_PONG_WINDOW,
) -> bool:
    """Whether a handoff to `new_to_service` at `at` is a ping-pong: that service handed this dossier off within
    the `window` (30 days) before `at`, bounds included (exactly 30 days earlier still counts, a second more not).

    `history` is the dossier's earlier handoffs; events after `at` and declined/cancelled ones are ignored.
    """
    return any(
        counts(event) and event.from_service == new_to_service and at - window <= event.at <= at for event in history
    )


def ping_pong_events(events: Iterable[HandoffEvent], window: timedelta = PING_PONG_WINDOW) -> list[HandoffEvent]:
    """The handoffs of a dossier that were a ping-pong when they were made (counted handoffs only), in time order.

    Each handoff is judged against all other counted handoffs made at or before its moment, so the answer does not
    depend on the order in which simultaneous handoffs happen to be listed.
    """
    ordered = _counted_in_order(events)
    return [
        event
        for index, event in enumerate(ordered)
        if is_ping_pong([*ordered[:index], *ordered[index + 1 :]], event.to_service, event.at, window)
    ]


def dossier_has_ping_pong(events: Iterable[HandoffEvent], window: timedelta = PING_PONG_WINDOW) -> bool:
    """Whether any handoff of the dossier was a ping-pong at the time it was made."""
    return bool(ping_pong_events(events, window))


def services_visited(events: Iterable[HandoffEvent]) -> list[ServiceRef]:
    """The services the dossier went through, in time order: the first sender, then each receiver.

    Counted handoffs only; consecutive duplicates are collapsed (SZW → DSO → SZW gives [SZW, DSO, SZW]).
    """
    visited: list[ServiceRef] = []
    for event in _counted_in_order(events):
        for service in (event.from_service, event.to_service):
            if not visited or visited[-1] != service:
                visited.append(service)
    return visited
