"""Signing an employee in from a verified identity, and the audit events of every login, refusal, logout and role
change.

An employee is found by (issuer, ``sub``). At their first sign-in through the provider an existing account with the
same e-mail address that is not linked to the provider yet is linked (so accounts an administrator made beforehand,
or password accounts moving to the provider, keep their history); otherwise one is created when
``CASEMGMT_OIDC_CREATE_USERS`` allows it. At every sign-in the roles and services are replaced by what the groups
give (``rules.grant_for``); a change is its own audit event. Nothing is written for a refused sign-in but its audit
event."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import Action, AuditLog, Purpose
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.models import User, UserRole
from casemgmt.auth.roles import Role
from casemgmt.directory.models import Service
from casemgmt.signin.rules import GroupMap, Identity, Refusal, SignInRefused, grant_for, role_change


class LoginAction:
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    ROLE_CHANGE = "role_change"


def record_login(session: AsyncSession, user: User, request_id: str, how: str) -> None:
    """The employee signed in (``how``: ``wachtwoord`` or ``OpenID Connect``)."""
    AuditLog(session, CurrentUser.from_user(user), request_id).record(
        LoginAction.LOGIN, "user", user.id, purpose=Purpose.BEHEER, detail=how
    )


def record_failure(session: AsyncSession, request_id: str, detail: str, user_id: int | None = None) -> None:
    """A refused sign-in: no actor (nobody signed in), the account it was for when known."""
    AuditLog(session, None, request_id).record(
        LoginAction.LOGIN_FAILED, "user", user_id or "", purpose=Purpose.BEHEER, detail=detail
    )


def record_logout(session: AsyncSession, actor: CurrentUser, request_id: str) -> None:
    AuditLog(session, actor, request_id).record(LoginAction.LOGOUT, "user", actor.id, purpose=Purpose.BEHEER)


class SignIns:
    """Sign-ins through the provider, in the request's session; flushes, never commits."""

    def __init__(self, session: AsyncSession, group_map: GroupMap, *, create_users: bool, request_id: str) -> None:
        self.session = session
        self.group_map = group_map
        self.create_users = create_users
        self.request_id = request_id

    async def sign_in(self, identity: Identity) -> User:
        """The active employee for ``identity`` with their roles and services replaced by their groups'; refused
        (``SignInRefused``) before anything is written when the groups give no role, name an unknown service, or the
        account is deactivated, unknown (and not to be created) or taken."""
        grant = grant_for(identity.groups, self.group_map)
        if not grant.roles:
            raise SignInRefused(Refusal.NO_ROLE, f"groups {', '.join(identity.groups) or '(none)'}")
        if Role.ACCOUNTMANAGER.value in grant.roles and not grant.services:
            raise SignInRefused(Refusal.NO_SERVICE, f"groups {', '.join(identity.groups)}")
        services = (await self.session.scalars(select(Service).where(Service.code.in_(grant.services)))).all()
        missing = sorted(set(grant.services) - {service.code for service in services})
        if missing:
            raise SignInRefused(Refusal.UNKNOWN_SERVICE, f"unknown services {', '.join(missing)}")
        user = await self._find(identity)
        if user is not None and not user.is_active:
            raise SignInRefused(Refusal.DEACTIVATED, f"user {user.id}", user.id)
        created = user is None
        if user is None:
            user = self._create(identity)
        old_roles, old_services = user.roles, user.service_codes
        held = {row.role: row for row in user.role_rows}
        user.role_rows = [held.get(role) or UserRole(role=role) for role in grant.roles]
        user.services = sorted(services, key=lambda service: service.code)
        await self.session.flush()
        change = role_change(old_roles, grant.roles, old_services, grant.services)
        if created:
            AuditLog(self.session, CurrentUser.from_user(user), self.request_id).record(
                Action.CREATE, "user", user.id, purpose=Purpose.BEHEER, detail=f"bij de eerste aanmelding; {change}"
            )
        elif change:
            AuditLog(self.session, CurrentUser.from_user(user), self.request_id).record(
                LoginAction.ROLE_CHANGE,
                "user",
                user.id,
                purpose=Purpose.BEHEER,
                detail=f"{change} (groepen bij de inlogdienst)",
            )
        return user

    async def _find(self, identity: Identity) -> User | None:
        user = await self.session.scalar(
            select(User).where(User.oidc_issuer == identity.issuer, User.oidc_subject == identity.subject)
        )
        if user is not None or identity.email is None:
            return user
        user = await self.session.scalar(select(User).where(User.email == identity.email))
        if user is None:
            return None
        if user.oidc_subject is not None:
            raise SignInRefused(Refusal.EMAIL_TAKEN, f"user {user.id} is linked to another subject", user.id)
        user.oidc_issuer, user.oidc_subject = identity.issuer, identity.subject
        return user

    def _create(self, identity: Identity) -> User:
        if not self.create_users:
            raise SignInRefused(Refusal.UNKNOWN_USER, f"sub {identity.subject}")
        if identity.email is None:
            raise SignInRefused(Refusal.NO_EMAIL, f"sub {identity.subject}")
        user = User(
            email=identity.email,
            name=identity.name,
            phone="",
            is_active=True,
            password_hash=None,
            oidc_issuer=identity.issuer,
            oidc_subject=identity.subject,
            role_rows=[],
            services=[],
        )
        self.session.add(user)
        return user
