"""The Kennisbank pages (``/kennisbank`` search as you type, an article with its versions, the new, edit, publish
and withdraw forms) and ``/api/v1/articles``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Request, get, patch
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.guards import requires_employee
from casemgmt.directory.models import Service, Topic
from casemgmt.errors import Conflict, DomainError, FieldError, Forbidden, InvalidInput
from casemgmt.knowledge import rules
from casemgmt.knowledge.dependencies import EscalationDraft, Knowledge
from casemgmt.knowledge.flag_controllers import flag_section
from casemgmt.knowledge.flag_dependencies import Flags
from casemgmt.knowledge.flags import FlagService
from casemgmt.knowledge.rules import STATUS_LABELS, ArticleStatus
from casemgmt.knowledge.schemas import ArticleCreate, ArticleHitOut, ArticleOut, ArticlePatch, PublishIn, WithdrawIn
from casemgmt.knowledge.services import Draft, KnowledgeService, today_in_amsterdam
from casemgmt.web.formatting import parse_day
from casemgmt.web.forms import FormData, whole_number
from casemgmt.web.openapi import CONFLICT
from casemgmt.web.pages import page_or_fragment, wants_fragment
from casemgmt.web.parameters import QueryId, choice
from casemgmt.web.routes import creation, page_form, state_change

TAGS = ["kennisbank"]
STATUS_CHOICES = [*(s.value for s in ArticleStatus), *STATUS_LABELS.values()]


# -- API --------------------------------------------------------------------------------------------------------


@get("/api/v1/articles", tags=TAGS, guards=[requires_employee], summary="Search the kennisbank (Dutch full text)")
async def api_search(
    knowledge: Knowledge,
    q: Annotated[str, QueryParameter(max_length=rules.MAX_QUERY)] = "",
    service: FromQuery[str | None] = None,
    topic: FromQuery[str | None] = None,
    status_filter: Annotated[str | None, choice(STATUS_CHOICES, name="status")] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
) -> list[ArticleHitOut]:
    """Ranked best first; ``status`` takes the code or the Dutch label (``published``/``gepubliceerd``). KCC agents
    and casemanagers find published articles; accountmanagers also their services' concepts, expired and (asked for)
    withdrawn ones; admins all."""
    hits = await knowledge.search(q, service=service, topic=topic, status=status_filter, limit=limit)
    return [ArticleHitOut.of(hit) for hit in hits]


@get("/api/v1/articles/{article_id:int}", tags=TAGS, guards=[requires_employee], summary="An article and its versions")
async def api_article(article_id: FromPath[int], knowledge: Knowledge) -> ArticleOut:
    return ArticleOut.of(await knowledge.get(article_id))


@creation("/api/v1/articles", TAGS, "Write a new concept article (accountmanagers of the service, admins)")
async def api_create(data: JSONBody[ArticleCreate], knowledge: Knowledge) -> ArticleOut:
    article = await knowledge.create(**data.model_dump())
    return ArticleOut.of(await knowledge.get(article.id))


@patch(
    "/api/v1/articles/{article_id:int}",
    tags=TAGS,
    guards=[requires_employee],
    summary="Change an article: a new version; 409 when version is not the current one",
    responses=CONFLICT,
)
async def api_update(article_id: FromPath[int], data: JSONBody[ArticlePatch], knowledge: Knowledge) -> ArticleOut:
    values = data.model_dump(exclude={"version"})
    article = await knowledge.update(
        article_id, version=data.version, fields=sorted(data.model_fields_set - {"version"}), **values
    )
    return ArticleOut.of(await knowledge.get(article.id))


@state_change("/api/v1/articles/{article_id:int}/publish", TAGS)
async def api_publish(article_id: FromPath[int], knowledge: Knowledge, data: JSONBody[PublishIn]) -> ArticleOut:
    """Publish (or, published already, confirm after review): needs an answer and an owner who is an
    accountmanager of the service; the review date defaults to six months on."""
    await knowledge.publish(article_id, version=data.version, review_due=data.review_due)
    return ArticleOut.of(await knowledge.get(article_id))


@state_change("/api/v1/articles/{article_id:int}/withdraw", TAGS)
async def api_withdraw(article_id: FromPath[int], knowledge: Knowledge, data: JSONBody[WithdrawIn]) -> ArticleOut:
    await knowledge.withdraw(article_id, reason=data.reason, version=data.version)
    return ArticleOut.of(await knowledge.get(article_id))


# -- pages ------------------------------------------------------------------------------------------------------


async def _choices(session: AsyncSession) -> dict[str, Any]:
    services = list((await session.scalars(select(Service).where(Service.is_active).order_by(Service.code))).all())
    topics = (
        await session.execute(
            select(Topic.code, Topic.name, Service.code)
            .join(Service, Service.id == Topic.service_id)
            .where(Topic.is_active)
            .order_by(Service.code, Topic.name)
        )
    ).all()
    return {"services": services, "topics": [tuple(row) for row in topics], "status_labels": STATUS_LABELS}


@get("/kennisbank", name="knowledge", guards=[requires_employee], include_in_schema=False)
async def knowledge_page(
    request: Request[Any, Any, Any],
    knowledge: Knowledge,
    q: FromQuery[str] = "",
    service: FromQuery[str | None] = None,
    topic: FromQuery[str | None] = None,
    status_filter: Annotated[str | None, QueryParameter(name="status")] = None,
) -> Template:
    """Search as you type: the form pushes its URL, so a result list can be shared and the page works without
    JavaScript. A query over the limit or a status that is none shows a Dutch message (422), never an error page."""
    errors: dict[str, str] = {}
    filters = {"q": q, "service": (service or "").upper(), "topic": topic or "", "status": status_filter or ""}
    try:
        hits = await knowledge.search(q, service=service, topic=topic, status=status_filter)
    except InvalidInput as exc:
        errors = exc.by_field()
        filters["q"] = q[: rules.MAX_QUERY]
        hits = []
    context = {
        "hits": hits,
        "errors": errors,
        "filters": filters,
        "today": today_in_amsterdam(),
        "may_write": knowledge.may_write_any,
        **await _choices(knowledge.session),
    }
    return page_or_fragment(
        request, "knowledge/search.html", "knowledge/_results.html", context, status_code=422 if errors else 200
    )


def _form_of(draft: Draft | None = None, **values: Any) -> dict[str, Any]:
    draft = draft or Draft()
    form = {
        "service": draft.service,
        "topic": "",
        "owner_id": "",
        "question": draft.question,
        "answer": draft.answer,
        "next_steps": draft.next_steps,
        "escalation_id": draft.source_escalation_id or "",
        "version": "",
        "review_due": "",
    }
    form.update(values)
    return form


async def _form_context(knowledge: KnowledgeService, form: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    services = [s for s in (await _choices(knowledge.session))["services"] if knowledge.may_write(s.code)]
    owners = await knowledge.owner_choices(form["service"]) if form.get("service") else []
    context = await _choices(knowledge.session)
    context.update({"form": form, "errors": errors, "services": services, "owners": owners})
    return context


@get("/kennisbank/nieuw", name="knowledge.new", guards=[requires_employee], include_in_schema=False)
async def knowledge_new(
    knowledge: Knowledge, escalation_draft: EscalationDraft, escalatie: QueryId = None, dienst: FromQuery[str] = ""
) -> Template:
    """The new-article form; ``?escalatie=<id>`` prefills it from that escalation's answer (the question to be
    rewritten in general terms by the author; the escalation keeps its own text)."""
    if not knowledge.may_write_any:
        raise Forbidden("Alleen accountmanagers en beheerders schrijven kennisartikelen.")
    draft = await escalation_draft(escalatie) if escalatie is not None else Draft(service=dienst.upper()[:10])
    form = _form_of(draft)
    return Template("knowledge/new.html", context=await _form_context(knowledge, form, {}))


@page_form("/kennisbank", "knowledge.create")
async def knowledge_create(
    request: Request[Any, Any, Any], knowledge: Knowledge, escalation_draft: EscalationDraft, data: FormData
) -> Template | Redirect:
    form = _form_of(
        service=data.get("service", ""),
        topic=data.get("topic", ""),
        owner_id=data.get("owner_id", ""),
        question=data.get("question", ""),
        answer=data.get("answer", ""),
        next_steps=data.get("next_steps", ""),
        escalation_id=data.get("escalation_id", ""),
    )
    escalation_id = whole_number(form["escalation_id"]) if form["escalation_id"] else None
    try:
        if escalation_id is not None:
            await escalation_draft(escalation_id)  # may the author still write from it?
        article = await knowledge.create(
            service=form["service"],
            question=form["question"],
            answer=form["answer"],
            next_steps=form["next_steps"],
            topic=form["topic"] or None,
            owner_id=whole_number(form["owner_id"]) if form["owner_id"] else None,
            source_escalation_id=escalation_id,
        )
    except InvalidInput as exc:
        context = await _form_context(knowledge, form, exc.by_field())
        return page_or_fragment(request, "knowledge/new.html", "knowledge/_form.html", context, status_code=422)
    return Redirect(f"/kennisbank/{article.id}", status_code=303)


async def _article_context(
    knowledge: KnowledgeService, article_id: int, version: int | None = None, flags: FlagService | None = None
) -> dict[str, Any]:
    """The article page's context; with ``flags``, the whole page's, flag section included (``flag_panel``)."""
    view = await knowledge.get(article_id)
    shown = None
    if version is not None and version != view.version:
        shown = await knowledge.version_of(article_id, version)
    return {
        "view": view,
        "article": view,
        "shown": shown,
        "status_labels": STATUS_LABELS,
        "format_text": rules.format_text,
        "review_label": rules.REVIEW_LABEL,
        "today": today_in_amsterdam(),
        "publish_errors": {},
        "withdraw_errors": {},
        "withdraw_form": {"reason": ""},
        "message": "",
        "flag_panel": await flag_section(flags, article_id) if flags is not None else None,
    }


@get("/kennisbank/{article_id:int}", name="knowledge.article", guards=[requires_employee], include_in_schema=False)
async def knowledge_article(
    knowledge: Knowledge, flags: Flags, article_id: FromPath[int], versie: QueryId = None
) -> Template:
    """An article: the answer to give, next steps, owner, review date ("controleren" when past), and its versions
    (who, when, what changed); ``?versie=n`` shows an earlier version's text."""
    return Template("knowledge/article.html", context=await _article_context(knowledge, article_id, versie, flags))


def _edit_form(view: Any) -> dict[str, Any]:
    article = view.article
    return _form_of(
        service=view.service_code,
        topic=view.topic_code or "",
        owner_id=article.owner_id or "",
        question=article.question,
        answer=article.answer,
        next_steps=article.next_steps,
        version=article.version,
        review_due=article.review_due.isoformat() if article.review_due else "",
    )


@get(
    "/kennisbank/{article_id:int}/bewerken", name="knowledge.edit", guards=[requires_employee], include_in_schema=False
)
async def knowledge_edit(knowledge: Knowledge, article_id: FromPath[int]) -> Template:
    view = await knowledge.get(article_id)
    if not view.may_write:
        raise Forbidden(f"Alleen accountmanagers van {view.service_code} wijzigen dit artikel.")
    context = await _form_context(knowledge, _edit_form(view), {})
    context.update({"view": view, "message": ""})
    return Template("knowledge/edit.html", context=context)


def _day(text: str) -> tuple[date | None, list[FieldError]]:
    if not text.strip():
        return None, []
    day = parse_day(text)
    if day is None:
        return None, [FieldError("review_due", "Vul een geldige datum in (dd-mm-jjjj)")]
    return day, []


@page_form("/kennisbank/{article_id:int}/bewerken", "knowledge.update")
async def knowledge_update(
    request: Request[Any, Any, Any], knowledge: Knowledge, article_id: FromPath[int], data: FormData
) -> Template | Redirect:
    """Save a new version. A stale form (someone else changed the article since it was opened) is refused with a
    409 and the Dutch "ververs" message, the typed text kept so it can be copied."""
    view = await knowledge.get(article_id)
    form = _edit_form(view)
    form.update({key: data.get(key, form[key]) for key in ("topic", "owner_id", "question", "answer", "next_steps")})
    form["review_due"], form["version"] = data.get("review_due", ""), data.get("version", "")
    review_due, day_errors = _day(form["review_due"])
    status, message, errors = 422, "", {}
    try:
        if day_errors:
            raise InvalidInput(day_errors)
        await knowledge.update(
            article_id,
            version=whole_number(form["version"]) or 0,
            question=form["question"],
            answer=form["answer"],
            next_steps=form["next_steps"],
            topic=form["topic"] or None,
            owner_id=whole_number(str(form["owner_id"])) if form["owner_id"] else None,
            review_due=review_due,
            fields=["topic", "owner_id", "review_due"],
        )
    except InvalidInput as exc:
        errors = exc.by_field()
    except Conflict as exc:
        status, message = 409, exc.message
    else:
        return Redirect(f"/kennisbank/{article_id}", status_code=303)
    context = await _form_context(knowledge, form, errors)
    context.update({"view": view, "message": message})
    return page_or_fragment(request, "knowledge/edit.html", "knowledge/_form.html", context, status_code=status)


async def _action_outcome(
    request: Request[Any, Any, Any],
    knowledge: KnowledgeService,
    flags: FlagService,
    article_id: int,
    refused: DomainError,
    extra: dict[str, Any],
) -> Template:
    full_page = not wants_fragment(request)
    context = await _article_context(knowledge, article_id, flags=flags if full_page else None)
    context.update(extra)
    status = refused.status_code
    if isinstance(refused, Conflict):
        context["message"] = refused.message
    return page_or_fragment(request, "knowledge/article.html", "knowledge/_actions.html", context, status_code=status)


@page_form("/kennisbank/{article_id:int}/publiceren", "knowledge.publish")
async def knowledge_publish(
    request: Request[Any, Any, Any], knowledge: Knowledge, flags: Flags, article_id: FromPath[int], data: FormData
) -> Template | Redirect:
    try:
        await knowledge.publish(article_id, version=whole_number(data.get("version", "")) or 0)
    except (InvalidInput, Conflict) as exc:
        errors = exc.by_field() if isinstance(exc, InvalidInput) else {}
        return await _action_outcome(request, knowledge, flags, article_id, exc, {"publish_errors": errors})
    if wants_fragment(request):
        return Template("knowledge/_actions.html", context=await _article_context(knowledge, article_id))
    return Redirect(f"/kennisbank/{article_id}", status_code=303)


@page_form("/kennisbank/{article_id:int}/intrekken", "knowledge.withdraw")
async def knowledge_withdraw(
    request: Request[Any, Any, Any], knowledge: Knowledge, flags: Flags, article_id: FromPath[int], data: FormData
) -> Template | Redirect:
    reason = data.get("reason", "")
    try:
        await knowledge.withdraw(article_id, reason=reason, version=whole_number(data.get("version", "")) or 0)
    except (InvalidInput, Conflict) as exc:
        errors = exc.by_field() if isinstance(exc, InvalidInput) else {}
        extra = {"withdraw_errors": errors, "withdraw_form": {"reason": reason}}
        return await _action_outcome(request, knowledge, flags, article_id, exc, extra)
    return Redirect(f"/kennisbank/{article_id}", status_code=303)


PAGE_HANDLERS: list[Any] = [
    knowledge_page,
    knowledge_new,
    knowledge_create,
    knowledge_article,
    knowledge_edit,
    knowledge_update,
    knowledge_publish,
    knowledge_withdraw,
]
API_HANDLERS: list[Any] = [api_search, api_article, api_create, api_update, api_publish, api_withdraw]
