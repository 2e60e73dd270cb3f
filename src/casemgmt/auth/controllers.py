"""``GET /api/v1/me``: the token's user. (The login pages are in ``signin/``, above the audit log they write to.)"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get

from casemgmt.auth.guards import current_user


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


__all__ = ["MeOut", "me"]
