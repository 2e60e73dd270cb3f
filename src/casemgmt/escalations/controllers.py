"""Escalation pages (Escalaties, the reusable-answer form on an escalation, Antwoorden) and
``/api/v1/escalations``, ``/api/v1/escalations/{id}/reusable-answer``, ``/api/v1/answers``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Request, get, put
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.dependencies import Actor
from casemgmt.auth.guards import requires_employee
from casemgmt.db import DbSession
from casemgmt.directory.models import Service
from casemgmt.errors import Forbidden, InvalidInput
from casemgmt.escalations import rules
from casemgmt.escalations.dependencies import Escalations
from casemgmt.escalations.schemas import (
    AnswerOut,
    EscalationAnswer,
    EscalationCreate,
    EscalationOut,
    ReusableAnswerIn,
)
from casemgmt.escalations.services import ASKER_ROLES, STATES, EscalationView
from casemgmt.web import listing
from casemgmt.web.forms import FormData
from casemgmt.web.openapi import CONFLICT
from casemgmt.web.pages import page_or_fragment, wants_fragment
from casemgmt.web.parameters import QueryId, choice
from casemgmt.web.routes import creation, page_form, state_change

TAGS = ["escalaties"]
STATE_LABELS = {"open": "Open", "overdue": "Over de norm", "answered": "Beantwoord"}


# -- API --------------------------------------------------------------------------------------------------------


@creation("/api/v1/escalations", TAGS, "Escalate a question to a service")
async def api_create(data: JSONBody[EscalationCreate], escalations: Escalations) -> EscalationOut:
    values = data.model_dump(exclude={"service", "owner_service"})
    team = rules.validate_team(data.service, data.owner_service)
    escalation = await escalations.ask(service=team, **values)
    return EscalationOut.of(escalation, team)


@state_change("/api/v1/escalations/{escalation_id:int}/answer", TAGS)
async def api_answer(
    escalation_id: FromPath[int], data: JSONBody[EscalationAnswer], escalations: Escalations
) -> EscalationOut:
    escalation = await escalations.answer(escalation_id, answer=data.answer, reusable=data.reusable)
    code = await escalations.session.scalar(select(Service.code).where(Service.id == escalation.service_id))
    return EscalationOut.of(escalation, code or "")


@get("/api/v1/escalations", tags=TAGS, guards=[requires_employee])
async def api_list(
    escalations: Escalations,
    service: FromQuery[str | None] = None,
    state_filter: Annotated[str | None, choice(STATES, name="state")] = None,
) -> list[EscalationOut]:
    now = datetime.now(UTC)
    views = await escalations.list(service=service, state=state_filter, now=now)
    return [EscalationOut.of(v.escalation, v.service_code, now) for v in views]


@put(
    "/api/v1/escalations/{escalation_id:int}/reusable-answer",
    tags=TAGS,
    guards=[requires_employee],
    summary="Publish or reword the reusable answer of an answered escalation (no personal data, confirmed)",
    responses=CONFLICT,
)
async def api_reusable_answer(
    escalation_id: FromPath[int], data: JSONBody[ReusableAnswerIn], escalations: Escalations
) -> AnswerOut:
    reusable = await escalations.write_reusable(
        escalation_id, title=data.title, answer=data.answer, no_personal_data=data.no_personal_data
    )
    code = await escalations.session.scalar(select(Service.code).where(Service.id == reusable.service_id))
    return AnswerOut.of(reusable, code or "")


@get("/api/v1/answers", tags=TAGS, guards=[requires_employee], summary="Search reusable answers")
async def api_answers(
    escalations: Escalations, service: FromQuery[str | None] = None, q: FromQuery[str] = ""
) -> list[AnswerOut]:
    return [AnswerOut.of(answer, code) for answer, code in await escalations.reusable_answers(service=service, q=q)]


# -- pages ------------------------------------------------------------------------------------------------------


async def _services(session: AsyncSession) -> list[Service]:
    return list((await session.scalars(select(Service).where(Service.is_active).order_by(Service.code))).all())


ESCALATION_SORTS = {
    "due_at": "Eerst te beantwoorden",
    "-due_at": "Laatst te beantwoorden",
    "-asked_at": "Nieuwste eerst",
    "asked_at": "Oudste eerst",
}
LIST_DEFAULTS = {"service": "", "state": "", "due": "", "sort": "due_at"}


@get("/escalaties", name="escalations", guards=[requires_employee], include_in_schema=False)
async def escalations_page(
    request: Request[Any, Any, Any],
    escalations: Escalations,
    actor: Actor,
    service: FromQuery[str | None] = None,
    state_filter: Annotated[str | None, QueryParameter(name="state")] = None,
    due: FromQuery[str | None] = None,
    sort: FromQuery[str | None] = None,
    pagina: FromQuery[str | None] = None,
) -> Template:
    """The escalations the employee may see, filtered by service, state and due moment, sorted and paged (in SQL),
    with the count per state; the filter is in the URL. A value the list does not know shows the default."""
    now = datetime.now(UTC)
    services = await _services(escalations.session)
    codes = {s.code for s in services}
    filters = {
        "service": (service or "").strip().upper() if (service or "").strip().upper() in codes else "",
        "state": listing.chosen(state_filter, STATE_LABELS, ""),
        "due": listing.chosen(due, listing.DUE_LABELS, ""),
        "sort": listing.chosen(sort, ESCALATION_SORTS, "due_at"),
    }
    _, before = listing.due_before(filters["due"], now)
    paging = listing.Paging(listing.page_number(pagina), 0)

    async def read(page: listing.Paging) -> Any:
        return await escalations.listing(
            service=filters["service"] or None,
            state=filters["state"] or None,
            due_before=before,
            sort=filters["sort"],
            offset=page.offset,
            limit=page.size,
            now=now,
        )

    found = await read(paging)
    paging = listing.Paging(paging.number, found.total)
    if paging.within() != paging:  # a page beyond the last one: the last page
        paging = paging.within()
        found = await read(paging)
    context = {
        "views": found.views,
        "counts": found.counts,
        "paging": paging,
        "now": now,
        "services": services,
        "filters": filters,
        "defaults": LIST_DEFAULTS,
        "query_string": listing.query_string,
        "state_labels": STATE_LABELS,
        "due_labels": listing.DUE_LABELS,
        "sort_labels": ESCALATION_SORTS,
        "may_ask": bool(actor.roles & ASKER_ROLES),
    }
    return page_or_fragment(request, "escalations/list.html", "escalations/_table.html", context)


@get("/escalaties/nieuw", name="escalations.new", guards=[requires_employee], include_in_schema=False)
async def escalations_new(
    db_session: DbSession,
    actor: Actor,
    client_id: QueryId = None,
    dossier_id: QueryId = None,
) -> Template:
    if not actor.roles & ASKER_ROLES:
        raise Forbidden("U mag geen escalaties aanmaken.")
    context = {
        "form": {"service": "", "question": "", "client_id": client_id, "dossier_id": dossier_id},
        "errors": {},
        "services": await _services(db_session),
    }
    return Template("escalations/new.html", context=context)


@page_form("/escalaties", "escalations.create")
async def escalations_create(
    request: Request[Any, Any, Any],
    escalations: Escalations,
    data: FormData,
) -> Template | Redirect:
    def as_int(value: str | None) -> int | None:
        return int(value) if value and value.isdigit() else None

    service, question = data.get("service", ""), data.get("question", "")
    client_id, dossier_id = as_int(data.get("client_id")), as_int(data.get("dossier_id"))
    form = {"service": service, "question": question, "client_id": client_id, "dossier_id": dossier_id}
    try:
        escalation = await escalations.ask(
            service=service or "", question=question or "", client_id=client_id, dossier_id=dossier_id
        )
    except InvalidInput as exc:
        context = {
            "form": form,
            "errors": exc.by_field(),
            "services": await _services(escalations.session),
        }
        return page_or_fragment(request, "escalations/new.html", "escalations/_form.html", context, status_code=422)
    return Redirect(f"/escalaties/{escalation.id}", status_code=303)


async def _detail_context(escalations: Escalations, escalation_id: int) -> dict[str, Any]:
    view: EscalationView = await escalations.get(escalation_id)
    reusable = await escalations.reusable_of(escalation_id)
    return {
        "view": view,
        "now": datetime.now(UTC),
        "state_labels": STATE_LABELS,
        "may_answer": view.escalation.status == "open" and escalations.may_answer(view.service_code),
        "may_write_reusable": view.escalation.status == "answered" and escalations.may_answer(view.service_code),
        "reusable": reusable,
        "form": {"answer": "", "reusable": False},
        "reusable_form": {
            "title": reusable.title if reusable else "",
            "answer": reusable.answer if reusable else "",
            "no_personal_data": False,
        },
        "errors": {},
        "reusable_errors": {},
    }


@get("/escalaties/{escalation_id:int}", name="escalations.detail", guards=[requires_employee], include_in_schema=False)
async def escalation_detail(
    request: Request[Any, Any, Any], escalation_id: FromPath[int], escalations: Escalations
) -> Template:
    context = await _detail_context(escalations, escalation_id)
    return page_or_fragment(request, "escalations/detail.html", "escalations/_answer.html", context)


async def _answer_form_outcome(
    request: Request[Any, Any, Any],
    escalations: Escalations,
    escalation_id: int,
    write: Awaitable[object],
    typed: Callable[[InvalidInput], dict[str, Any]],
) -> Template | Redirect:
    """One outcome for the forms on an escalation's page: on refusal the page (or, for htmx, its answer section)
    again with the messages and the typed text (422); on success the refreshed section, or back to the page."""
    try:
        await write
    except InvalidInput as exc:
        context = await _detail_context(escalations, escalation_id)
        context.update(typed(exc))
        return page_or_fragment(
            request, "escalations/detail.html", "escalations/_answer.html", context, status_code=422
        )
    if wants_fragment(request):
        context = await _detail_context(escalations, escalation_id)
        return Template("escalations/_answer.html", context=context)
    return Redirect(f"/escalaties/{escalation_id}", status_code=303)


@page_form("/escalaties/{escalation_id:int}/antwoord", "escalations.answer")
async def escalation_answer(
    request: Request[Any, Any, Any],
    escalation_id: FromPath[int],
    escalations: Escalations,
    data: FormData,
) -> Template | Redirect:
    answer, reusable = data.get("answer", ""), data.get("reusable") in ("on", "true", "1")
    return await _answer_form_outcome(
        request,
        escalations,
        escalation_id,
        escalations.answer(escalation_id, answer=answer, reusable=reusable),
        lambda exc: {"form": {"answer": answer, "reusable": reusable}, "errors": exc.by_field()},
    )


@page_form("/escalaties/{escalation_id:int}/herbruikbaar", "escalations.reusable")
async def escalation_reusable(
    request: Request[Any, Any, Any],
    escalation_id: FromPath[int],
    escalations: Escalations,
    data: FormData,
) -> Template | Redirect:
    title, answer = data.get("title", ""), data.get("answer", "")
    confirmed = data.get("no_personal_data") in ("on", "true", "1")
    return await _answer_form_outcome(
        request,
        escalations,
        escalation_id,
        escalations.write_reusable(escalation_id, title=title, answer=answer, no_personal_data=confirmed),
        lambda exc: {
            "reusable_form": {"title": title, "answer": answer, "no_personal_data": confirmed},
            "reusable_errors": exc.by_field(),
        },
    )


@get("/antwoorden", name="answers", guards=[requires_employee], include_in_schema=False)
async def answers_page(
    request: Request[Any, Any, Any],
    escalations: Escalations,
    service: FromQuery[str | None] = None,
    q: FromQuery[str] = "",
) -> Template:
    try:
        answers = await escalations.reusable_answers(service=service or None, q=q)
    except InvalidInput as exc:
        answers, q = [], q[: rules.MAX_QUERY]
        errors = exc.by_field()
    else:
        errors = {}
    context = {
        "answers": answers,
        "errors": errors,
        "services": await _services(escalations.session),
        "filters": {"service": service or "", "q": q},
    }
    return page_or_fragment(
        request, "escalations/answers.html", "escalations/_answers.html", context, status_code=422 if errors else 200
    )


PAGE_HANDLERS: list[Any] = [
    escalations_page,
    escalations_new,
    escalations_create,
    escalation_detail,
    escalation_answer,
    escalation_reusable,
    answers_page,
]
API_HANDLERS: list[Any] = [api_create, api_answer, api_reusable_answer, api_list, api_answers]
