"""Beheer > Onderwerpen (``/beheer/onderwerpen``, admins only): the topics (onderwerpen) per service that an inbound
contact is filed under. List them, add one, deactivate or reactivate one; a topic is never deleted, so contacts
keep theirs. The rule for a topic's code and name is ``directory.catalogue.check_topic``; every change is audited.
Issue 17 builds the rest of Beheer.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from casemgmt.audit.dependencies import Audit
from casemgmt.audit.services import Action
from casemgmt.auth.guards import requires_admin
from casemgmt.db import DbSession
from casemgmt.directory.catalogue import check_topic, topic_choices
from casemgmt.directory.models import Service, Topic
from casemgmt.errors import FieldError
from casemgmt.web.forms import FormBody
from casemgmt.web.routes import page_form

PATH = "/beheer/onderwerpen"


class TopicForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    service: str = ""
    code: str = ""
    name: str = ""


class TopicStatusForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    active: str = ""
    """"1" to reactivate, anything else to deactivate."""


async def _page(
    db_session: DbSession, form: TopicForm | None = None, errors: dict[str, str] | None = None, status_code: int = 200
) -> Template:
    services = (await db_session.execute(select(Service.code, Service.name).order_by(Service.code))).all()
    topics = await topic_choices(db_session, active_only=False)
    ids = dict((await db_session.execute(select(Topic.code, Topic.id))).tuples().all())
    context = {
        "topics": topics,
        "topic_ids": ids,
        "services": [(row.code, f"{row.code} – {row.name}") for row in services],
        "form": form or TopicForm(),
        "errors": errors or {},
    }
    return Template("directory/topics.html", context=context, status_code=status_code)


@get(PATH, name="topics.admin", guards=[requires_admin], include_in_schema=False)
async def topics_page(db_session: DbSession) -> Template:
    return await _page(db_session)


@page_form(PATH, "topics.add", guard=requires_admin)
async def add_topic(
    request: Request[Any, Any, Any], db_session: DbSession, audit: Audit, data: Annotated[TopicForm, FormBody]
) -> Template | Redirect:
    code, name = data.code.strip().lower(), data.name.strip()
    errors = check_topic(code, name)
    service = await db_session.scalar(
        select(Service).where(Service.code == data.service.strip().upper(), Service.is_active)
    )
    if service is None:
        errors.append(FieldError("service", "Kies de dienst waar het onderwerp bij hoort"))
    if not errors and await db_session.scalar(select(Topic.id).where(Topic.code == code)) is not None:
        errors.append(FieldError("code", f"De code '{code}' bestaat al"))
    if errors:
        return await _page(db_session, data, {e.field: e.message for e in errors}, status_code=422)
    assert service is not None
    topic = Topic(service_id=service.id, code=code, name=name, is_active=True)
    db_session.add(topic)
    await db_session.flush()
    audit.record(Action.CREATE, "topic", topic.id, detail=f"{service.code} {code}")
    flash(request, f"Onderwerp '{name}' toegevoegd.", category="success")
    return Redirect(PATH, status_code=303)


@page_form(PATH + "/{topic_id:int}/status", "topics.status", guard=requires_admin)
async def set_topic_status(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    audit: Audit,
    topic_id: FromPath[int],
    data: Annotated[TopicStatusForm, FormBody],
) -> Redirect:
    topic = await db_session.get(Topic, topic_id)
    if topic is None:
        flash(request, "Onderwerp niet gevonden.", category="error")
        return Redirect(PATH, status_code=303)
    active = data.active.strip() == "1"
    if topic.is_active != active:
        topic.is_active = active
        await db_session.flush()
        audit.record(Action.UPDATE, "topic", topic.id, detail="geactiveerd" if active else "gedeactiveerd")
    word = "weer in gebruik" if active else "gedeactiveerd: nieuwe contacten kunnen het niet meer kiezen"
    flash(request, f"Onderwerp '{topic.name}' {word}.", category="success")
    return Redirect(PATH, status_code=303)


PAGE_HANDLERS: list[Any] = [topics_page, add_topic, set_topic_status]
