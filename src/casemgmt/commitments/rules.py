"""Commitment (toezegging) rules: kinds, the status life cycle, due moments, overdue and kept-on-time.

Pure functions over an immutable `CommitmentState`; no database, no HTTP. The service loads a commitment, calls
`apply()` and copies the returned state onto the row, so the rules below are the only place that decides:

- a commitment starts `open` and leaves it exactly once: to `fulfilled` (with the fulfilling contact or a note),
  `missed` (with a note: it can no longer be kept) or `cancelled` (with a reason). There is no way back and no
  delete: every commitment ever made stays on record;
- any action on a commitment that is no longer open raises `ClosedCommitment` (a `Conflict`, HTTP 409);
- a missing note or reason raises `InvalidInput` with a Dutch message (HTTP 422); in both cases nothing changes;
- `kept_on_time` is True exactly when fulfilled at or before the due moment first promised (`first_due_at`; a
  rescheduled promise is still late against it), False when fulfilled late or missed, and None while open or when
  cancelled;
- overdue (open and past due) is derived at read time by `is_overdue()`, never stored;
- a callback without an explicit due moment is due `callback_term_days` business days after it was made (the
  service's norm, 2 by default); other kinds need an explicit due moment; a due moment in the past is refused;
- the owner is a person or a team (a service), exactly one of the two (`validate_owner`); a team promise is picked
  up by an employee of that team (`validate_pick_up`), once;
- a change of owner and a new due moment (`validate_reschedule`, in the future) need a reason (the service keeps
  the history);
- who may act on a promise (fulfil, miss, cancel, reschedule, reassign) is `may_act`: its owner, its maker, the
  dossier's current assignees, admins and, for a team promise, the team's members; a KCC agent only as the maker
  of the promise (the callbacks they made), never on someone else's;
- texts have a maximum length (after trimming): the words told to the client `MAX_DESCRIPTION`, a fulfilment or
  missed note `MAX_NOTE`, a reason to cancel or to change the owner `MAX_REASON`; longer is `InvalidInput`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum

from casemgmt.directory.calendar import add_business_days, local_date, require_aware
from casemgmt.errors import Conflict, FieldError, Forbidden, InvalidInput, NoLongerChangeable, too_long

DEFAULT_CALLBACK_TERM_DAYS = 2
MAX_DESCRIPTION = 2000
"""The words told to the client: a promise, not a report."""
MAX_NOTE = 2000
MAX_REASON = 500
LIMITS = {"description": MAX_DESCRIPTION, "note": MAX_NOTE, "reason": MAX_REASON}
"""The text limits by field, for the forms' ``maxlength``."""


class CommitmentKind(StrEnum):
    CALLBACK = "callback"
    INFORMATION = "information"
    ACTION = "action"
    APPOINTMENT = "appointment"


class CommitmentStatus(StrEnum):
    OPEN = "open"
    FULFILLED = "fulfilled"
    MISSED = "missed"
    CANCELLED = "cancelled"


KIND_LABELS: Mapping[str, str] = {
    CommitmentKind.CALLBACK: "Terugbelafspraak",
    CommitmentKind.INFORMATION: "Informatie toesturen",
    CommitmentKind.ACTION: "Actie",
    CommitmentKind.APPOINTMENT: "Afspraak",
}

STATUS_LABELS: Mapping[str, str] = {
    CommitmentStatus.OPEN: "Open",
    CommitmentStatus.FULFILLED: "Nagekomen",
    CommitmentStatus.MISSED: "Niet nagekomen",
    CommitmentStatus.CANCELLED: "Ingetrokken",
}

# The only legal transitions: out of `open`, once. Closed statuses have no way out.
ALLOWED_TRANSITIONS: Mapping[CommitmentStatus, frozenset[CommitmentStatus]] = {
    CommitmentStatus.OPEN: frozenset({CommitmentStatus.FULFILLED, CommitmentStatus.MISSED, CommitmentStatus.CANCELLED}),
    CommitmentStatus.FULFILLED: frozenset(),
    CommitmentStatus.MISSED: frozenset(),
    CommitmentStatus.CANCELLED: frozenset(),
}


class ClosedCommitment(NoLongerChangeable):
    """An action on a commitment that is no longer open (mapped to 409). Nothing has been changed."""

    status_labels = STATUS_LABELS
    template = "Deze toezegging is al afgesloten ({label}) en kan niet meer worden gewijzigd."


def can_transition(from_status: str, to_status: str) -> bool:
    """Whether a commitment may go from `from_status` to `to_status`."""
    try:
        return CommitmentStatus(to_status) in ALLOWED_TRANSITIONS[CommitmentStatus(from_status)]
    except ValueError:
        return False


# -- state and actions ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentState:
    """The life-cycle part of a commitment. `note` is the fulfilment note, the missed note or the cancel reason."""

    status: CommitmentStatus
    due_at: datetime
    closed_at: datetime | None = None
    kept_on_time: bool | None = None
    note: str = ""
    fulfilling_contact_id: int | None = None
    first_due_at: datetime | None = None
    """The due moment first promised (None: never rescheduled, ``due_at`` is it)."""

    @property
    def promised_by(self) -> datetime:
        """The moment against which keeping is judged: the first due moment."""
        return self.first_due_at or self.due_at

    @classmethod
    def opened(cls, due_at: datetime) -> CommitmentState:
        return cls(status=CommitmentStatus.OPEN, due_at=due_at)


@dataclass(frozen=True)
class Fulfil:
    """Kept: with the contact in which it was kept, or a note (at least one of the two)."""

    contact_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Miss:
    """It can no longer be kept; the note says why."""

    note: str = ""


@dataclass(frozen=True)
class Cancel:
    """Withdrawn, e.g. the client no longer needs it; the reason is required."""

    reason: str = ""


Action = Fulfil | Miss | Cancel
# A transition request is one of the actions above; kept as an alias for readers looking for the word.
Transition = Action


def apply(state: CommitmentState, action: Action, now: datetime) -> CommitmentState:
    """The state after `action` at `now`, or an error with `state` untouched.

    Raises `ClosedCommitment` when the commitment is not open, `InvalidInput` when a required note or reason is
    missing (field ``note`` for fulfil and miss, ``reason`` for cancel), ValueError for a naive `now`.
    """
    require_aware(now, "now")
    if state.status != CommitmentStatus.OPEN:
        raise ClosedCommitment(state.status)
    closed_at = now.astimezone(UTC)
    match action:
        case Fulfil(contact_id=contact_id, note=note):
            text = _limited("note", "De toelichting", note, MAX_NOTE)
            if contact_id is None and not text:
                raise InvalidInput.single(
                    "note", "Kies het klantcontact waarin de toezegging is nagekomen, of geef een toelichting."
                )
            return replace(
                state,
                status=CommitmentStatus.FULFILLED,
                closed_at=closed_at,
                kept_on_time=now <= state.promised_by,
                note=text,
                fulfilling_contact_id=contact_id,
            )
        case Miss(note=note):
            text = _limited("note", "De toelichting", note, MAX_NOTE)
            if not text:
                raise InvalidInput.single("note", "Geef aan waarom de toezegging niet meer kan worden nagekomen.")
            return replace(state, status=CommitmentStatus.MISSED, closed_at=closed_at, kept_on_time=False, note=text)
        case Cancel(reason=reason):
            text = _limited("reason", "De reden", reason, MAX_REASON)
            if not text:
                raise InvalidInput.single("reason", "Geef de reden waarom de toezegging wordt ingetrokken.")
            return replace(state, status=CommitmentStatus.CANCELLED, closed_at=closed_at, kept_on_time=None, note=text)
    raise TypeError(f"unknown commitment action {action!r}")  # pragma: no cover - exhaustive match above


def _limited(field: str, label: str, text: str, limit: int) -> str:
    """``text`` trimmed; `InvalidInput` on ``field`` when it is longer than ``limit``."""
    clean = text.strip()
    if problems := too_long(field, label, clean, limit):
        raise InvalidInput(problems)
    return clean


# -- derived at read time ------------------------------------------------------------------------------------------


def is_overdue(status: str, due_at: datetime, now: datetime) -> bool:
    """Open and past its due moment. Derived at read time, never stored."""
    return status == CommitmentStatus.OPEN and now > due_at


def is_due_today(status: str, due_at: datetime, now: datetime) -> bool:
    """Open, not yet overdue, and due on today's date in Europe/Amsterdam (the worklist marks these)."""
    return status == CommitmentStatus.OPEN and now <= due_at and local_date(due_at) == local_date(now)


def state_of(status: str, due_at: datetime, now: datetime) -> str:
    """The state used for filtering and display: ``overdue`` for an open commitment past due, else the status."""
    return "overdue" if is_overdue(status, due_at, now) else str(status)


# -- input rules ---------------------------------------------------------------------------------------------------


def validate_kind(kind: str) -> CommitmentKind:
    """The kind, or InvalidInput on field ``kind``."""
    try:
        return CommitmentKind(kind)
    except ValueError:
        raise InvalidInput.single("kind", "Kies een soort toezegging.") from None


def default_due(kind: str, made_at: datetime, callback_term_days: int = DEFAULT_CALLBACK_TERM_DAYS) -> datetime | None:
    """The service's default due moment: for a callback `callback_term_days` business days after `made_at`
    (17:00 Amsterdam, in UTC); None for other kinds, which need an explicit due moment."""
    if kind == CommitmentKind.CALLBACK:
        return add_business_days(made_at, callback_term_days)
    return None


def validate_due(due_at: datetime, now: datetime) -> datetime:
    """An explicit due moment, in UTC. In the past → InvalidInput on field ``due_at``. Naive → ValueError
    (the caller decides which time zone a form's local time means)."""
    require_aware(due_at, "due_at")
    require_aware(now, "now")
    if due_at < now:
        raise InvalidInput.single("due_at", "Het afgesproken moment ligt in het verleden")
    return due_at.astimezone(UTC)


def resolve_due(
    kind: str,
    due_at: datetime | None,
    made_at: datetime,
    callback_term_days: int = DEFAULT_CALLBACK_TERM_DAYS,
) -> datetime:
    """The due moment of a new commitment: the explicit one (validated against `made_at`) or the default.

    A kind other than callback without an explicit due moment → InvalidInput on field ``due_at``.
    """
    if due_at is not None:
        return validate_due(due_at, made_at)
    default = default_due(kind, made_at, callback_term_days)
    if default is None:
        raise InvalidInput.single("due_at", "Geef aan wanneer de toezegging wordt nagekomen.")
    return default


def validate_reassignment(
    status: str,
    current_owner_id: int | None,
    new_owner_id: int | None,
    reason: str,
    *,
    current_service_id: int | None = None,
    new_service_id: int | None = None,
) -> str:
    """Check an owner change (to a person, ``new_owner_id``, or a team, ``new_service_id``) and return the cleaned
    reason.

    Not open → ClosedCommitment; the same owner → InvalidInput on ``owner_id`` (``owner_service`` for a team); no
    reason → InvalidInput on ``reason``.
    """
    if status != CommitmentStatus.OPEN:
        raise ClosedCommitment(status)
    if new_owner_id is not None and new_owner_id == current_owner_id:
        raise InvalidInput.single("owner_id", "Deze medewerker is al eigenaar van de toezegging.")
    if new_service_id is not None and new_service_id == current_service_id:
        raise InvalidInput.single("owner_service", "Dit team is al eigenaar van de toezegging.")
    text = _limited("reason", "De reden", reason, MAX_REASON)
    if not text:
        raise InvalidInput.single("reason", "Geef de reden waarom de toezegging een andere eigenaar krijgt.")
    return text


# -- owners: a person or a team ------------------------------------------------------------------------------------


def validate_owner(owner_id: int | None, owner_service: str | None) -> None:
    """Exactly one owner: a person (``owner_id``) or a team (``owner_service``, a service code).

    Both → InvalidInput on ``owner_service``; neither → InvalidInput on ``owner_id``."""
    service = (owner_service or "").strip()
    if owner_id is not None and service:
        raise InvalidInput.single("owner_service", "Kies een medewerker of een team als eigenaar, niet allebei.")
    if owner_id is None and not service:
        raise InvalidInput.single("owner_id", "Kies een medewerker of een team als eigenaar.")


@dataclass(frozen=True)
class Actor:
    """Who wants to act on a promise, as far as the rule needs to know."""

    user_id: int
    is_admin: bool = False
    service_ids: frozenset[int] = frozenset()
    is_dossier_assignee: bool = False
    """A current casemanager or accountmanager of the promise's dossier."""


@dataclass(frozen=True)
class Owners:
    """Whose the promise is: its owner (a person or a team) and who made it."""

    made_by_id: int
    owner_id: int | None = None
    owner_service_id: int | None = None


def may_act(actor: Actor, promise: Owners) -> bool:
    """Whether ``actor`` may fulfil, miss, cancel, reschedule or reassign the promise: the owner, the maker, the
    dossier's current assignees, admins and, for a team promise, the members of the owning service. The KCC role
    gives no right of its own: a KCC agent acts on the callbacks they made (as maker), not on others'."""
    if actor.is_admin or actor.is_dossier_assignee:
        return True
    if actor.user_id in (promise.owner_id, promise.made_by_id):
        return True
    return promise.owner_service_id is not None and promise.owner_service_id in actor.service_ids


class AlreadyPickedUp(Conflict):
    """A team promise that someone already picked up (409). Nothing has been changed."""


def validate_pick_up(
    status: str, owner_id: int | None, team_id: int | None, actor_id: int, actor_service_ids: frozenset[int]
) -> int:
    """Check a pick-up and return the team's id. ``team_id`` is the owning service, or the service it was picked up
    from. Not of that team (or no team promise at all) → Forbidden; no longer open → ClosedCommitment; already
    someone's → AlreadyPickedUp."""
    if team_id is None or team_id not in actor_service_ids:
        raise Forbidden("U hoort niet bij het team van deze toezegging en kunt haar niet oppakken.")
    if status != CommitmentStatus.OPEN:
        raise ClosedCommitment(status)
    if owner_id is not None:
        who = "u" if owner_id == actor_id else "een collega"
        raise AlreadyPickedUp(f"Deze toezegging is al opgepakt door {who}.")
    return team_id


def validate_reschedule(status: str, due_at: datetime, new_due_at: datetime, reason: str, now: datetime) -> str:
    """Check a new due moment (verzetten) and return the cleaned reason.

    Not open → ClosedCommitment; the new moment not in the future or equal to the current one → InvalidInput on
    ``due_at``; no reason → InvalidInput on ``reason`` (both fields reported together). Naive moments → ValueError."""
    require_aware(new_due_at, "due_at")
    require_aware(now, "now")
    if status != CommitmentStatus.OPEN:
        raise ClosedCommitment(status)
    errors: list[FieldError] = []
    if new_due_at <= now:
        errors.append(FieldError("due_at", "Het nieuwe moment moet in de toekomst liggen."))
    elif new_due_at == due_at:
        errors.append(FieldError("due_at", "Dit is al het afgesproken moment; kies een ander moment."))
    text = reason.strip()
    errors += too_long("reason", "De reden", text, MAX_REASON)
    if not text:
        errors.append(FieldError("reason", "Geef de reden waarom de toezegging wordt verzet."))
    if errors:
        raise InvalidInput(errors)
    return text
