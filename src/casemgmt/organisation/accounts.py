"""The employee administration's service (issue 17): finding, creating and changing employee accounts, ending a
deactivated employee's sessions and API tokens, and the personal API tokens of "Mijn account" and of Beheer >
API-tokens. The pages and the API (``user_admin.py``, ``account.py``) call these; the rules are ``rules.py``.

A change names the ``updated_at`` of the account it was based on (no version column, so no migration; every change
sets ``updated_at``, also one that only changes roles or services): a different one answers 409 and writes
nothing; the row is read ``FOR UPDATE`` on PostgreSQL. Every change is an audit event on object type ``user`` (who
changed which role: the detail lists the roles added and taken away, and old → new of the other fields); token
creation and revocation are events on object type ``api_token``. A token's value is never stored or logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import msgspec
from sqlalchemy import ColumnElement, Select, and_, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import Action, AuditLog, Purpose
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.models import ApiToken, SessionStoreEntry, User, UserRole, user_services
from casemgmt.auth.passwords import MIN_PASSWORD_LENGTH, Passwords
from casemgmt.auth.roles import Role
from casemgmt.auth.services import MAX_NAME_LENGTH, Accounts, normalise_email, validate_account
from casemgmt.auth.tokens import new_token, token_hash
from casemgmt.directory.models import Service
from casemgmt.errors import Conflict, FieldError, InvalidInput, NotFound, too_long
from casemgmt.organisation import rules

STALE_MESSAGE = "Deze gebruiker is intussen door iemand anders gewijzigd. Er is niets opgeslagen; laad opnieuw."
PASSWORD_MESSAGE = f"Gebruik ten minste {MIN_PASSWORD_LENGTH} tekens, of kies 'later activeren'"
TOKEN_NOT_FOUND = "Dit token bestaat niet (of is niet van u)"  # noqa: S105 (a message, not a secret)


def version_of(user: User) -> str:
    """The token a change must name: the moment of the account's last change, as ISO text."""
    return user.updated_at.isoformat()


def ordered(roles: Sequence[str]) -> list[str]:
    held = set(roles)
    return [role.value for role in Role if role.value in held]


# ---------------------------------------------------------------------------------------------- finding


@dataclass(frozen=True)
class UserFilter:
    role: str = ""
    service: str = ""
    active: str = "ja"
    """"ja" (active only), "nee" (deactivated only) or "" (everyone)."""
    q: str = ""
    """Part of the name or e-mail address."""


def _filtered(statement: Select[tuple[User]] | Select[tuple[int]], wanted: UserFilter) -> Select:  # type: ignore[type-arg]
    if wanted.role:
        statement = statement.where(exists().where(UserRole.user_id == User.id, UserRole.role == wanted.role))
    if wanted.service:
        statement = statement.where(
            exists().where(
                user_services.c.user_id == User.id,
                user_services.c.service_id == Service.id,
                Service.code == wanted.service,
            )
        )
    if wanted.active == "ja":
        statement = statement.where(User.is_active.is_(True))
    elif wanted.active == "nee":
        statement = statement.where(User.is_active.is_(False))
    text = wanted.q.strip().lower()
    if text:
        statement = statement.where(
            or_(
                func.lower(User.name).contains(text, autoescape=True),
                func.lower(User.email).contains(text, autoescape=True),
            )
        )
    return statement


async def count_users(session: AsyncSession, wanted: UserFilter) -> int:
    return int(await session.scalar(_filtered(select(func.count(User.id)), wanted)) or 0)


async def find_users(session: AsyncSession, wanted: UserFilter, *, offset: int = 0, limit: int = 25) -> list[User]:
    """One page of accounts by name (their roles and services come with two more queries for the whole page)."""
    statement = _filtered(select(User), wanted).order_by(User.name, User.id).offset(offset).limit(limit)
    return list((await session.scalars(statement)).all())


async def service_choices(session: AsyncSession) -> list[tuple[str, str]]:
    rows = (await session.execute(select(Service.code, Service.name).order_by(Service.code))).all()
    return [(row.code, f"{row.code} – {row.name}") for row in rows]


async def get_user(session: AsyncSession, user_id: int, *, lock: bool = False) -> User:
    user = await session.get(User, user_id, with_for_update=lock) if lock else await session.get(User, user_id)
    if user is None:
        raise NotFound("Deze gebruiker bestaat niet")
    return user


# ---------------------------------------------------------------------------------------------- creating


@dataclass
class NewAccount:
    email: str
    name: str
    roles: list[str]
    services: list[str] = field(default_factory=list)
    phone: str = ""
    max_caseload: int | None = None
    password: str | None = None
    """None: "later activeren", the account starts inactive without a password."""


async def create_account(session: AsyncSession, audit: AuditLog, passwords: Passwords, new: NewAccount) -> User:
    """A new employee; 422 naming every field at fault (nothing written): unknown role or service, an
    accountmanager without a service, a duplicate e-mail address, a cap below 1, a bad phone or short password."""
    codes = sorted({code.strip().upper() for code in new.services if code.strip()})
    known = {code for code, _ in await service_choices(session)}
    errors = rules.check_roles(new.roles, codes, known)
    errors += rules.check_caseload(new.max_caseload, new.roles)
    errors += rules.check_phone(new.phone)
    if new.password is not None and len(new.password) < MIN_PASSWORD_LENGTH:
        errors.append(FieldError("password", PASSWORD_MESSAGE))
    email = normalise_email(new.email)
    account_errors = [
        e for e in validate_account(email, new.name, list(new.roles), codes) if e.field in ("email", "name")
    ]
    if not account_errors and await session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None:
        account_errors.append(FieldError("email", f"Er bestaat al een gebruiker met e-mailadres {email}"))
    errors = _merged(account_errors, errors)
    if errors:
        raise InvalidInput(errors)
    user = await Accounts(session, passwords).create_user(
        email=email,
        name=new.name,
        roles=list(new.roles),
        service_codes=codes,
        phone=new.phone,
        password=new.password,
        is_active=new.password is not None,
    )
    user.max_caseload = new.max_caseload
    await session.flush()
    audit.record(
        Action.CREATE,
        "user",
        user.id,
        purpose=Purpose.BEHEER,
        detail=(
            f"{user.email}; rollen: {' '.join(ordered(new.roles))}; diensten: {' '.join(codes) or '-'}"
            + ("" if new.password is not None else "; later activeren")
        ),
    )
    return user


def _merged(first: list[FieldError], second: list[FieldError]) -> list[FieldError]:
    """Both lists, one message per field (the first list's wins)."""
    seen = {error.field for error in first}
    return [*first, *(error for error in second if error.field not in seen)]


# ---------------------------------------------------------------------------------------------- changing


@dataclass
class AccountChanges:
    """What a change gives; ``None`` (or absent) leaves the field as it is. ``max_caseload_given`` tells a cap
    cleared (None) from one not named."""

    name: str | None = None
    roles: list[str] | None = None
    services: list[str] | None = None
    phone: str | None = None
    max_caseload: int | None = None
    max_caseload_given: bool = False
    is_active: bool | None = None


async def _other_active_admins(session: AsyncSession, user_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count(func.distinct(User.id)))
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.ADMIN.value, User.is_active.is_(True), User.id != user_id)
        )
        or 0
    )


async def _serialise_admin_changes(session: AsyncSession) -> None:
    """PostgreSQL: one change of an account at a time, so two admins deactivating each other at once cannot both
    pass the last-admin check (SQLite has one writer anyway)."""
    if session.bind.dialect.name == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(17_0001)))


async def change_account(
    session: AsyncSession, audit: AuditLog, actor: CurrentUser, user_id: int, version: str, changes: AccountChanges
) -> User:
    """Apply ``changes`` when ``version`` is the account's current one (else 409, nothing written); 422 naming the
    fields on a broken rule. Deactivating ends the employee's sessions and revokes their API tokens at once. A change
    that changes nothing writes nothing."""
    await _serialise_admin_changes(session)
    user = await get_user(session, user_id, lock=True)
    if version.strip() != version_of(user):
        raise Conflict(STALE_MESSAGE)
    roles = ordered(user.roles) if changes.roles is None else list(dict.fromkeys(changes.roles))
    codes = (
        list(user.service_codes)
        if changes.services is None
        else sorted({code.strip().upper() for code in changes.services if code.strip()})
    )
    name = user.name if changes.name is None else changes.name.strip()
    phone = user.phone if changes.phone is None else changes.phone.strip()
    cap = changes.max_caseload if changes.max_caseload_given else user.max_caseload
    if Role.CASEMANAGER.value not in roles and not changes.max_caseload_given:
        cap = None  # no longer a casemanager: the cap goes with the role
    active = user.is_active if changes.is_active is None else changes.is_active
    known = {code for code, _ in await service_choices(session)}
    errors = rules.check_roles(roles, codes, known)
    errors += rules.check_caseload(cap, roles)
    errors += rules.check_phone(phone)
    if not name:
        errors.append(FieldError("name", "Naam is verplicht"))
    errors += too_long("name", "De naam", name, MAX_NAME_LENGTH)
    was_admin = user.is_active and Role.ADMIN.value in user.roles
    errors += rules.check_admin_change(
        actor_id=actor.id,
        user_id=user.id,
        was_active_admin=was_admin,
        stays_active_admin=active and Role.ADMIN.value in roles,
        deactivating=user.is_active and not active,
        other_active_admins=await _other_active_admins(session, user.id) if was_admin else 1,
    )
    if errors:
        raise InvalidInput(errors)
    detail = _changes(user, name, roles, codes, phone, cap, active)
    if not detail:
        return user
    if set(roles) != set(user.roles):
        keep = [row for row in user.role_rows if row.role in roles]
        user.role_rows = keep + [UserRole(role=role) for role in roles if role not in set(user.roles)]
    if codes != list(user.service_codes):
        user.services = list(
            (await session.scalars(select(Service).where(Service.code.in_(codes)).order_by(Service.code))).all()
        )
    user.name, user.phone, user.max_caseload = name, phone, cap
    deactivated = user.is_active and not active
    user.is_active = active
    user.updated_at = datetime.now(UTC)
    await session.flush()
    if deactivated:
        tokens = await revoke_all_tokens(session, user.id)
        sessions = await end_sessions(session, user.id)
        detail.append(f"{sessions} sessie(s) beëindigd, {tokens} token(s) ingetrokken")
    audit.record(Action.UPDATE, "user", user.id, purpose=Purpose.BEHEER, detail="; ".join(detail))
    return user


def _changes(
    user: User, name: str, roles: list[str], codes: list[str], phone: str, cap: int | None, active: bool
) -> list[str]:
    shown: dict[int | None, object] = {None: "geen maximum"}
    changed = [
        f"{label}: {old!r} -> {new!r}"
        for label, old, new in (("naam", user.name, name), ("telefoon", user.phone, phone))
        if old != new
    ]
    if role_text := rules.role_change_text(user.roles, roles):
        changed.append(role_text)
    if codes != list(user.service_codes):
        changed.append(f"diensten: {' '.join(user.service_codes) or '-'} -> {' '.join(codes) or '-'}")
    if cap != user.max_caseload:
        changed.append(f"max_caseload: {shown.get(user.max_caseload, user.max_caseload)} -> {shown.get(cap, cap)}")
    if active != user.is_active:
        changed.append("geactiveerd" if active else "gedeactiveerd")
    return changed


async def end_sessions(session: AsyncSession, user_id: int) -> int:
    """Delete the employee's rows from the server-side session store, so every open session ends at once (not only
    at the next request's active check). The store holds each session as the backend's JSON; a session is the
    user's when its ``user_id`` is theirs. Read in one query; the rows are few (one per signed-in browser)."""
    in_store = select(SessionStoreEntry.id, SessionStoreEntry.value).where(SessionStoreEntry.namespace == "sessions")
    rows = (await session.execute(in_store)).all()
    theirs = [row.id for row in rows if _session_user(row.value) == user_id]
    if theirs:
        await session.execute(delete(SessionStoreEntry).where(SessionStoreEntry.id.in_(theirs)))
    return len(theirs)


def _session_user(value: bytes) -> object:
    try:
        data = msgspec.json.decode(value)
    except msgspec.DecodeError:
        return None
    return data.get("user_id") if isinstance(data, dict) else None


# ---------------------------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class TokenRow:
    id: int
    user_id: int
    owner_name: str
    owner_email: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _token_rows(where: ColumnElement[bool] | None = None) -> Select:  # type: ignore[type-arg]
    statement = select(
        ApiToken.id,
        ApiToken.user_id,
        User.name,
        User.email,
        ApiToken.name,
        ApiToken.created_at,
        ApiToken.last_used_at,
        ApiToken.revoked_at,
    ).join(User, User.id == ApiToken.user_id)
    return statement if where is None else statement.where(where)


async def list_tokens(
    session: AsyncSession,
    *,
    user_id: int | None = None,
    include_revoked: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[TokenRow]:
    """Tokens by newest first, one query with their owners; never their values (only hashes are stored)."""
    conditions = []
    if user_id is not None:
        conditions.append(ApiToken.user_id == user_id)
    if not include_revoked:
        conditions.append(ApiToken.revoked_at.is_(None))
    statement = _token_rows(and_(*conditions) if conditions else None)
    rows = (await session.execute(statement.order_by(ApiToken.id.desc()).offset(offset).limit(limit))).all()
    return [TokenRow(*row) for row in rows]


async def count_tokens(session: AsyncSession, *, include_revoked: bool = False) -> int:
    statement = select(func.count(ApiToken.id))
    if not include_revoked:
        statement = statement.where(ApiToken.revoked_at.is_(None))
    return int(await session.scalar(statement) or 0)


async def create_token(session: AsyncSession, audit: AuditLog, user_id: int, label: str) -> tuple[TokenRow, str]:
    """A new personal token for ``user_id``: the row and the value, which is shown once and never again (only its
    SHA-256 is stored)."""
    errors = rules.check_token_label(label)
    if errors:
        raise InvalidInput(errors)
    value = new_token()
    token = ApiToken(user_id=user_id, name=label.strip(), token_hash=token_hash(value))
    session.add(token)
    await session.flush()
    audit.record(
        Action.CREATE, "api_token", token.id, purpose=Purpose.BEHEER, detail=f"gebruiker {user_id}: {token.name!r}"
    )
    row = (await session.execute(_token_rows(ApiToken.id == token.id))).one()
    return TokenRow(*row), value


async def revoke_token(
    session: AsyncSession, audit: AuditLog, token_id: int, *, owner_id: int | None = None
) -> TokenRow:
    """Revoke a token (``owner_id``: only if it is theirs, else 404, so nobody learns of another's tokens). It
    answers 401 from the next request on. Revoking a revoked token changes nothing."""
    token = await session.get(ApiToken, token_id)
    if token is None or (owner_id is not None and token.user_id != owner_id):
        raise NotFound(TOKEN_NOT_FOUND)
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        await session.flush()
        audit.record(
            Action.UPDATE,
            "api_token",
            token.id,
            purpose=Purpose.BEHEER,
            detail=f"ingetrokken (gebruiker {token.user_id})",
        )
    row = (await session.execute(_token_rows(ApiToken.id == token.id))).one()
    return TokenRow(*row)


async def revoke_all_tokens(session: AsyncSession, user_id: int) -> int:
    result = await session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
