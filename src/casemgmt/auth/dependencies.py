"""The logged-in employee as a handler dependency (``actor``)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency

from casemgmt.auth.guards import current_user
from casemgmt.auth.identity import CurrentUser

Actor = NamedDependency[CurrentUser]
"""The logged-in employee (``actor``)."""


async def provide_actor(request: Request[Any, Any, Any]) -> CurrentUser:
    return current_user(request)
