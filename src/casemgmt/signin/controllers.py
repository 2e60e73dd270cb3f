"""The login pages: the password form (``/login``), signing in with the municipality's account through OpenID Connect
(``/login/oidc`` starts, ``/login/oidc/callback`` finishes) and logging out (``/logout``, also at the provider when it
offers RP-initiated logout). Every login, refusal and logout is audited."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery, QueryParameter
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy import select

from casemgmt.auth.guards import current_user
from casemgmt.auth.middleware import start_new_session
from casemgmt.auth.models import User
from casemgmt.auth.services import MAX_EMAIL_LENGTH, Accounts, normalise_email
from casemgmt.auth.throttle import LOCKOUT
from casemgmt.db import DbSession
from casemgmt.settings import Settings
from casemgmt.signin.provider import OpenIDProvider, PendingSignIn
from casemgmt.signin.rules import (
    DEFAULT_GROUP_MAP,
    GroupMap,
    Refusal,
    SignInRefused,
    identity_from_claims,
    parse_group_map,
)
from casemgmt.signin.services import SignIns, record_failure, record_login, record_logout
from casemgmt.web.security import request_id_of

WRONG_CREDENTIALS = "Onjuist e-mailadres of wachtwoord"
LOCKED = (
    f"Te veel mislukte inlogpogingen voor dit e-mailadres of vanaf deze computer. Probeer het over "
    f"{int(LOCKOUT.total_seconds() // 60)} minuten opnieuw."
)
PASSWORD_LOGIN_OFF = "Inloggen met een wachtwoord staat uit. Log in met de knop 'Inloggen met uw gemeenteaccount'."  # noqa: S105
PENDING_KEY = "oidc_pending"
ID_TOKEN_KEY = "oidc_id_token"  # noqa: S105 (a session key)
PENDING_MAX_AGE_SECONDS = 600
"""A sign-in started longer ago is refused at its callback (the provider's login page was left open too long)."""
MAX_PENDING = 5
"""Sign-ins started at once in one browser (tabs); the oldest is forgotten first."""


class LoginForm(BaseModel):
    email: str = ""
    password: str = ""
    next: str = ""


def safe_next(target: str) -> str:
    """Only same-site paths are followed after login (no open redirect)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _provider(request: Request[Any, Any, Any]) -> OpenIDProvider | None:
    provider: OpenIDProvider | None = request.app.state.oidc
    return provider


def login_page(
    request: Request[Any, Any, Any], form: dict[str, str], error: str | None = None, status_code: int = 200
) -> Template:
    settings = _settings(request)
    return Template(
        "auth/login.html",
        context={
            "form": form,
            "error": error,
            "password_login": settings.password_login,
            "oidc_enabled": settings.oidc_enabled,
        },
        status_code=status_code,
    )


def refused_page(refused: SignInRefused) -> Template:
    return Template(
        "auth/signin_refused.html",
        context={"message": refused.message, "reason": refused.reason.value},
        status_code=refused.status_code,
    )


def _pending(request: Request[Any, Any, Any]) -> dict[str, dict[str, Any]]:
    stored = request.session.get(PENDING_KEY)
    return dict(stored) if isinstance(stored, dict) else {}


class LoginController(Controller):
    path = "/"
    include_in_schema = False
    opt = {"public": True}

    @get("/login", name="login")
    async def login_form(self, request: Request[Any, Any, Any], next: FromQuery[str] = "") -> Template:
        return login_page(request, {"email": "", "next": safe_next(next)})

    @post("/login", name="login.submit")
    async def login(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Template | Redirect:
        form = {"email": data.email, "next": safe_next(data.next)}
        request_id = request_id_of(request.scope)
        if not _settings(request).password_login:
            return login_page(request, form, PASSWORD_LOGIN_OFF, status_code=403)
        accounts = Accounts(db_session, request.app.state.passwords)
        address = request.client.host if request.client else ""
        result = await accounts.authenticate(data.email, data.password, address=address)
        if result.user is None:
            email = normalise_email(data.email)
            known = await db_session.scalar(select(User.id).where(User.email == email)) if email else None
            why = "geblokkeerd (te veel pogingen)" if result.locked_until is not None else "onjuist wachtwoord"
            detail = f"wachtwoord: {why}" if known else "wachtwoord: onbekend e-mailadres"
            record_failure(db_session, request_id, detail, known)
            await db_session.commit()  # keep the recorded failure, even though we answer 401/429
            if result.locked_until is not None:
                return login_page(request, form, LOCKED, status_code=429)
            return login_page(request, form, WRONG_CREDENTIALS, status_code=401)
        record_login(db_session, result.user, request_id, "wachtwoord")
        # Commit first: the session store writes through its own connection, which SQLite would make wait.
        await db_session.commit()
        await start_new_session(request, {"user_id": result.user.id})
        return Redirect(safe_next(data.next), status_code=303)

    @get("/login/oidc", name="login.oidc")
    async def start_oidc(
        self, request: Request[Any, Any, Any], db_session: DbSession, next: FromQuery[str] = ""
    ) -> Template | Redirect:
        """Send the browser to the provider's login page, keeping state, nonce and PKCE verifier in the session."""
        provider = _provider(request)
        try:
            if provider is None:
                raise SignInRefused(Refusal.NOT_CONFIGURED)
            url, pending = await provider.start(safe_next(next))
        except SignInRefused as refused:
            if refused.reason is not Refusal.NOT_CONFIGURED:
                record_failure(
                    db_session, request_id_of(request.scope), f"OpenID Connect: {refused.reason}; {refused.detail}"
                )
                await db_session.commit()
            return refused_page(refused)
        kept = {
            state: entry
            for state, entry in _pending(request).items()
            if isinstance(entry, dict)
            and provider.clock() - float(entry.get("started_at", 0)) < PENDING_MAX_AGE_SECONDS
        }
        kept[pending.state] = {
            "nonce": pending.nonce,
            "code_verifier": pending.code_verifier,
            "next": pending.next,
            "started_at": pending.started_at,
        }
        request.session[PENDING_KEY] = dict(list(kept.items())[-MAX_PENDING:])
        return Redirect(url, status_code=302)

    @get("/login/oidc/callback", name="login.oidc.callback")
    async def finish_oidc(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        code: FromQuery[str] = "",
        returned_state: Annotated[str, QueryParameter(name="state")] = "",
        error: FromQuery[str] = "",
    ) -> Template | Redirect:
        """The provider's answer: the state is taken out of the session (once only), the code exchanged, the ID token
        verified, the employee found or created with the roles of their groups, and a new session started."""
        provider = _provider(request)
        request_id = request_id_of(request.scope)
        try:
            if provider is None:
                raise SignInRefused(Refusal.NOT_CONFIGURED)
            pending_all = _pending(request)
            state = returned_state
            entry = pending_all.pop(state, None) if state else None
            if pending_all:
                request.session[PENDING_KEY] = pending_all
            else:
                request.session.pop(PENDING_KEY, None)
            if error:
                raise SignInRefused(Refusal.PROVIDER_ERROR, f"error={error[:100]}")
            if not isinstance(entry, dict) or provider.clock() - float(entry.get("started_at", 0)) >= (
                PENDING_MAX_AGE_SECONDS
            ):
                raise SignInRefused(Refusal.UNKNOWN_STATE, "state unknown, used or expired")
            if not code:
                raise SignInRefused(Refusal.NO_CODE)
            pending = PendingSignIn(
                state=state,
                nonce=str(entry["nonce"]),
                code_verifier=str(entry["code_verifier"]),
                next=str(entry.get("next", "/")),
                started_at=float(entry["started_at"]),
            )
            claims, id_token = await provider.finish(code, pending)
            identity = identity_from_claims(claims, _settings(request).oidc_groups_claim)
            signins = SignIns(
                db_session,
                request.app.state.group_map,
                create_users=_settings(request).oidc_create_users,
                request_id=request_id,
            )
            try:
                user = await signins.sign_in(identity)
            except SignInRefused as refused:
                refused.detail = f"sub {identity.subject}; {refused.detail}"
                raise
        except SignInRefused as refused:
            if refused.reason is not Refusal.NOT_CONFIGURED:
                await db_session.rollback()  # nothing of a refused sign-in is written, but its audit event
                detail = f"OpenID Connect: {refused.reason}; {refused.detail}"
                record_failure(db_session, request_id, detail, refused.user_id)
                await db_session.commit()
            return refused_page(refused)
        record_login(db_session, user, request_id, f"OpenID Connect ({identity.issuer})")
        target, user_id = pending.next, user.id
        await db_session.commit()
        await start_new_session(request, {"user_id": user_id, ID_TOKEN_KEY: id_token})
        return Redirect(safe_next(target), status_code=303)

    @post("/logout", name="logout", opt={"public": False})
    async def logout(self, request: Request[Any, Any, Any], db_session: DbSession) -> Redirect:
        """End the local session; signed in through the provider, end the provider's session too (RP-initiated
        logout, when the provider offers it)."""
        id_token = request.session.get(ID_TOKEN_KEY)
        record_logout(db_session, current_user(request), request_id_of(request.scope))
        await db_session.commit()
        request.clear_session()
        provider = _provider(request)
        if provider is not None and isinstance(id_token, str):
            url = await provider.logout_url(id_token)
            if url:
                return Redirect(url, status_code=303)
        return Redirect("/login", status_code=303)


def build_signin(settings: Settings) -> tuple[OpenIDProvider | None, GroupMap]:
    """The provider (None without ``CASEMGMT_OIDC_ISSUER``) and the group map, from settings; ``ValueError`` naming the
    setting when the group map names an unknown role."""
    group_map = parse_group_map(settings.group_map or DEFAULT_GROUP_MAP)
    return (OpenIDProvider(settings) if settings.oidc_enabled else None), group_map


__all__ = ["MAX_EMAIL_LENGTH", "LoginController", "build_signin"]
