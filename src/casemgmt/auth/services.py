"""Employee accounts: creating users, checking passwords with the login throttle, API tokens, active sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.models import ApiToken, LoginFailure, User, UserRole, user_services
from casemgmt.auth.passwords import Passwords
from casemgmt.auth.roles import Role
from casemgmt.auth.throttle import LOCKOUT, MAX_FAILURES, locked_until
from casemgmt.auth.tokens import new_token, token_hash
from casemgmt.directory.models import Service
from casemgmt.errors import FieldError, InvalidInput, NotFound


def normalise_email(email: str) -> str:
    return email.strip().lower()


def validate_account(email: str, name: str, roles: list[str], service_codes: list[str]) -> list[FieldError]:
    """The rules for an account, independent of the database (except that services must exist)."""
    errors: list[FieldError] = []
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        errors.append(FieldError("email", "Ongeldig e-mailadres"))
    if not name.strip():
        errors.append(FieldError("name", "Naam is verplicht"))
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
    """The service for employee accounts. Takes an open session; the caller commits."""

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

    async def authenticate(self, email: str, password: str, now: datetime | None = None) -> LoginResult:
        """Check a login. Failed attempts are recorded; a locked e-mail is refused without checking the password."""
        now = now or datetime.now(UTC)
        email = normalise_email(email)
        recent = (
            await self.session.scalars(
                select(LoginFailure.attempted_at)
                .where(LoginFailure.email == email, LoginFailure.attempted_at > now - LOCKOUT * 2)
                .order_by(LoginFailure.attempted_at.desc())
                .limit(MAX_FAILURES)
            )
        ).all()
        until = locked_until(list(recent), now)
        if until is not None:
            return LoginResult(None, locked_until=until)
        user = await self.session.scalar(select(User).where(User.email == email))
        ok = await self.passwords.verify(password, user.password_hash if user else None)
        if not ok or user is None or not user.is_active:
            self.session.add(LoginFailure(email=email, attempted_at=now))
            await self.session.flush()
            return LoginResult(None)
        await self.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
        return LoginResult(user)

    async def active_user(self, user_id: int) -> CurrentUser | None:
        """The active employee with this id, in one query (it runs on every request): a row per role × service."""
        rows = (
            await self.session.execute(
                select(User.id, User.email, User.name, User.phone, UserRole.role, Service.code)
                .outerjoin(UserRole, UserRole.user_id == User.id)
                .outerjoin(user_services, user_services.c.user_id == User.id)
                .outerjoin(Service, Service.id == user_services.c.service_id)
                .where(User.id == user_id, User.is_active.is_(True))
            )
        ).all()
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

    async def create_token(self, email: str, name: str = "") -> str:
        user = await self.session.scalar(select(User).where(User.email == normalise_email(email)))
        if user is None:
            raise NotFound(f"Geen gebruiker met e-mailadres {email}")
        token = new_token()
        self.session.add(ApiToken(user_id=user.id, name=name, token_hash=token_hash(token)))
        await self.session.flush()
        return token

    async def user_for_token(self, token: str) -> CurrentUser | None:
        user_id = await self.session.scalar(
            select(ApiToken.user_id).where(ApiToken.token_hash == token_hash(token), ApiToken.revoked_at.is_(None))
        )
        if user_id is None:
            return None
        return await self.active_user(user_id)
