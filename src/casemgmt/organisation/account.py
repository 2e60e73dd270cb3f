"""Mijn account (``/account``, every signed-in employee) and Beheer > API-tokens (``/beheer/api-tokens``, admins),
with their API (issue 17).

Mijn account shows one's own name, e-mail, roles, services and direct phone (read-only: an admin changes them at
Beheer > Gebruikers, or the identity provider does), and one's own personal API tokens (label, created, last used,
revoked): create one (its value is shown once, on the answer to the form, with a copy button; only its SHA-256 is
stored, and the idempotency store keeps no copy: ``web/idempotency.SECRET_ANSWER``) and revoke one. Admins see
every active token (owner, label, created, last used; never a value) and revoke any. A revoked token answers 401
from the next request on (``auth/middleware.TokenAuthMiddleware`` checks ``revoked_at`` on every request).

API: ``GET``/``POST /api/v1/me/tokens``, ``DELETE /api/v1/me/tokens/{id}`` (one's own; another's is 404),
``GET /api/v1/tokens`` and ``DELETE /api/v1/tokens/{id}`` (admins). Audited (object type ``api_token``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from pydantic import BaseModel, ConfigDict

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.auth.guards import requires_admin, requires_role
from casemgmt.auth.roles import ROLE_LABELS, Role
from casemgmt.db import DbSession
from casemgmt.errors import InvalidInput, NotFound
from casemgmt.organisation import accounts, rules
from casemgmt.organisation.accounts import TokenRow
from casemgmt.web import listing
from casemgmt.web.forms import FormBody
from casemgmt.web.idempotency import SECRET_ANSWER
from casemgmt.web.limits import limited
from casemgmt.web.openapi import NOT_FOUND

PATH = "/account"
ADMIN_PATH = "/beheer/api-tokens"
TAGS = ["tokens"]
requires_signed_in = requires_role(*Role)
"""Every role: evaluators use the API for the figures too."""


class TokenOut(msgspec.Struct):
    """A personal API token, never its value: who owns it, its label, when made, last used and revoked."""

    id: int
    user_id: int
    owner: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, row: TokenRow) -> TokenOut:
        return cls(row.id, row.user_id, row.owner_name, row.name, row.created_at, row.last_used_at, row.revoked_at)


class NewTokenOut(TokenOut):
    """A token just made, with its value: shown this once, never again (only its SHA-256 is kept)."""

    token: str


class TokenCreate(BaseModel):
    name: str = limited(rules.TOKEN_LABEL_MAX, "")


# ---------------------------------------------------------------------------------------------- the API


@get("/api/v1/me/tokens", name="api.me.tokens", tags=TAGS, summary="The token user's own API tokens (not revoked)")
async def api_my_tokens(db_session: DbSession, actor: Actor) -> list[TokenOut]:
    return [TokenOut.of(row) for row in await accounts.list_tokens(db_session, user_id=actor.id)]


@post(
    "/api/v1/me/tokens",
    name="api.me.tokens.create",
    tags=TAGS,
    summary="Make a new personal API token; its value is in this answer only",
    status_code=201,
    opt={SECRET_ANSWER: PATH},
)
async def api_create_my_token(
    db_session: DbSession, audit: Audit, actor: Actor, data: JSONBody[TokenCreate]
) -> NewTokenOut:
    row, value = await accounts.create_token(db_session, audit, actor.id, data.name)
    return NewTokenOut(**msgspec.structs.asdict(TokenOut.of(row)), token=value)


@delete(
    "/api/v1/me/tokens/{token_id:int}",
    name="api.me.tokens.revoke",
    tags=TAGS,
    summary="Revoke one of one's own tokens (another's: 404); it answers 401 from now on",
    status_code=200,
    responses=NOT_FOUND,
)
async def api_revoke_my_token(db_session: DbSession, audit: Audit, actor: Actor, token_id: FromPath[int]) -> TokenOut:
    return TokenOut.of(await accounts.revoke_token(db_session, audit, token_id, owner_id=actor.id))


@get(
    "/api/v1/tokens",
    name="api.tokens.list",
    tags=TAGS,
    summary="Every active API token, with its owner (admin); never the values",
    guards=[requires_admin],
)
async def api_all_tokens(db_session: DbSession) -> list[TokenOut]:
    return [TokenOut.of(row) for row in await accounts.list_tokens(db_session, limit=1000)]


@delete(
    "/api/v1/tokens/{token_id:int}",
    name="api.tokens.revoke",
    tags=TAGS,
    summary="Revoke anyone's API token (admin); it answers 401 from now on",
    guards=[requires_admin],
    status_code=200,
    responses=NOT_FOUND,
)
async def api_revoke_token(db_session: DbSession, audit: Audit, token_id: FromPath[int]) -> TokenOut:
    return TokenOut.of(await accounts.revoke_token(db_session, audit, token_id))


# ---------------------------------------------------------------------------------------------- the pages


class TokenForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = ""


async def _account_page(
    db_session: DbSession,
    actor: Actor,
    *,
    new: tuple[TokenRow, str] | None = None,
    form: TokenForm | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    context = {
        "me": actor,
        "role_labels": [ROLE_LABELS[role] for role in actor.sorted_roles],
        "tokens": await accounts.list_tokens(db_session, user_id=actor.id),
        "new_token": new,
        "form": form or TokenForm(),
        "errors": errors or {},
        "label_max": rules.TOKEN_LABEL_MAX,
    }
    # the answer holding a new token's value must not be kept by the browser either
    headers = {"Cache-Control": "no-store"} if new else {}
    return Template("organisation/account.html", context=context, status_code=status_code, headers=headers)


@get(PATH, name="account", guards=[requires_signed_in], include_in_schema=False)
async def account_page(db_session: DbSession, actor: Actor) -> Template:
    return await _account_page(db_session, actor)


@post(
    PATH + "/tokens",
    name="account.tokens.create",
    guards=[requires_signed_in],
    include_in_schema=False,
    opt={SECRET_ANSWER: PATH},
    status_code=200,
)
async def create_token_page(
    db_session: DbSession, audit: Audit, actor: Actor, data: Annotated[TokenForm, FormBody]
) -> Template:
    try:
        new = await accounts.create_token(db_session, audit, actor.id, data.name)
    except InvalidInput as exc:
        return await _account_page(db_session, actor, form=data, errors=exc.by_field(), status_code=422)
    return await _account_page(db_session, actor, new=new)


@post(
    PATH + "/tokens/{token_id:int}/intrekken",
    name="account.tokens.revoke",
    guards=[requires_signed_in],
    include_in_schema=False,
)
async def revoke_my_token_page(
    request: Request[Any, Any, Any], db_session: DbSession, audit: Audit, actor: Actor, token_id: FromPath[int]
) -> Redirect:
    row = await accounts.revoke_token(db_session, audit, token_id, owner_id=actor.id)  # another's: 404
    flash(request, f"Token '{row.name or row.id}' ingetrokken: het werkt niet meer.", category="success")
    return Redirect(PATH, status_code=303)


@get(ADMIN_PATH, name="tokens.admin", guards=[requires_admin], include_in_schema=False)
async def tokens_page(db_session: DbSession, pagina: FromQuery[str | None] = None) -> Template:
    total = await accounts.count_tokens(db_session)
    paging = listing.Paging(listing.page_number(pagina), total, size=50).within()
    rows = await accounts.list_tokens(db_session, offset=paging.offset, limit=paging.size)
    context = {"tokens": rows, "paging": paging, "filters": {}, "defaults": {}, "query_string": listing.query_string}
    return Template("organisation/tokens.html", context=context)


@post(ADMIN_PATH + "/{token_id:int}/intrekken", name="tokens.revoke", guards=[requires_admin], include_in_schema=False)
async def revoke_token_page(
    request: Request[Any, Any, Any], db_session: DbSession, audit: Audit, token_id: FromPath[int]
) -> Redirect:
    try:
        row = await accounts.revoke_token(db_session, audit, token_id)
    except NotFound as exc:
        flash(request, exc.message, category="error")
        return Redirect(ADMIN_PATH, status_code=303)
    flash(request, f"Token '{row.name or row.id}' van {row.owner_name} ingetrokken.", category="success")
    return Redirect(ADMIN_PATH, status_code=303)


PAGE_HANDLERS: list[Any] = [account_page, create_token_page, revoke_my_token_page, tokens_page, revoke_token_page]
API_HANDLERS: list[Any] = [api_my_tokens, api_create_my_token, api_revoke_my_token, api_all_tokens, api_revoke_token]
