"""Finding the client and who helps them (KCC): the client search ("Klant zoeken", by BSN, name or dossier
reference) and the routing view "Wie helpt deze klant?" — open dossiers with their casemanager and accountmanagers
and their direct lines, today's representatives, and the open agreements with their owners (seed scenarios 6, 7).

Reads across clients, dossiers and commitments; the audit events are the client concept's (``client``,
``routing_view``). A search records one event per client found (action ``search``, all in one INSERT), so "who saw
client X?" finds searches too. Need to know (``clients/access.py``): a reader with the limited view gets the
client's name, pseudonym, the last digits of the BSN/KvK and the number of open dossiers, nothing about the dossiers,
their people, the representatives or the agreements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, select

from casemgmt.audit.services import Action
from casemgmt.auth.models import User
from casemgmt.clients import rules
from casemgmt.clients.access import ClientAccess
from casemgmt.clients.models import Client, ClientRepresentative
from casemgmt.clients.services import LIMITED_DETAIL, ClientService, ClientView, today_in_amsterdam
from casemgmt.commitments.models import Commitment
from casemgmt.directory.models import Service
from casemgmt.dossiers.involvement import ACTIVE
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.dossiers.services import Person
from casemgmt.errors import InvalidInput, too_long

SEARCH_LIMIT = 20
_PERSON = (User.id, User.name, User.phone)
"""The columns of a ``Person``: the employee with their direct line."""


@dataclass(frozen=True)
class SearchResult:
    query: rules.Query
    clients: list[ClientView]
    searched: bool  # False when the query was too short or not a valid BSN: nothing was looked up

    @property
    def message(self) -> str:
        if not self.query.text:
            return ""
        if self.query.looks_like_bsn:
            return f"{rules.BSN_MESSAGE}: controleer het nummer."
        if not self.searched:
            return f"Typ ten minste {rules.MIN_NAME_QUERY} tekens."
        if not self.clients:
            return "Geen klant gevonden."
        if len(self.clients) == 1:
            return "1 klant gevonden."
        more = " (de eerste 20; verfijn de zoekterm)" if len(self.clients) >= SEARCH_LIMIT else ""
        return f"{len(self.clients)} klanten gevonden{more}."


@dataclass(frozen=True)
class AccountmanagerLine:
    service: str
    service_name: str
    service_phone: str
    service_hours: str
    person: Person


@dataclass
class RoutingDossier:
    id: int
    ref: str
    subject: str
    status: str
    casemanager: Person
    accountmanagers: list[AccountmanagerLine] = field(default_factory=list)


@dataclass(frozen=True)
class RoutingView:
    """Who helps this client: open dossiers with their owners and direct lines, and current representatives.

    With the limited view (``access``) only the client's name and the number of open dossiers are filled in."""

    client: Client
    dossiers: list[RoutingDossier]
    representatives: list[ClientRepresentative]
    agreements: list[OpenAgreement] = field(default_factory=list)
    access: ClientAccess = ClientAccess.FULL
    open_dossiers: int = 0

    @property
    def full(self) -> bool:
        return self.access is ClientAccess.FULL

    @property
    def shown(self) -> ClientView:
        return ClientView(self.client, self.access)


@dataclass(frozen=True)
class OpenAgreement:
    """An open commitment to the client with its owner's direct line, so the KCC can connect the caller to the
    person who promised (seed scenarios 6 and 7)."""

    id: int
    kind: str
    description: str
    due_at: datetime
    owner: Person
    service: str | None
    dossier_ref: str | None


class ClientFinder(ClientService):
    """The client service plus the reads that look across the client's dossiers and promises."""

    # search -----------------------------------------------------------------------------------------------------

    async def search(self, raw_query: str) -> SearchResult:
        """A valid BSN finds exactly that client; ``D-…`` finds by dossier reference; otherwise by (part of) name."""
        self._require_employee()
        if errors := too_long("q", "De zoekterm", raw_query, rules.MAX_QUERY):
            raise InvalidInput(errors, errors[0].message)
        query = rules.classify_query(raw_query)
        if not query.searchable:
            return SearchResult(query, [], searched=False)
        statement = select(Client)
        if query.kind == "bsn":
            statement = statement.where(Client.bsn == query.text)
        elif query.kind == "ref":
            statement = statement.where(
                Client.id.in_(select(Dossier.client_id).where(Dossier.ref.startswith(query.text, autoescape=True)))
            )
        else:
            statement = statement.where(Client.name_normalised.contains(query.text, autoescape=True))
        clients = list(
            await self.session.scalars(statement.order_by(Client.name_normalised, Client.id).limit(SEARCH_LIMIT))
        )
        views = await self.views(clients)
        limited = sum(1 for view in views if not view.full)
        await self.audit.record_reads(
            "client",
            (c.pseudonym for c in clients),
            action=Action.SEARCH,
            detail=f"zoeksoort={query.kind}; resultaten={len(clients)}"
            + (f"; beperkte weergave={limited}" if limited else ""),
            keep_empty=True,
        )
        return SearchResult(query, views, searched=True)

    async def search_bsn(self, raw_bsn: str) -> SearchResult:
        """The API's ``?bsn=``: an invalid BSN is an input error rather than an empty result."""
        if rules.normalise_bsn(raw_bsn) is None:
            self._require_employee()
            raise InvalidInput.single("bsn", rules.BSN_MESSAGE)
        return await self.search(raw_bsn)

    # routing view -----------------------------------------------------------------------------------------------

    async def routing(self, client_id: int, today: date | None = None) -> RoutingView:
        """Open dossiers with owners and direct lines, today's representatives and open agreements: 5 queries (and
        up to 2 for the access decision); with the limited view only the number of open dossiers."""
        self._require_employee()
        client = await self._client(client_id)
        today = today or today_in_amsterdam()
        open_dossiers = and_(Dossier.client_id == client.id, Dossier.status != "closed")
        access = (await self.access_to([client]))[client.id]
        if access is not ClientAccess.FULL:
            count = await self.session.scalar(select(func.count(Dossier.id)).where(open_dossiers)) or 0
            self.audit.record(
                Action.READ, "routing_view", client.id, client_pseudonym=client.pseudonym, detail=LIMITED_DETAIL
            )
            return RoutingView(client, [], [], [], access=access, open_dossiers=count)
        dossier_rows = await self.session.execute(
            select(Dossier.id, Dossier.ref, Dossier.subject, Dossier.status, *_PERSON)
            .join(User, User.id == Dossier.casemanager_id)
            .where(open_dossiers)
            .order_by(Dossier.opened_at, Dossier.id)
        )
        dossiers = {row[0]: RoutingDossier(row[0], row[1], row[2], row[3], Person(*row[4:7])) for row in dossier_rows}
        if dossiers:
            assignment_rows = await self.session.execute(
                select(DossierAssignment.dossier_id, Service.code, Service.name, Service.phone, Service.hours, *_PERSON)
                .join(Service, Service.id == DossierAssignment.service_id)
                .join(User, User.id == DossierAssignment.user_id)
                .where(
                    DossierAssignment.dossier_id.in_(list(dossiers)),
                    DossierAssignment.role == "accountmanager",
                    ACTIVE,
                )
                .order_by(DossierAssignment.dossier_id, Service.code)
            )
            for row in assignment_rows:
                dossiers[row[0]].accountmanagers.append(
                    AccountmanagerLine(row[1], row[2], row[3], row[4], Person(*row[5:8]))
                )
        representatives = await self._current_representatives(client.id, today)
        agreements = await self._open_agreements(client.id)
        self.audit.record(Action.READ, "routing_view", client.id, client_pseudonym=client.pseudonym)
        return RoutingView(
            client, list(dossiers.values()), representatives, agreements, access=access, open_dossiers=len(dossiers)
        )

    async def _open_agreements(self, client_id: int) -> list[OpenAgreement]:
        rows = await self.session.execute(
            select(Commitment, *_PERSON, Service.code, Dossier.ref)
            .join(User, User.id == Commitment.owner_id)
            .outerjoin(Service, Service.id == Commitment.service_id)
            .outerjoin(Dossier, Dossier.id == Commitment.dossier_id)
            .where(Commitment.client_id == client_id, Commitment.status == "open")
            .order_by(Commitment.due_at)
        )
        return [
            OpenAgreement(c.id, c.kind, c.description, c.due_at, Person(*person), service, ref)
            for c, *person, service, ref in rows
        ]
