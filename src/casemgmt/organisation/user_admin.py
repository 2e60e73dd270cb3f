"""Beheer > Gebruikers (``/beheer/gebruikers``, admins only) and its API (issue 17): list the employees filtered by
role, service and whether active, searched by name or e-mail and paged; create one (name, e-mail, roles, services,
caseload cap, direct phone, and an initial password or "later activeren"); change roles, services, cap, phone and
name; deactivate and reactivate. Deactivating ends the employee's sessions and API tokens at once, and is refused
for yourself and for the last active admin. The service is ``accounts.py``, the rules ``rules.py``.

API: ``POST /api/v1/users`` (201) and ``PATCH /api/v1/users/{id}`` ``{updated_at, name?, roles?, services?, phone?,
max_caseload?, is_active?}`` (409 on a stale ``updated_at``), both for admins; ``UserAccountOut``.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, get, patch, post
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.params import Body, FromPath, FromQuery, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from pydantic import BaseModel, ConfigDict, Field, field_validator

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.auth.guards import requires_admin
from casemgmt.auth.models import User
from casemgmt.auth.passwords import MIN_PASSWORD_LENGTH
from casemgmt.auth.roles import ROLE_LABELS, Role
from casemgmt.db import DbSession
from casemgmt.errors import Conflict, FieldError, InvalidInput, NotFound
from casemgmt.organisation import accounts, rules
from casemgmt.organisation.accounts import AccountChanges, NewAccount, UserFilter
from casemgmt.web import listing
from casemgmt.web.forms import FormBody
from casemgmt.web.limits import limited
from casemgmt.web.openapi import CONFLICT, closed_object
from casemgmt.web.pages import page_or_fragment
from casemgmt.web.routes import page_form

PATH = "/beheer/gebruikers"
TAGS = ["gebruikers"]
ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]
ACTIVE_CHOICES = {"ja": "Actief", "nee": "Gedeactiveerd", "alle": "Iedereen"}
LIST_DEFAULTS = {"rol": "", "dienst": "", "actief": "ja", "q": ""}


class UserAccountOut(msgspec.Struct):
    """An employee account as Beheer sees it; ``updated_at`` is the version a PATCH must name."""

    id: int
    name: str
    email: str
    roles: list[str]
    services: list[str]
    phone: str
    max_caseload: int | None
    is_active: bool
    has_password: bool
    updated_at: str

    @classmethod
    def of(cls, user: User) -> UserAccountOut:
        return cls(
            user.id,
            user.name,
            user.email,
            accounts.ordered(user.roles),
            list(user.service_codes),
            user.phone,
            user.max_caseload,
            user.is_active,
            user.password_hash is not None,
            accounts.version_of(user),
        )


# ---------------------------------------------------------------------------------------------- the API


class UserCreate(BaseModel):
    email: str = limited(254)
    name: str = limited(200)
    roles: list[str] = Field(..., description="At least one of " + ", ".join(role.value for role in Role))
    services: list[str] = Field(default_factory=list, description="Service codes; an accountmanager needs one")
    phone: str = limited(rules.PHONE_MAX, "")
    max_caseload: int | None = Field(None, description="A casemanager's cap (≥ 1), or null for no maximum")
    password: str | None = Field(
        None, max_length=1024, description="An initial password; null: the account starts inactive (activate later)"
    )


_ROLE = Schema(type=OpenAPIType.STRING, enum=[role.value for role in Role])
_CODES = Schema(type=OpenAPIType.ARRAY, items=Schema(type=OpenAPIType.STRING, max_length=10))
PATCH_FIELDS = {
    "updated_at": Schema(type=OpenAPIType.STRING, description="The account's updated_at as last read; else 409"),
    "name": Schema(type=OpenAPIType.STRING, max_length=200),
    "roles": Schema(type=OpenAPIType.ARRAY, items=_ROLE),
    "services": _CODES,
    "phone": Schema(type=OpenAPIType.STRING, max_length=rules.PHONE_MAX),
    "max_caseload": Schema(
        one_of=[Schema(type=OpenAPIType.INTEGER, minimum=1, maximum=rules.MAX_CASELOAD), Schema(type=OpenAPIType.NULL)]
    ),
    "is_active": Schema(type=OpenAPIType.BOOLEAN, description="false: deactivate (ends sessions and tokens)"),
}


def _changes_from(data: dict[str, Any]) -> tuple[str, AccountChanges]:
    """The PATCH body read field by field, each wrong type a 422 naming its field (nothing written)."""
    errors = [
        FieldError(key, "Dit veld kan hier niet worden gewijzigd") for key in sorted(set(data) - set(PATCH_FIELDS))
    ]
    version = data.get("updated_at")
    if not isinstance(version, str) or not version.strip():
        errors.append(FieldError("updated_at", "Geef updated_at op zoals u de gebruiker het laatst las"))
    changes = AccountChanges()
    for key in ("name", "phone"):
        if key in data:
            if isinstance(data[key], str):
                setattr(changes, key, data[key])
            else:
                errors.append(FieldError(key, "Vul tekst in"))
    for key in ("roles", "services"):
        if key in data:
            value = data[key]
            if isinstance(value, list) and all(isinstance(item, str) for item in value):
                setattr(changes, key, value)
            else:
                errors.append(FieldError(key, "Geef een lijst met codes"))
    if "max_caseload" in data:
        value = data["max_caseload"]
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            errors.append(FieldError("max_caseload", rules.CASELOAD_MESSAGE))
        else:
            changes.max_caseload, changes.max_caseload_given = value, True
    if "is_active" in data:
        if isinstance(data["is_active"], bool):
            changes.is_active = data["is_active"]
        else:
            errors.append(FieldError("is_active", "Geef true of false"))
    if errors:
        raise InvalidInput(errors)
    return str(version), changes


@post(
    "/api/v1/users",
    name="api.users.create",
    tags=TAGS,
    summary="Create an employee account (admin); without a password it starts inactive",
    guards=[requires_admin],
    status_code=201,
)
async def api_create_user(
    request: Request[Any, Any, Any], db_session: DbSession, audit: Audit, data: JSONBody[UserCreate]
) -> UserAccountOut:
    user = await accounts.create_account(
        db_session,
        audit,
        request.app.state.passwords,
        NewAccount(
            email=data.email,
            name=data.name,
            roles=data.roles,
            services=data.services,
            phone=data.phone,
            max_caseload=data.max_caseload,
            password=data.password,
        ),
    )
    return UserAccountOut.of(user)


@patch(
    "/api/v1/users/{user_id:int}",
    name="api.users.update",
    tags=TAGS,
    summary="Change an employee's name, roles, services, phone or cap, or (de)activate them (admin)",
    description="Deactivating ends the employee's sessions and revokes their API tokens at once; refused (422) for "
    "yourself and for the last active admin. A stale `updated_at` answers 409.",
    guards=[requires_admin],
    responses=CONFLICT,
)
async def api_update_user(
    db_session: DbSession,
    audit: Audit,
    actor: Actor,
    user_id: FromPath[int],
    data: Annotated[
        dict[str, Any],
        Body(
            description="updated_at and the fields to change; a field left out stays as it is.",
            schema_extra=closed_object(PATCH_FIELDS, required=["updated_at"]),
        ),
    ],
) -> UserAccountOut:
    await accounts.get_user(db_session, user_id)  # 404 before the body's errors
    version, changes = _changes_from(data)
    return UserAccountOut.of(await accounts.change_account(db_session, audit, actor, user_id, version, changes))


# ---------------------------------------------------------------------------------------------- the pages


def _as_list(value: object) -> object:
    if value is None or value == "":
        return []
    return [value] if isinstance(value, str) else value


class UserForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = ""
    email: str = ""
    roles: list[str] = []
    services: list[str] = []
    phone: str = ""
    max_caseload: str = ""
    activation: str = "password"
    """"password" (an initial password) or "later"."""
    password: str = ""
    updated_at: str = ""

    _lists = field_validator("roles", "services", mode="before")(_as_list)


class StatusForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    active: str = ""
    """"1" to reactivate, anything else to deactivate."""
    updated_at: str = ""


async def _list_context(
    db_session: DbSession, rol: str | None, dienst: str | None, actief: str | None, q: str | None, pagina: str | None
) -> dict[str, Any]:
    services = await accounts.service_choices(db_session)
    filters = {
        "rol": listing.chosen(rol, dict(ROLE_CHOICES), ""),
        "dienst": listing.chosen((dienst or "").upper(), dict(services), ""),
        "actief": listing.chosen(actief, ACTIVE_CHOICES, "ja"),
        "q": (q or "").strip()[:200],
    }
    wanted = UserFilter(
        role=filters["rol"],
        service=filters["dienst"],
        active="" if filters["actief"] == "alle" else filters["actief"],
        q=filters["q"],
    )
    paging = listing.Paging(listing.page_number(pagina), await accounts.count_users(db_session, wanted)).within()
    users = await accounts.find_users(db_session, wanted, offset=paging.offset, limit=paging.size)
    return {
        "users": users,
        "paging": paging,
        "filters": filters,
        "defaults": LIST_DEFAULTS,
        "query_string": listing.query_string,
        "role_choices": ROLE_CHOICES,
        "role_labels": {role.value: ROLE_LABELS[role] for role in Role},
        "services": services,
        "active_choices": list(ACTIVE_CHOICES.items()),
    }


@get(PATH, name="users.admin", guards=[requires_admin], include_in_schema=False)
async def users_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    rol: FromQuery[str | None] = None,
    dienst: FromQuery[str | None] = None,
    actief: FromQuery[str | None] = None,
    q: FromQuery[str | None] = None,
    pagina: FromQuery[str | None] = None,
) -> Template:
    context = await _list_context(db_session, rol, dienst, actief, q, pagina)
    return page_or_fragment(request, "organisation/users.html", "organisation/_user_list.html", context)


@get("/gebruikers", name="users.redirect", guards=[requires_admin], include_in_schema=False)
async def users_redirect() -> Redirect:
    return Redirect(PATH, status_code=301)


async def _form_page(
    db_session: DbSession,
    form: UserForm,
    *,
    user: User | None = None,
    errors: dict[str, str] | None = None,
    stale: bool = False,
    status_code: int = 200,
) -> Template:
    context = {
        "user": user,
        "form": form,
        "errors": errors or {},
        "stale": stale,
        "role_choices": ROLE_CHOICES,
        "services": await accounts.service_choices(db_session),
        "role_labels": {role.value: ROLE_LABELS[role] for role in Role},
        "min_password": MIN_PASSWORD_LENGTH,
    }
    return Template("organisation/user_form.html", context=context, status_code=status_code)


def _form_of(user: User) -> UserForm:
    return UserForm(
        name=user.name,
        email=user.email,
        roles=accounts.ordered(user.roles),
        services=list(user.service_codes),
        phone=user.phone,
        max_caseload="" if user.max_caseload is None else str(user.max_caseload),
        updated_at=accounts.version_of(user),
    )


@get(PATH + "/nieuw", name="users.new", guards=[requires_admin], include_in_schema=False)
async def new_user_page(db_session: DbSession) -> Template:
    return await _form_page(db_session, UserForm())


@page_form(PATH, "users.create", guard=requires_admin)
async def create_user_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    audit: Audit,
    data: Annotated[UserForm, FormBody],
) -> Template | Redirect:
    cap = rules.parse_caseload_text(data.max_caseload)
    later = data.activation == "later"
    try:
        if isinstance(cap, FieldError):
            raise InvalidInput(cap)
        user = await accounts.create_account(
            db_session,
            audit,
            request.app.state.passwords,
            NewAccount(
                email=data.email,
                name=data.name,
                roles=data.roles,
                services=data.services,
                phone=data.phone,
                max_caseload=cap,
                password=None if later else data.password,
            ),
        )
    except InvalidInput as exc:
        data.password = ""
        return await _form_page(db_session, data, errors=exc.by_field(), status_code=422)
    word = "aangemaakt (nog niet actief: activeer later)" if later else "aangemaakt"
    flash(request, f"Gebruiker {user.name} {word}.", category="success")
    return Redirect(f"{PATH}/{user.id}", status_code=303)


@get(PATH + "/{user_id:int}", name="users.edit", guards=[requires_admin], include_in_schema=False)
async def edit_user_page(
    request: Request[Any, Any, Any], db_session: DbSession, user_id: FromPath[int]
) -> Template | Redirect:
    user = await db_session.get(User, user_id)
    if user is None:
        flash(request, "Gebruiker niet gevonden.", category="error")
        return Redirect(PATH, status_code=303)
    return await _form_page(db_session, _form_of(user), user=user)


@page_form(PATH + "/{user_id:int}", "users.change", guard=requires_admin)
async def change_user_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    audit: Audit,
    actor: Actor,
    user_id: FromPath[int],
    data: Annotated[UserForm, FormBody],
) -> Template | Redirect:
    user = await db_session.get(User, user_id)
    if user is None:
        flash(request, "Gebruiker niet gevonden.", category="error")
        return Redirect(PATH, status_code=303)
    cap = rules.parse_caseload_text(data.max_caseload)
    try:
        if isinstance(cap, FieldError):
            raise InvalidInput(cap)
        changes = AccountChanges(
            name=data.name,
            roles=data.roles,
            services=data.services,
            phone=data.phone,
            max_caseload=cap,
            max_caseload_given=True,
        )
        user = await accounts.change_account(db_session, audit, actor, user_id, data.updated_at, changes)
    except InvalidInput as exc:
        await db_session.refresh(user)
        return await _form_page(db_session, data, user=user, errors=exc.by_field(), status_code=422)
    except Conflict:
        return await _form_page(db_session, data, user=user, stale=True, status_code=409)
    flash(request, f"Gebruiker {user.name} opgeslagen.", category="success")
    return Redirect(f"{PATH}/{user.id}", status_code=303)


@page_form(PATH + "/{user_id:int}/status", "users.status", guard=requires_admin)
async def set_user_status_page(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    audit: Audit,
    actor: Actor,
    user_id: FromPath[int],
    data: Annotated[StatusForm, FormBody],
) -> Redirect:
    active = data.active.strip() == "1"
    try:
        user = await accounts.change_account(
            db_session, audit, actor, user_id, data.updated_at, AccountChanges(is_active=active)
        )
    except NotFound:
        flash(request, "Gebruiker niet gevonden.", category="error")
        return Redirect(PATH, status_code=303)
    except Conflict:
        flash(request, accounts.STALE_MESSAGE, category="error")
        return Redirect(f"{PATH}/{user_id}", status_code=303)
    except InvalidInput as exc:
        flash(request, " ".join(exc.by_field().values()), category="error")
        return Redirect(f"{PATH}/{user_id}", status_code=303)
    if active:
        text = f"Gebruiker {user.name} is weer actief."
    else:
        text = f"Gebruiker {user.name} is gedeactiveerd: de sessies en API-tokens zijn beëindigd."
    flash(request, text, category="success")
    return Redirect(f"{PATH}/{user.id}", status_code=303)


PAGE_HANDLERS: list[Any] = [
    users_page,
    users_redirect,
    new_user_page,
    create_user_page,
    edit_user_page,
    change_user_page,
    set_user_status_page,
]
API_HANDLERS: list[Any] = [api_create_user, api_update_user]
