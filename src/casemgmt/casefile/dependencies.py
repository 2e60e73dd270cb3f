"""The casefile's providers: the dossier service with the casefile's "may this dossier close?" check."""

from __future__ import annotations

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.casefile.closing import open_promises
from casemgmt.db import DbSession
from casemgmt.dossiers.services import DossierService


async def provide_dossiers(db_session: DbSession, actor: Actor, audit: Audit) -> DossierService:
    return DossierService(db_session, actor, audit, closing_check=open_promises)
