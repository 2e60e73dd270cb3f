"""The start page: what a logged-in employee sees first, chosen by role; and the health check."""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response, get
from litestar.response import Template
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.guards import current_user


@get("/", name="home", include_in_schema=False)
async def home(request: Request[Any, Any, Any]) -> Template:
    user = current_user(request)
    return Template("home/start.html", context={"user": user})


@get("/health", name="health", opt={"public": True}, include_in_schema=False, media_type=MediaType.JSON)
async def health(db_session: AsyncSession) -> Response[dict[str, str]]:
    try:
        await db_session.execute(text("SELECT 1"))
    except Exception:  # any failure to reach the database means "not healthy"
        return Response({"status": "error", "database": "unreachable"}, status_code=503)
    return Response({"status": "ok", "database": "ok"})
