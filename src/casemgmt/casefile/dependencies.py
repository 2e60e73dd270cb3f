"""The casefile's providers: the dossier service with the casefile's "may this dossier close?" check, the client
service and the client finder (Klant zoeken, Wie helpt deze klant?), both with the dossiers' involvement lookup for
need to know (``clients/access.py``) and the merge of an unidentified client (``casefile/identification.py``)."""

from __future__ import annotations

from litestar.di import NamedDependency

from casemgmt.audit.dependencies import Audit
from casemgmt.auth.dependencies import Actor
from casemgmt.casefile.closing import open_promises
from casemgmt.casefile.finding import ClientFinder
from casemgmt.casefile.identification import move_client_records
from casemgmt.casefile.object_references import ObjectReferences
from casemgmt.clients.services import ClientService
from casemgmt.db import DbSession
from casemgmt.dossiers.involvement import involved_clients
from casemgmt.dossiers.services import DossierService

Finder = NamedDependency[ClientFinder]
"""The request's client finder (``finder``): the client service plus the reads across dossiers and promises."""


async def provide_dossiers(db_session: DbSession, actor: Actor, audit: Audit) -> DossierService:
    return DossierService(db_session, actor, audit, closing_check=open_promises)


async def provide_clients(db_session: DbSession, actor: Actor, audit: Audit) -> ClientService:
    return ClientService(db_session, actor, audit, involved_clients=involved_clients, move_records=move_client_records)


async def provide_finder(db_session: DbSession, actor: Actor, audit: Audit) -> ClientFinder:
    return ClientFinder(db_session, actor, audit, involved_clients=involved_clients, move_records=move_client_records)


async def provide_object_references(db_session: DbSession, actor: Actor) -> ObjectReferences:
    """How the Logboek names the objects of its events (``audit`` is given it, sitting below the concepts)."""
    return ObjectReferences(db_session, actor)
