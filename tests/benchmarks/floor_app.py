"""The floor the benchmark compares casework reads against: the minimum personal-data read in this architecture.

``GET /api/v1/floor/{client_id}`` is served by the real app (``create_app``: the same middleware stack, plugins,
session-excluded API router with the bearer-token check, transaction middleware and security headers), behind the
same role guard. It does the least a read of personal data must do: one primary-key SELECT, one audit INSERT, the
commit before the answer starts, and a small JSON body. Whatever a casework read costs beyond this is its own work.

Served like the app: ``uvicorn tests.benchmarks.floor_app:create_floor_app --factory --workers 2`` with the same
``CASEMGMT_*`` environment and the options ``casemgmt run`` passes (``floor_command`` in ``run_benchmark.py``).
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar, Router, get
from litestar.middleware import DefineMiddleware
from litestar.params import FromPath
from sqlalchemy import bindparam, select

from casemgmt.app import create_app
from casemgmt.audit.dependencies import Audit
from casemgmt.auth.guards import requires_employee
from casemgmt.auth.middleware import TokenAuthMiddleware
from casemgmt.clients.models import Client
from casemgmt.db import DbSession
from casemgmt.errors import NotFound

FLOOR_PATH = "/api/v1/floor"


_READ = select(Client.id, Client.pseudonym, Client.name).where(Client.id == bindparam("client_id"))
"""Built once, as the app's hottest statements are."""


@get(f"{FLOOR_PATH}/{{client_id:int}}", guards=[requires_employee], include_in_schema=False)
async def floor(client_id: FromPath[int], db_session: DbSession, audit: Audit) -> dict[str, Any]:
    row = (await db_session.execute(_READ, {"client_id": client_id})).first()
    if row is None:
        raise NotFound("Klant niet gevonden")
    await audit.record_reads("client", [row.pseudonym], object_id=row.id)
    return {"id": row.id, "pseudonym": row.pseudonym, "name": row.name}


def register_floor(app: Litestar) -> Litestar:
    """Add the floor's route to an app built by ``create_app`` (also used by ``profile_request.py --floor``)."""
    app.register(Router(path="", route_handlers=[floor], middleware=[DefineMiddleware(TokenAuthMiddleware)]))
    return app


def create_floor_app() -> Litestar:
    return register_floor(create_app())
