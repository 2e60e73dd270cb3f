"""The employee directory API and the casemanager's maximum caseload.

- ``GET /api/v1/users?email=``: active employees (id, name, e-mail, roles, services, direct phone), for every
  employee role; evaluators get 403 (they see no names).
- ``set_password``: an administrator resets a password (``casemgmt users set-password``), optionally activating the
  account.
- ``set_max_caseload``: an admin sets or clears a casemanager's cap (``casemgmt users set-caseload``). Every change
  is recorded in the audit log (object type ``user``). ``PATCH /api/v1/users/{id}`` (the cap and everything else of
  an account) is Beheer > Gebruikers' API, ``user_admin.py``.

Enforcing the cap when a dossier is assigned belongs to the dossier service; this module only keeps the number.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import get, patch
from litestar.handlers import HTTPRouteHandler
from litestar.params import QueryParameter
from litestar.types import Guard
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import Action, AuditLog, Purpose
from casemgmt.auth.guards import requires_employee
from casemgmt.auth.models import User
from casemgmt.auth.passwords import MIN_PASSWORD_LENGTH, Passwords
from casemgmt.auth.roles import Role
from casemgmt.auth.services import normalise_email
from casemgmt.db import DbSession
from casemgmt.errors import InvalidInput, NotFound

LIST_LIMIT = 200

MESSAGE_CASELOAD = "Vul een geheel getal van ten minste 1 in, of laat leeg (null) voor geen maximum"
MESSAGE_NOT_CASEMANAGER = "Alleen een casemanager heeft een maximale caseload; deze gebruiker is geen casemanager"
MESSAGE_CASELOAD_MISSING = "Geef max_caseload op: een geheel getal van ten minste 1, of null"
EDITABLE_FIELDS = frozenset({"max_caseload"})


def parse_max_caseload(value: object) -> int | None:
    """A maximum caseload is a whole number ≥ 1, or ``None`` for no maximum."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput.single("max_caseload", MESSAGE_CASELOAD)
    return value


def ordered_roles(user: User) -> list[str]:
    held = set(user.roles)
    return [role.value for role in Role if role.value in held]


class UserOut(msgspec.Struct):
    """An active employee: roles in a fixed order, services by code, direct phone."""

    id: int
    name: str
    email: str
    roles: list[str]
    services: list[str]
    phone: str

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(user.id, user.name, user.email, ordered_roles(user), list(user.service_codes), user.phone)


class UserCaseloadOut(UserOut):
    """An employee with the maximum caseload just set (``null``: no maximum)."""

    max_caseload: int | None


async def find_users(session: AsyncSession, email: str | None = None) -> list[User]:
    """Active users by name; with ``email`` only the one whose address matches exactly (case-insensitive)."""
    statement = select(User).where(User.is_active.is_(True))
    if email is not None and email.strip():
        statement = statement.where(func.lower(User.email) == normalise_email(email))
    statement = statement.order_by(User.name, User.id).limit(LIST_LIMIT)
    return list((await session.scalars(statement)).all())


async def set_max_caseload(
    session: AsyncSession, audit: AuditLog, user: User | None, value: object, *, via: str = "api"
) -> User:
    """Set (or clear, with ``None``) a casemanager's maximum caseload, recorded in the audit log."""
    if user is None:
        raise NotFound("Deze gebruiker bestaat niet")
    new = parse_max_caseload(value)
    if Role.CASEMANAGER.value not in user.roles:
        raise InvalidInput.single("max_caseload", MESSAGE_NOT_CASEMANAGER)
    old = user.max_caseload
    user.max_caseload = new
    await session.flush()
    shown: dict[int | None, object] = {None: "geen maximum"}
    audit.record(
        Action.UPDATE,
        "user",
        user.id,
        purpose=Purpose.BEHEER,
        detail=f"max_caseload: {shown.get(old, old)} -> {shown.get(new, new)} (via {via})",
    )
    return user


async def set_password(
    session: AsyncSession, audit: AuditLog, passwords: Passwords, user: User | None, password: str, *, activate: bool
) -> User:
    """Give an employee a new password (and, with ``activate``, make an inactive account active: accounts created
    by ``dossiers import --create-users`` start inactive), recorded in the audit log without the password."""
    if user is None:
        raise NotFound("Deze gebruiker bestaat niet")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput.single("password", f"Gebruik ten minste {MIN_PASSWORD_LENGTH} tekens")
    user.password_hash = await passwords.hash(password)
    activated = activate and not user.is_active
    if activate:
        user.is_active = True
    await session.flush()
    audit.record(
        Action.UPDATE,
        "user",
        user.id,
        purpose=Purpose.BEHEER,
        detail="wachtwoord opnieuw ingesteld" + (", account geactiveerd" if activated else ""),
    )
    return user


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def users_api(
    route: type[get | patch], path: str, action: str, guards: list[Guard], summary: str, **options: Any
) -> HTTPRouteHandler:
    """A route of the employee directory API: tagged ``gebruikers``, named ``api.users.<action>``."""
    return route(path, name=f"api.users.{action}", guards=guards, tags=["gebruikers"], summary=summary, **options)


@users_api(
    get,
    "/api/v1/users",
    "list",
    [requires_employee],
    "Employees (active), by name",
    description=f"With `email`: the user with exactly that address (case-insensitive). At most {LIST_LIMIT}.",
)
async def list_users(
    db_session: DbSession,
    email: Annotated[str | None, QueryParameter(description="Exact e-mail address, case-insensitive")] = None,
) -> list[UserOut]:
    return [UserOut.of(user) for user in await find_users(db_session, email)]


API_HANDLERS: list[Any] = [list_users]
PAGE_HANDLERS: list[Any] = []
