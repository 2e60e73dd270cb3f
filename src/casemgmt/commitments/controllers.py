"""Commitment API (``/api/v1/commitments``), the inline commitment actions, and Terugbelnotities."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Redirect, Template

from casemgmt.audit.services import Purpose
from casemgmt.auth.guards import requires_employee, requires_role
from casemgmt.auth.roles import Role
from casemgmt.commitments import rules
from casemgmt.commitments.dependencies import Commitments
from casemgmt.commitments.models import Commitment
from casemgmt.commitments.schemas import (
    CommitmentCancel,
    CommitmentCreate,
    CommitmentFulfil,
    CommitmentMiss,
    CommitmentOut,
    CommitmentPageOut,
    CommitmentReassign,
    CommitmentReschedule,
)
from casemgmt.commitments.services import OPEN_STATES, SORTS, STATES, CommitmentService
from casemgmt.directory.calendar import from_amsterdam
from casemgmt.errors import Forbidden, InvalidInput
from casemgmt.web.forms import FormData
from casemgmt.web.pages import page_or_fragment, safe_back
from casemgmt.web.parameters import QueryId, choice
from casemgmt.web.routes import creation, state_change
from casemgmt.web.rows import Row, refusal_message, row_action

TAGS = ["toezeggingen"]


# -- API --------------------------------------------------------------------------------------------------------


async def _out(commitments: CommitmentService, commitment: Commitment) -> CommitmentOut:
    return CommitmentOut.of(commitment, owner_service=await commitments.team_code(commitment))


@creation("/api/v1/commitments", TAGS, "Record a commitment to a client, owned by a person or a team")
async def api_make(data: JSONBody[CommitmentCreate], commitments: Commitments) -> CommitmentOut:
    return await _out(commitments, await commitments.make(data))


@state_change("/api/v1/commitments/{commitment_id:int}/fulfil", TAGS)
async def api_fulfil(
    commitment_id: FromPath[int], data: JSONBody[CommitmentFulfil], commitments: Commitments
) -> CommitmentOut:
    return await _out(commitments, await commitments.fulfil(commitment_id, note=data.note, contact_id=data.contact_id))


@state_change("/api/v1/commitments/{commitment_id:int}/miss", TAGS)
async def api_miss(
    commitment_id: FromPath[int], data: JSONBody[CommitmentMiss], commitments: Commitments
) -> CommitmentOut:
    return await _out(commitments, await commitments.miss(commitment_id, note=data.note))


@state_change("/api/v1/commitments/{commitment_id:int}/cancel", TAGS)
async def api_cancel(
    commitment_id: FromPath[int], data: JSONBody[CommitmentCancel], commitments: Commitments
) -> CommitmentOut:
    return await _out(commitments, await commitments.cancel(commitment_id, reason=data.reason))


@state_change("/api/v1/commitments/{commitment_id:int}/reassign", TAGS)
async def api_reassign(
    commitment_id: FromPath[int], data: JSONBody[CommitmentReassign], commitments: Commitments
) -> CommitmentOut:
    changed = await commitments.reassign(
        commitment_id, owner_id=data.owner_id, owner_service=data.owner_service, reason=data.reason
    )
    return await _out(commitments, changed)


@state_change("/api/v1/commitments/{commitment_id:int}/pick-up", TAGS)
async def api_pick_up(commitment_id: FromPath[int], commitments: Commitments) -> CommitmentOut:
    """An employee of the owning team picks up a team promise and becomes its owner (403 outside the team, 409 when
    someone already picked it up)."""
    return await _out(commitments, await commitments.pick_up(commitment_id))


@state_change("/api/v1/commitments/{commitment_id:int}/reschedule", TAGS)
async def api_reschedule(
    commitment_id: FromPath[int], data: JSONBody[CommitmentReschedule], commitments: Commitments
) -> CommitmentOut:
    """A new due moment in the future, with the reason; kept on time is still judged against the first one."""
    return await _out(commitments, await commitments.reschedule(commitment_id, due_at=data.due_at, reason=data.reason))


MAX_PAGE = 200


@get(
    "/api/v1/commitments",
    tags=TAGS,
    guards=[requires_employee],
    summary="Commitments the token's user may see, keyset-paged; pass `next_cursor` as `cursor` for the next page",
)
async def api_list(
    commitments: Commitments,
    owner_id: QueryId = None,
    owner_service: FromQuery[str | None] = None,
    dossier_id: QueryId = None,
    service: FromQuery[str | None] = None,
    kind: Annotated[str | None, choice(rules.KIND_LABELS)] = None,
    state_filter: Annotated[str | None, choice(dict.fromkeys((*OPEN_STATES, *STATES)), name="state")] = None,
    sort: Annotated[str, QueryParameter(schema_extra={"enum": list(SORTS)})] = "due_at",
    cursor: FromQuery[str | None] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE, schema_extra={"minimum": 1, "maximum": MAX_PAGE})] = 50,
) -> CommitmentPageOut:
    now = datetime.now(UTC)
    page = await commitments.page(
        owner_id=owner_id,
        owner_service=owner_service,
        dossier_id=dossier_id,
        service=service,
        kind=kind,
        state=state_filter,
        sort=sort,
        cursor=cursor,
        limit=limit,
        now=now,
    )
    items = [CommitmentOut.of(v.commitment, now, owner_service=v.owner_service_code) for v in page.items]
    return CommitmentPageOut(items, page.next_cursor)


# -- pages ------------------------------------------------------------------------------------------------------


CALLBACK_STATES = {
    "open": "Alle open",
    "due_today": "Vandaag",
    "overdue": "Te laat",
    "fulfilled": "Nagekomen",
    "missed": "Niet nagekomen",
}
"""The states the KCC filters its callbacks by: the open ones, and the kept and broken ones to see how they ended."""
CALLBACK_SORTS = {"due_at": "Eerst te doen", "-due_at": "Laatst te doen", "made_at": "Eerst gemaakt"}
CALLBACKS_PER_PAGE = 25


@get("/terugbelnotities", name="callbacks", guards=[requires_role(Role.KCC_AGENT, Role.ADMIN)], include_in_schema=False)
async def callbacks_page(
    request: Request[Any, Any, Any],
    commitments: Commitments,
    service: FromQuery[str | None] = None,
    state_filter: Annotated[str | None, QueryParameter(name="state")] = None,
    owner: FromQuery[str | None] = None,
    sort: FromQuery[str | None] = None,
    cursor: FromQuery[str | None] = None,
) -> Template:
    """Every open callback across all services with its owner or team, due moment and state, soonest (so overdue)
    first; filtered by service, state and owner, sorted, paged; the filter is in the URL (KCC direction over
    callbacks, seed 3.2.2)."""
    now = datetime.now(UTC)
    state = state_filter if state_filter in CALLBACK_STATES else "open"
    closed = state not in OPEN_STATES
    order = sort if sort in CALLBACK_SORTS else ("-due_at" if closed else "due_at")
    owner_id = int(owner) if owner and owner.isdigit() and len(owner) < 19 else None
    try:
        page = await commitments.page(
            kind="callback",
            state=state,
            service=service or None,
            owner_id=owner_id,
            sort=order,
            cursor=cursor or None,
            limit=CALLBACKS_PER_PAGE,
            now=now,
            audit_purpose=Purpose.KLANTCONTACT,
        )
    except InvalidInput:  # a stale or edited cursor: start at the first page
        page = await commitments.page(
            kind="callback", state=state, service=service or None, owner_id=owner_id, sort=order,
            limit=CALLBACKS_PER_PAGE, now=now, audit_purpose=Purpose.KLANTCONTACT,
        )  # fmt: skip
        cursor = None
    teams, people = await commitments.owner_choices()
    filters = {"service": (service or "").upper(), "state": state, "owner": str(owner_id or ""), "sort": order}
    query = {
        key: value
        for key, value in filters.items()
        if value and (key, value) not in (("state", "open"), ("sort", "-due_at" if closed else "due_at"))
    }
    context = {
        "views": page.items,
        "next_cursor": page.next_cursor,
        "paged": bool(cursor),
        "cursor_now": cursor or "",
        "now": now,
        "filters": filters,
        "query": query,
        "services": teams,
        "people": people,
        "state_labels": CALLBACK_STATES,
        "closed": closed,
        "sort_labels": CALLBACK_SORTS,
        "kind_labels": rules.KIND_LABELS,
    }
    return page_or_fragment(request, "commitments/callbacks.html", "commitments/_callbacks.html", context)


ACTIONS = {
    "nagekomen": "fulfil",
    "niet-nagekomen": "miss",
    "intrekken": "cancel",
    "overdragen": "reassign",
    "verzetten": "reschedule",
    "oppakken": "pick_up",
}
CHANGE_FORMS = {"verzetten": "Verzetten", "overdragen": "Overdragen aan"}
"""The inline actions that open a form in place first (GET), with their titles."""
TEAM_PREFIX = "team:"
"""A choice of the "Overdragen aan" list that names a team (``team:SZW``) rather than an employee (an id)."""


def _new_owner(data: dict[str, str]) -> tuple[int | None, str | None]:
    """The "Overdragen aan" choice (``owner``; the older ``owner_id`` still works) as (employee id, team code)."""
    choice = (data.get("owner") or data.get("owner_id") or "").strip()
    if choice.startswith(TEAM_PREFIX):
        return None, choice.removeprefix(TEAM_PREFIX) or None
    if not choice.isdigit():
        raise InvalidInput.single("owner_id", "Kies een nieuwe eigenaar: een medewerker of een team.")
    return int(choice), None


def _new_due(text: str) -> datetime:
    """A ``datetime-local`` form value as Amsterdam time; empty or malformed → InvalidInput on ``due_at``."""
    try:
        return from_amsterdam(datetime.fromisoformat(text.strip()))
    except ValueError:
        raise InvalidInput.single("due_at", "Kies de nieuwe dag en tijd.") from None


async def _change_context(
    commitments: CommitmentService, commitment_id: int, action: str, values: dict[str, str], errors: dict[str, str]
) -> dict[str, Any]:
    view = await commitments.get(commitment_id)
    if not await commitments.may_change(view.commitment):
        raise Forbidden("U kunt deze toezegging niet wijzigen: u bent geen eigenaar en niet betrokken.")
    teams, people = await commitments.owner_choices() if action == "overdragen" else ([], [])
    return {
        "v": view,
        "action": action,
        "title": CHANGE_FORMS[action],
        "values": values,
        "errors": errors,
        "teams": teams,
        "people": people,
        "team_prefix": TEAM_PREFIX,
        "kind_labels": rules.KIND_LABELS,
        "now": datetime.now(UTC),
    }


@get(
    "/toezeggingen/{commitment_id:int}/{action:str}",
    name="commitments.change_form",
    guards=[requires_employee],
    include_in_schema=False,
)
async def commitment_change_form(
    request: Request[Any, Any, Any], commitment_id: FromPath[int], action: FromPath[str], commitments: Commitments
) -> Template:
    """The form of "Verzetten" or "Overdragen aan", opened in place in the row (htmx) or as a page (without JS)."""
    if action not in CHANGE_FORMS:
        raise NotFoundException()
    back = safe_back(request, None)
    context = await _change_context(commitments, commitment_id, action, {"back": back}, {})
    return page_or_fragment(request, "commitments/change.html", "commitments/_change_form.html", context)


@row_action("/toezeggingen/{commitment_id:int}/{action:str}", name="commitments.action")
async def commitment_action(
    request: Request[Any, Any, Any], commitment_id: FromPath[int], commitments: Commitments, row: Row, data: FormData
) -> Template | Redirect:
    """Inline actions from the worklist, the dossier and Terugbelnotities. htmx gets the commitment's row back;
    a refused "Verzetten" or "Overdragen aan" gets its form back with the message next to the field."""
    kind = ACTIONS.get(row.name)
    if kind is None:
        raise InvalidInput.single("action", "Onbekende handeling")
    note = data.get("note", "")

    async def act() -> object:
        if kind == "fulfil":
            contact = data.get("contact_id", "")
            return await commitments.fulfil(
                commitment_id, note=note, contact_id=int(contact) if contact.isdigit() else None
            )
        if kind == "miss":
            return await commitments.miss(commitment_id, note=note)
        if kind == "cancel":
            return await commitments.cancel(commitment_id, reason=data.get("reason", ""))
        if kind == "pick_up":
            return await commitments.pick_up(commitment_id)
        if kind == "reschedule":
            return await commitments.reschedule(
                commitment_id, due_at=_new_due(data.get("due_at", "")), reason=data.get("reason", "")
            )
        owner_id, team = _new_owner(data)
        return await commitments.reassign(
            commitment_id, owner_id=owner_id, owner_service=team, reason=data.get("reason", "")
        )

    if row.name in CHANGE_FORMS:
        try:
            await act()
        except InvalidInput as exc:
            fields = {"owner_service": "owner", "owner_id": "owner"}
            errors = {fields.get(e.field, e.field): e.message for e in exc.errors}
            context = await _change_context(commitments, commitment_id, row.name, dict(data), errors)
            answer = page_or_fragment(
                request, "commitments/change.html", "commitments/_change_form.html", context, status_code=422
            )
            if row.htmx:  # the form again in its place in the row, not instead of the row
                answer.headers.update(
                    {"HX-Retarget": f"#toezegging-{commitment_id}-wijzigen", "HX-Reswap": "innerHTML"}
                )
            return answer
        if not row.htmx:
            return row.back(data.get("back"))
        view = await commitments.get(commitment_id)
        context = {"v": view, "now": datetime.now(UTC), "kind_labels": rules.KIND_LABELS, "error": None}
        return Template("commitments/_row.html", context=context, headers={"HX-Trigger": "worklist-changed"})
    try:
        await row.run(act)
    except InvalidInput as exc:
        # a plain form post: the error page shows the field's message, not just "Controleer de invoer."
        raise InvalidInput(exc.errors, refusal_message(exc)) from None
    if not row.htmx:
        return row.back(data.get("back"))
    view = await commitments.get(commitment_id)
    return row.row("commitments/_row.html", {"v": view, "now": datetime.now(UTC), "kind_labels": rules.KIND_LABELS})


PAGE_HANDLERS: list[Any] = [callbacks_page, commitment_change_form, commitment_action]
API_HANDLERS: list[Any] = [
    api_make,
    api_fulfil,
    api_miss,
    api_cancel,
    api_reassign,
    api_pick_up,
    api_reschedule,
    api_list,
]
