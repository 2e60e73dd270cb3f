"""Login and logout pages, and ``GET /api/v1/me``."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template
from pydantic import BaseModel

from casemgmt.auth.guards import current_user
from casemgmt.auth.middleware import start_new_session
from casemgmt.auth.services import Accounts
from casemgmt.auth.throttle import LOCKOUT
from casemgmt.db import DbSession

WRONG_CREDENTIALS = "Onjuist e-mailadres of wachtwoord"
LOCKED = (
    f"Te veel mislukte inlogpogingen voor dit e-mailadres of vanaf deze computer. Probeer het over "
    f"{int(LOCKOUT.total_seconds() // 60)} minuten opnieuw."
)


class LoginForm(BaseModel):
    email: str = ""
    password: str = ""
    next: str = ""


def safe_next(target: str) -> str:
    """Only same-site paths are followed after login (no open redirect)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


class LoginController(Controller):
    path = "/"
    include_in_schema = False
    opt = {"public": True}

    @get("/login", name="login")
    async def login_page(self, request: Request[Any, Any, Any], next: FromQuery[str] = "") -> Template:
        return Template("auth/login.html", context={"form": {"email": "", "next": safe_next(next)}})

    @post("/login", name="login.submit")
    async def login(
        self,
        request: Request[Any, Any, Any],
        db_session: DbSession,
        data: Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Template | Redirect:
        accounts = Accounts(db_session, request.app.state.passwords)
        address = request.client.host if request.client else ""
        result = await accounts.authenticate(data.email, data.password, address=address)
        form = {"email": data.email, "next": safe_next(data.next)}
        if result.locked_until is not None:
            return Template("auth/login.html", context={"form": form, "error": LOCKED}, status_code=429)
        if result.user is None:
            await db_session.commit()  # keep the recorded failure, even though we answer 401
            return Template("auth/login.html", context={"form": form, "error": WRONG_CREDENTIALS}, status_code=401)
        # Commit first: the session store writes through its own connection, which SQLite would make wait.
        await db_session.commit()
        await start_new_session(request, {"user_id": result.user.id})
        return Redirect(safe_next(data.next), status_code=303)

    @post("/logout", name="logout", opt={"public": False})
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        request.clear_session()
        return Redirect("/login", status_code=303)


class MeOut(msgspec.Struct):
    """The token's user: roles in a fixed order, services by code."""

    id: int
    name: str
    email: str
    phone: str
    roles: list[str]
    services: list[str]


@get("/api/v1/me", tags=["gebruikers"], summary="The token's user")
async def me(request: Request[Any, Any, Any]) -> MeOut:
    user = current_user(request)
    return MeOut(
        id=user.id,
        name=user.name,
        email=user.email,
        phone=user.phone,
        roles=[role.value for role in user.sorted_roles],
        services=list(user.service_codes),
    )


__all__ = ["LoginController", "MeOut", "flash", "me"]
