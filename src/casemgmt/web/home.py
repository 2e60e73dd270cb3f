"""The start page: what a logged-in employee sees first, chosen by role; and the health check.

KCC agents start at Klant zoeken, casemanagers and accountmanagers at their Werkvoorraad; admins and evaluators
see their roles and services with the pages open to them.
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, get
from litestar.response import Redirect, Template
from sqlalchemy import text

from casemgmt.auth.guards import current_user
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.roles import Role
from casemgmt.db import DbSession
from casemgmt.web.navigation import navigation_for

START_PAGES = {Role.CASEMANAGER: "/werkvoorraad", Role.ACCOUNTMANAGER: "/werkvoorraad", Role.KCC_AGENT: "/klanten"}


def start_page_for(user: CurrentUser) -> str | None:
    """Where the user's primary role starts, or None for the overview page."""
    return START_PAGES.get(user.primary_role)


@get("/", name="home", include_in_schema=False)
async def home(request: Request[Any, Any, Any]) -> Template | Redirect:
    user = current_user(request)
    target = start_page_for(user)
    if target is not None:
        return Redirect(target, status_code=303)
    pages = [item for item in navigation_for(user) if item.href != "/"]
    return Template("home/start.html", context={"user": user, "pages": pages})


@get("/start", name="overview", include_in_schema=False)
async def overview(request: Request[Any, Any, Any]) -> Template:
    """The overview page for every role: roles, services and the pages open to the user."""
    user = current_user(request)
    pages = [item for item in navigation_for(user) if item.href != "/"]
    return Template("home/start.html", context={"user": user, "pages": pages})


@get("/health", name="health", opt={"public": True}, include_in_schema=False, media_type=MediaType.JSON)
async def health(db_session: DbSession) -> Response[dict[str, str]]:
    try:
        await db_session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not healthy"
        return Response({"status": "error", "database": "unreachable"}, status_code=503)
    return Response({"status": "ok", "database": "ok"})
