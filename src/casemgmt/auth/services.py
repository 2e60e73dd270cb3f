"""Employee accounts: creating users, checking passwords with the login throttle, API tokens, active sessions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, bindparam, delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.models import ApiToken, LoginFailure, User, UserRole, user_services
from casemgmt.auth.passwords import Passwords
from casemgmt.auth.roles import Role
from casemgmt.auth.throttle import LOCKOUT, MAX_ADDRESS_FAILURES, MAX_FAILURES, locked_until
from casemgmt.auth.tokens import new_token, token_hash
from casemgmt.directory.models import Service
from casemgmt.errors import FieldError, InvalidInput, NotFound, too_long

MAX_EMAIL_LENGTH = 254
"""The longest e-mail address there can be (RFC 5321), the column's length."""
MAX_PASSWORD_LENGTH = 1024
MAX_NAME_LENGTH = 200
"""An employee's name, the column's length."""
MAX_ADDRESS_LENGTH = 64


def normalise_email(email: str) -> str:
    return email.strip().lower()


def validate_account(email: str, name: str, roles: list[str], service_codes: list[str]) -> list[FieldError]:
    """The rules for an account, independent of the database (except that services must exist)."""
    errors: list[FieldError] = []
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        errors.append(FieldError("email", "Ongeldig e-mailadres"))
    if not name.strip():
        errors.append(FieldError("name", "Naam is verplicht"))
    errors += too_long("email", "Het e-mailadres", email.strip(), MAX_EMAIL_LENGTH)
    errors += too_long("name", "De naam", name.strip(), MAX_NAME_LENGTH)
    if not roles:
        errors.append(FieldError("roles", "Kies ten minste één rol"))
    known = {role.value for role in Role}
    for role in roles:
        if role not in known:
            errors.append(FieldError("roles", f"Onbekende rol '{role}'; kies uit {', '.join(sorted(known))}"))
    if Role.ACCOUNTMANAGER.value in roles and not service_codes:
        errors.append(FieldError("services", "Een accountmanager hoort bij ten minste één dienst"))
    return errors


@dataclass
class LoginResult:
    user: User | None
    locked_until: datetime | None = None


class Accounts:
    """The service for employee accounts. Takes an open session; the caller commits (a login attempt commits its own
    record first, see ``authenticate``)."""

    def __init__(self, session: AsyncSession, passwords: Passwords) -> None:
        self.session = session
        self.passwords = passwords

    async def create_user(
        self,
        *,
        email: str,
        name: str,
        roles: list[str],
        service_codes: list[str] | None = None,
        phone: str = "",
        password: str | None = None,
        is_active: bool = True,
    ) -> User:
        email = normalise_email(email)
        service_codes = [code.upper() for code in service_codes or []]
        errors = validate_account(email, name, roles, service_codes)
        services = (await self.session.scalars(select(Service).where(Service.code.in_(service_codes)))).all()
        missing = sorted(set(service_codes) - {s.code for s in services})
        if missing:
            errors.append(FieldError("services", f"Onbekende dienst: {', '.join(missing)}"))
        if await self.session.scalar(select(User.id).where(User.email == email)) is not None:
            errors.append(FieldError("email", f"Er bestaat al een gebruiker met e-mailadres {email}"))
        if errors:
            raise InvalidInput(errors)
        user = User(
            email=email,
            name=name.strip(),
            phone=phone.strip(),
            is_active=is_active,
            password_hash=await self.passwords.hash(password) if password else None,
            role_rows=[UserRole(role=role) for role in dict.fromkeys(roles)],
            services=list(services),
        )
        self.session.add(user)
        await self.session.flush()
        return user

    async def authenticate(
        self, email: str, password: str, now: datetime | None = None, address: str = ""
    ) -> LoginResult:
        """Check a login from client ``address``. A locked e-mail or address is refused without checking the password.

        The attempt is recorded as a failure and committed *before* the password is checked, the recording serialised
        per e-mail and per address, so parallel attempts count one another: at most ``MAX_FAILURES`` passwords are
        ever checked for one e-mail in a window. A right password removes the e-mail's failures (the caller commits
        that); a refused attempt is not counted. Input no real account can have (an e-mail longer than the column, a
        password beyond ``MAX_PASSWORD_LENGTH``) is a wrong login at once, recorded nowhere and never hashed.
        """
        now = now or datetime.now(UTC)
        email = normalise_email(email)
        if len(email) > MAX_EMAIL_LENGTH or len(password) > MAX_PASSWORD_LENGTH:
            return LoginResult(None)
        address = address[:MAX_ADDRESS_LENGTH]
        await self._serialise_attempts(email, address)
        attempt = LoginFailure(email=email, address=address, attempted_at=now)
        self.session.add(attempt)
        await self.session.flush()
        until = await self._locked_until(LoginFailure.email == email, attempt, now, MAX_FAILURES)
        if until is None and address:
            until = await self._locked_until(LoginFailure.address == address, attempt, now, MAX_ADDRESS_FAILURES)
        if until is not None:
            await self.session.delete(attempt)
            await self.session.commit()
            return LoginResult(None, locked_until=until)
        await self.session.commit()
        user = await self.session.scalar(select(User).where(User.email == email))
        ok = await self.passwords.verify(password, user.password_hash if user else None)
        if not ok or user is None or not user.is_active:
            return LoginResult(None)
        await self.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
        return LoginResult(user)

    async def _serialise_attempts(self, email: str, address: str) -> None:
        """PostgreSQL: one attempt per e-mail and per address at a time, until the attempt is committed (SQLite has a
        single writer: the attempt's INSERT already waits for any other)."""
        if self.session.bind.dialect.name == "postgresql":
            await self.session.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:email)), pg_advisory_xact_lock(hashtext(:address))"),
                {"email": f"login-email:{email}", "address": f"login-address:{address}"},
            )

    async def _locked_until(
        self, whose: ColumnElement[bool], attempt: LoginFailure, now: datetime, limit: int
    ) -> datetime | None:
        earlier = (
            await self.session.scalars(
                select(LoginFailure.attempted_at)
                .where(whose, LoginFailure.id < attempt.id, LoginFailure.attempted_at > now - LOCKOUT * 2)
                .order_by(LoginFailure.id.desc())
                .limit(limit)
            )
        ).all()
        return locked_until(sorted(earlier, reverse=True), now, limit)

    async def active_user(self, user_id: int) -> CurrentUser | None:
        """The active employee with this id, in one query (it runs on every request): a row per role × service."""
        return _current_user((await self.session.execute(_ACTIVE_USER, {"user_id": user_id})).all())

    async def create_token(self, email: str, name: str = "") -> str:
        user = await self.session.scalar(select(User).where(User.email == normalise_email(email)))
        if user is None:
            raise NotFound(f"Geen gebruiker met e-mailadres {email}")
        token = new_token()
        self.session.add(ApiToken(user_id=user.id, name=name, token_hash=token_hash(token)))
        await self.session.flush()
        return token

    async def user_for_token(self, token: str) -> CurrentUser | None:
        """The active employee holding this unrevoked token, in one query (it runs on every API request): revoking
        the token or deactivating the employee refuses the very next request."""
        return _current_user((await self.session.execute(_TOKEN_HOLDER, {"token_hash": token_hash(token)})).all())


def _identity() -> Select[Any]:
    """The active employee's identity: a row per role × service (``_current_user`` folds them)."""
    return (
        select(User.id, User.email, User.name, User.phone, UserRole.role, Service.code)
        .outerjoin(UserRole, UserRole.user_id == User.id)
        .outerjoin(user_services, user_services.c.user_id == User.id)
        .outerjoin(Service, Service.id == user_services.c.service_id)
        .where(User.is_active.is_(True))
    )


# Built once: both run on every request, and building a statement costs more than executing it from SQLAlchemy's
# compiled cache.
_ACTIVE_USER = _identity().where(User.id == bindparam("user_id"))
_TOKEN_HOLDER = _identity().join(
    ApiToken,
    (ApiToken.user_id == User.id)
    & (ApiToken.token_hash == bindparam("token_hash", type_=ApiToken.token_hash.type))
    & ApiToken.revoked_at.is_(None),
)


def _current_user(rows: Sequence[Row[Any]]) -> CurrentUser | None:
    if not rows:
        return None
    first = rows[0]
    return CurrentUser(
        id=first.id,
        email=first.email,
        name=first.name,
        phone=first.phone,
        roles=frozenset(Role(row.role) for row in rows if row.role is not None),
        service_codes=tuple(sorted({row.code for row in rows if row.code is not None})),
    )
