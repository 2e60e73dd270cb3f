"""Beheer > Uitgaande mail (``/beheer/uitgaande-mail``, admins only) and ``GET /api/v1/outbox``: the outbox, newest
first, with each mail's status, recipient and subject, and one mail with its attempts and both parts. The HTML part
is shown as escaped source, never rendered, so nothing in a mail runs in the admin's page. Every read is audited
(object type ``outbox`` for the list, ``outbox_mail`` for one mail): the mails name employees and their work."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, get
from litestar.params import FromPath, QueryParameter
from litestar.response import Template
from sqlalchemy import func, select

from casemgmt.audit.dependencies import Audit
from casemgmt.audit.services import Action, Purpose
from casemgmt.auth.guards import requires_admin
from casemgmt.auth.models import User
from casemgmt.db import DbSession
from casemgmt.errors import FieldError, InvalidInput, NotFound
from casemgmt.mail.models import MailAttempt, OutboxMail
from casemgmt.mail.rules import STATUS_LABELS, MailStatus
from casemgmt.web.formatting import format_moment
from casemgmt.web.parameters import bounded, choice

PATH = "/beheer/uitgaande-mail"
PAGE_SIZE = 100
API_MAX_LIMIT = 500


class OutboxMailOut(msgspec.Struct, frozen=True):
    """One mail of the outbox (moments in UTC); the bodies are on the page, not in the list."""

    id: int
    key: str
    user_id: int
    to_address: str
    subject: str
    status: str
    attempts: int
    next_attempt_at: str
    sent_at: str | None
    created_at: str


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


async def _mails(db_session: DbSession, status: str | None, limit: int) -> list[OutboxMail]:
    query = select(OutboxMail).order_by(OutboxMail.id.desc()).limit(limit)
    if status:
        query = query.where(OutboxMail.status == status)
    return list((await db_session.scalars(query)).all())


def _check_status(status: str | None) -> str | None:
    if status and status not in set(MailStatus):
        choices = ", ".join(MailStatus)
        raise InvalidInput([FieldError("status", f"Kies een van: {choices}")])
    return status or None


@get(PATH, name="outbox.list", guards=[requires_admin], include_in_schema=False)
async def outbox_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    audit: Audit,
    status: Annotated[str | None, choice(("", *MailStatus))] = None,
) -> Template:
    status = _check_status(status)
    mails = await _mails(db_session, status, PAGE_SIZE)
    counts = dict(
        (await db_session.execute(select(OutboxMail.status, func.count()).group_by(OutboxMail.status))).tuples().all()
    )
    audit.record(Action.READ, "outbox", "", purpose=Purpose.BEHEER, detail=f"status={status or 'alle'}")
    smtp = request.app.state.settings.smtp
    context = {
        "mails": mails,
        "counts": {s: counts.get(s, 0) for s in MailStatus},
        "status": status or "",
        "labels": STATUS_LABELS,
        "moment": format_moment,
        "smtp": smtp.describe() if smtp else None,
        "page_size": PAGE_SIZE,
        "path": PATH,
    }
    return Template("mail/outbox.html", context=context)


@get(PATH + "/{mail_id:int}", name="outbox.detail", guards=[requires_admin], include_in_schema=False)
async def outbox_mail_page(
    request: Request[Any, Any, Any], db_session: DbSession, audit: Audit, mail_id: FromPath[int]
) -> Template:
    mail = await db_session.get(OutboxMail, mail_id)
    if mail is None:
        raise NotFound("Deze e-mail staat niet in de uitgaande mail")
    attempts = (
        await db_session.scalars(select(MailAttempt).where(MailAttempt.mail_id == mail.id).order_by(MailAttempt.id))
    ).all()
    recipient = await db_session.scalar(select(User.name).where(User.id == mail.user_id))
    audit.record(Action.READ, "outbox_mail", mail.id, purpose=Purpose.BEHEER, detail=mail.key)
    smtp = request.app.state.settings.smtp
    context = {
        "mail": mail,
        "attempts": attempts,
        "recipient": recipient or "",
        "labels": STATUS_LABELS,
        "moment": format_moment,
        "smtp": smtp.describe() if smtp else None,
        "path": PATH,
    }
    return Template("mail/outbox_mail.html", context=context)


@get(
    "/api/v1/outbox",
    name="api.outbox.list",
    guards=[requires_admin],
    tags=["uitgaande mail"],
    summary="The outbox of notification mails, newest first (admin)",
    description="Each mail's key, recipient, subject, status (pending, sending, sent, failed), attempts and moments "
    "(UTC). Filter by `status`. Without SMTP configured the mails stay pending.",
)
async def outbox_api(
    db_session: DbSession,
    audit: Audit,
    status: Annotated[str | None, choice(MailStatus)] = None,
    limit: Annotated[
        int | None,
        QueryParameter(description=f"1–{API_MAX_LIMIT}, default {PAGE_SIZE}", schema_extra=bounded(1, API_MAX_LIMIT)),
    ] = None,
) -> list[OutboxMailOut]:
    status = _check_status(status)
    if limit is not None and not 1 <= limit <= API_MAX_LIMIT:
        raise InvalidInput([FieldError("limit", f"Geef een aantal van 1 tot {API_MAX_LIMIT}")])
    mails = await _mails(db_session, status, limit or PAGE_SIZE)
    audit.record(Action.READ, "outbox", "", purpose=Purpose.BEHEER, detail=f"api status={status or 'alle'}")
    return [
        OutboxMailOut(
            id=m.id,
            key=m.key,
            user_id=m.user_id,
            to_address=m.to_address,
            subject=m.subject,
            status=m.status,
            attempts=m.attempts,
            next_attempt_at=_iso(m.next_attempt_at) or "",
            sent_at=_iso(m.sent_at),
            created_at=_iso(m.created_at) or "",
        )
        for m in mails
    ]


PAGE_HANDLERS: list[Any] = [outbox_page, outbox_mail_page]
API_HANDLERS: list[Any] = [outbox_api]
