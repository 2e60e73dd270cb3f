"""``GET /api/v1/dossiers/export`` (streamed JSON Lines) and ``POST /api/v1/dossiers/import`` — admins only.

Export: the filters ``pilot``, ``from`` and ``to`` (dates, on ``opened_at``) as for the CLI; the body is streamed
line by line from its own database session, read in keyset batches (``export.py``), so a worker's memory stays
bounded however many dossiers there are. The audit event is written in the request's transaction before the first
byte is sent. An unknown pilot or a period running backwards answers 422 before streaming starts.

Import: the body is JSON Lines (``application/x-ndjson`` or ``text/plain``), read as a stream and split on
newlines; ``?create_users=true`` creates unknown employees as inactive accounts; progress (lines read, per batch)
goes to the log. 200 with the import summary, or 422 ``{"errors": [{"line", "path", "message"}], ...}`` with
nothing written (the request's transaction rolls back).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated, Any

import msgspec
from litestar import MediaType, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery, QueryParameter
from litestar.response import Stream
from sqlalchemy.ext.asyncio import async_sessionmaker

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.auth.guards import requires_admin
from casemgmt.db import DbSession
from casemgmt.exchange.export import DossierExport, ExportFilter, record_export
from casemgmt.exchange.importer import DossierImportRejected, import_dossiers, split_lines
from casemgmt.exchange.schema import DossierImportReportOut, DossierLine
from casemgmt.web.routes import file_import

log = logging.getLogger(__name__)

TAGS = ["dossieruitwisseling"]
NDJSON = "application/x-ndjson"
MAX_IMPORT_BYTES = 4 * 1024**3
"""A ``large`` export is well over a gigabyte; the body is streamed, never held in memory as a whole."""


@get(
    "/api/v1/dossiers/export",
    tags=TAGS,
    summary="Export dossiers as JSON Lines (streamed; one dossier per line)",
    guards=[requires_admin],
    media_type=NDJSON,
    responses={
        200: ResponseSpec(
            DossierLine, media_type=NDJSON, description="JSON Lines: one dossier per line", generate_examples=False
        )
    },
)
async def api_export(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    audit: Audit,
    pilot: FromQuery[str | None] = None,
    date_from: Annotated[date | None, QueryParameter(name="from")] = None,
    date_to: Annotated[date | None, QueryParameter(name="to")] = None,
) -> Stream:
    filters = ExportFilter(pilot=pilot, date_from=date_from, date_to=date_to)
    export = DossierExport(db_session, filters)
    await export.prepare()  # 422 for an unknown pilot, before anything is streamed
    await record_export(audit, export, "API")
    engine = request.app.state.engine

    async def body() -> AsyncIterator[bytes]:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            export = DossierExport(session, filters)
            async for line in export.lines():
                yield (line + "\n").encode()

    return Stream(
        body(),
        media_type=NDJSON,
        headers={"Content-Disposition": 'attachment; filename="dossiers.jsonl"', "Cache-Control": "no-store"},
    )


@file_import(
    "/api/v1/dossiers/import",
    TAGS,
    "Import dossiers from a JSON Lines body; all or nothing",
    [requires_admin],
    MAX_IMPORT_BYTES,
    DossierImportReportOut,
    "An invalid line: nothing imported",
)
async def api_import(
    request: Request[Any, Any, Any],
    db_session: DbSession,
    actor: Actor,
    audit: Audit,
    create_users: FromQuery[bool] = False,
) -> Response[DossierImportReportOut]:
    try:
        report = await import_dossiers(
            db_session,
            split_lines(request.stream()),
            create_users=create_users,
            actor_id=actor.id,
            audit=audit,
            source="API",
            progress=lambda line: log.info("dossierimport door %s: regel %d gelezen", actor.email, line),
        )
    except DossierImportRejected as exc:
        rejected = msgspec.convert({**exc.report.as_json(), "imported": 0}, DossierImportReportOut)
        return Response(rejected, status_code=422, media_type=MediaType.JSON)
    return Response(
        msgspec.convert(report.as_json(), DossierImportReportOut), status_code=200, media_type=MediaType.JSON
    )


API_HANDLERS: list[Any] = [api_export, api_import]
