"""The Logboek page (``GET /logboek``) and ``GET /api/v1/audit``: admins read and filter the audit log.

Reading the log is itself personal-data access, so every successful read is recorded as an audit event
(action ``read``, object type ``audit_log``, purpose ``beheer``). There is deliberately no route that changes or
removes audit events.

"Who saw client X?": filter by the client's pseudonym or BSN (the BSN is looked up through the client service and
replaced by the pseudonym before anything is queried or recorded); list reads, searches and exports carry one event
per client shown, so they are found too.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from casemgmt.audit.dependencies import Audit
from casemgmt.audit.queries import (
    API_DEFAULT_LIMIT,
    API_MAX_LIMIT,
    FILTER_FIELDS,
    PAGE_SIZE,
    AuditEventOut,
    AuditFilter,
    AuditPage,
    ClientLookup,
    ReferenceLookup,
    actor_options,
    audit_events,
    name_objects,
    object_type_options,
    parse_filter,
    resolve_bsn,
)
from casemgmt.audit.services import Action, Purpose
from casemgmt.auth.guards import requires_admin
from casemgmt.db import DbSession
from casemgmt.errors import InvalidInput
from casemgmt.web.pages import page_or_fragment, wants_fragment
from casemgmt.web.parameters import BSN, POSITIVE_ID, DateFrom, DateTo, bounded

LOG_PATH = "/logboek"
Clients = NamedDependency[ClientLookup]
"""The request's client service (``clients``), seen only as the BSN lookup the filter needs."""
References = NamedDependency[ReferenceLookup]
"""How the objects of events are named (``object_references``, provided from ``casefile/``)."""


async def read_log(db_session: DbSession, audit: Audit, clients: ClientLookup, flt: AuditFilter) -> AuditPage:
    """Query the log and record that it was read (after the query, so the read itself is not in this page)."""
    flt = await resolve_bsn(flt, clients)
    page = await audit_events(db_session, flt)
    audit.record(Action.READ, "audit_log", "", purpose=Purpose.BEHEER, detail=flt.describe())
    return page


@get(LOG_PATH, name="audit.log", guards=[requires_admin], include_in_schema=False)
async def audit_log_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    audit: Audit,
    clients: Clients,
    object_references: References,
) -> Template:
    """Audit events newest first, filtered; htmx requests get only the results region."""
    form = {key: request.query_params.get(key) or "" for key in FILTER_FIELDS}
    values = {**form, "after_id": request.query_params.get("after_id") or ""}
    errors: dict[str, str] = {}
    page: AuditPage | None = None
    try:
        flt = parse_filter(values, default_limit=PAGE_SIZE, max_limit=PAGE_SIZE)
        page = await name_objects(await read_log(db_session, audit, clients, flt), object_references)
    except InvalidInput as exc:
        errors = exc.by_field()
    context: dict[str, Any] = {"form": form, "errors": errors, "page": page, "log_path": LOG_PATH}
    if not wants_fragment(request):
        context["actors"] = await actor_options(db_session)
        context["object_types"] = await object_type_options(db_session)
    return page_or_fragment(
        request, "audit/log.html", "audit/_results.html", context, status_code=422 if errors else 200
    )


@get(
    "/api/v1/audit",
    name="api.audit.list",
    guards=[requires_admin],
    tags=["logboek"],
    summary="Audit events, newest first (admin)",
    description="Filter by actor, object, client (pseudonym or BSN) and period (Europe/Amsterdam dates, inclusive). "
    "Who saw client X: `pseudonym=` or `bsn=` finds every event on that client, list reads included (one event per "
    "client shown). Page with `after_id` = the last id received. `from` after `to`, an unknown BSN or both a BSN and "
    "a pseudonym answer 422.",
)
async def audit_events_api(
    db_session: DbSession,
    audit: Audit,
    clients: Clients,
    actor_id: Annotated[str | None, QueryParameter(description="User id of the actor")] = None,
    object_type: Annotated[str | None, QueryParameter(description="e.g. client, dossier, contact, user")] = None,
    object_id: Annotated[str | None, QueryParameter(description="Id of the object (exact)")] = None,
    pseudonym: Annotated[str | None, QueryParameter(description="Client pseudonym (exact)")] = None,
    bsn: Annotated[
        str | None, QueryParameter(description="BSN of the client (9 digits), instead of pseudonym", schema_extra=BSN)
    ] = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    limit: Annotated[
        int | None,
        QueryParameter(
            description=f"1–{API_MAX_LIMIT}, default {API_DEFAULT_LIMIT}", schema_extra=bounded(1, API_MAX_LIMIT)
        ),
    ] = None,
    after_id: Annotated[
        str | None, QueryParameter(description="Only events with a smaller id (next page)", schema_extra=POSITIVE_ID)
    ] = None,
) -> list[AuditEventOut]:
    values = {
        "actor_id": actor_id,
        "object_type": object_type,
        "object_id": object_id,
        "pseudonym": pseudonym,
        "bsn": bsn,
        "from": date_from,
        "to": date_to,
        "limit": None if limit is None else str(limit),
        "after_id": after_id,
    }
    flt = parse_filter(values, default_limit=API_DEFAULT_LIMIT, max_limit=API_MAX_LIMIT)
    page = await read_log(db_session, audit, clients, flt)
    return [row.as_out() for row in page.rows]


PAGE_HANDLERS: list[Any] = [audit_log_page]
API_HANDLERS: list[Any] = [audit_events_api]
