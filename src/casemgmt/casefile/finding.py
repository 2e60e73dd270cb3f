"""Finding the client and who helps them (KCC): the client search ("Klant zoeken": one box, ranked: BSN, KvK,
phone number, postcode with house number, dossier reference, a reference of another system on a dossier or contact,
the start of the family name or of another word of the name, diacritics-insensitive; one small function per kind; a
date of birth narrows any search; a merged client is never found, its target is) and the routing view "Wie helpt
deze klant?" — open dossiers with their casemanager and accountmanagers and their direct lines, today's
representatives, the open agreements with their owners (seed scenarios 6, 7) and who last corrected the details.

Reads across clients, dossiers and commitments; the audit events are the client concept's (``client``,
``routing_view``). A search records one event per client found (action ``search``, all in one INSERT), so "who saw
client X?" finds searches too. Need to know (``clients/access.py``): a reader with the limited view gets the
client's name, pseudonym, the last digits of the BSN/KvK and the number of open dossiers, nothing about the dossiers,
their people, the representatives or the agreements.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, union_all
from sqlalchemy.orm import aliased

from casemgmt.audit.services import Action
from casemgmt.auth.models import User
from casemgmt.clients import rules
from casemgmt.clients.access import ClientAccess
from casemgmt.clients.models import Client, ClientRepresentative
from casemgmt.clients.services import LIMITED_DETAIL, ClientService, ClientView, LastChange, today_in_amsterdam
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact
from casemgmt.directory.hours import describe, open_state
from casemgmt.directory.models import Service
from casemgmt.directory.opening import hours_of
from casemgmt.dossiers.involvement import ACTIVE
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.dossiers.services import Person
from casemgmt.errors import InvalidInput, too_long
from casemgmt.references.models import ExternalReference
from casemgmt.references.rules import lookup_forms

SEARCH_LIMIT = 20
_PERSON = (User.id, User.name, User.phone)
_TEAM = aliased(Service)
"""The team (service) that owns a commitment, beside the service it was made for."""
"""The columns of a ``Person``: the employee with their direct line."""


Hit = tuple[int, str]
"""A client found and why (``BSN``, ``KvK``, ``dossier D-…``, ``kenmerk …``, ``naam``), best first."""
NAME_REASON = "naam"


@dataclass(frozen=True)
class SearchResult:
    query: rules.Query
    clients: list[ClientView]
    searched: bool  # False when the query was too short or not a valid BSN: nothing was looked up
    reasons: dict[int, str] = field(default_factory=dict)
    kinds: tuple[str, ...] = ()
    """The kinds that found the clients (``external_ref`` and ``name`` for text), for the audit event."""

    def reason(self, client_id: int) -> str:
        return self.reasons.get(client_id, "")

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
    service_open: bool = False
    service_state: str = ""
    """"Nu open (tot 17:00)" or "Gesloten", from the service's opening hours."""


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
    last_change: LastChange | None = None  # who last corrected the details, and when (full view only)

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
    owner: Person | None
    """The person who keeps it; None while a team owns it (``owner_service``)."""
    service: str | None
    dossier_ref: str | None
    owner_service: str | None = None
    owner_service_phone: str | None = None


def _eligible(birth_date: date | None) -> list[ColumnElement[bool]]:
    """What every search asks of a client: not merged into another (its records live there), and born on
    ``birth_date`` when that narrows the search."""
    where: list[ColumnElement[bool]] = [Client.merged_into_id.is_(None)]
    if birth_date is not None:
        where.append(Client.birth_date == birth_date)
    return where


def _clients_where(where: list[ColumnElement[bool]]) -> Any:
    """The ids of the clients a search may find, for the searches that start from dossiers and contacts."""
    return select(Client.id).where(*where)


def _phone_matches(query: rules.Query) -> ColumnElement[bool]:
    """Clients whose stored (E.164) phone number is the number asked for (index ``ix_clients_phone``)."""
    return Client.phone == query.text


def _address_matches(query: rules.Query) -> ColumnElement[bool]:
    """Clients at the postcode and house number asked for (index ``ix_clients_postcode_house_number``); with an
    addition only that addition, without one every addition at that number."""
    match = and_(Client.postcode == query.text, Client.house_number == query.house_number)
    if query.addition:
        return and_(match, Client.house_number_addition == query.addition)
    return match


class ClientFinder(ClientService):
    """The client service plus the reads that look across the client's dossiers and promises."""

    # search -----------------------------------------------------------------------------------------------------

    async def search(self, raw_query: str, birth_date: date | None = None) -> SearchResult:
        """One box, ranked: identifiers first (exact), then the family-name prefix, then another word's prefix; at
        most ``SEARCH_LIMIT`` clients, each with why it matched; ``birth_date`` narrows any of them. Audited with the
        kind and the count, never the query."""
        self._require_employee()
        if errors := too_long("q", "De zoekterm", raw_query, rules.MAX_QUERY):
            raise InvalidInput(errors, errors[0].message)
        query = rules.classify_query(raw_query)
        if not query.searchable:
            return SearchResult(query, [], searched=False)
        found: dict[int, str] = {}
        where = _eligible(birth_date)
        kinds: list[str] = []
        for kind, finder in self._finders(query.kind):
            hits = await finder(query, SEARCH_LIMIT - len(found), list(found), where)
            if hits:
                kinds.append(kind)
            for client_id, reason in hits:
                found.setdefault(client_id, reason)
            if len(found) >= SEARCH_LIMIT:
                break
        by_id = {c.id: c for c in await self.session.scalars(select(Client).where(Client.id.in_(list(found)), *where))}
        clients = [by_id[client_id] for client_id in found if client_id in by_id]
        views = await self.views(clients)
        limited = sum(1 for view in views if not view.full)
        kind = "+".join(kinds) or query.kind
        await self.audit.record_reads(
            "client",
            (c.pseudonym for c in clients),
            action=Action.SEARCH,
            detail=f"zoeksoort={kind}; resultaten={len(clients)}"
            + ("; filter=geboortedatum" if birth_date is not None else "")
            + (f"; beperkte weergave={limited}" if limited else ""),
            keep_empty=True,
        )
        return SearchResult(query, views, searched=True, reasons=found, kinds=tuple(kinds))

    def _finders(self, kind: str) -> list[tuple[str, Any]]:
        """The searches a query of ``kind`` runs, best-ranked first: (kind as audited, search)."""
        searches: dict[str, list[tuple[str, Any]]] = {
            "bsn": [("bsn", self._by_bsn)],
            "kvk": [("kvk", self._by_kvk)],
            "phone": [("phone", self._by_phone)],
            "postcode": [("postcode", self._by_address)],
            "ref": [("ref", self._by_dossier_ref)],
            "name": [
                ("external_ref", self._by_external_ref),
                ("name", self._by_family_name),
                ("name", self._by_name_word),
            ],
        }
        return searches[kind]

    async def _by_bsn(
        self, query: rules.Query, limit: int, found: list[int], where: list[ColumnElement[bool]]
    ) -> list[Hit]:
        return [
            (client_id, "BSN")
            for client_id in await self.session.scalars(select(Client.id).where(Client.bsn == query.text, *where))
        ]

    async def _by_kvk(
        self, query: rules.Query, limit: int, found: list[int], where: list[ColumnElement[bool]]
    ) -> list[Hit]:
        return [
            (client_id, "KvK")
            for client_id in await self.session.scalars(select(Client.id).where(Client.kvk == query.text, *where))
        ]

    async def _by_phone(
        self, query: rules.Query, limit: int, found: list[int], where: list[ColumnElement[bool]]
    ) -> list[Hit]:
        ids = await self.session.scalars(
            select(Client.id).where(_phone_matches(query), *where).order_by(Client.name_folded, Client.id).limit(limit)
        )
        return [(client_id, "telefoonnummer") for client_id in ids]

    async def _by_address(
        self, query: rules.Query, limit: int, found: list[int], where: list[ColumnElement[bool]]
    ) -> list[Hit]:
        ids = await self.session.scalars(
            select(Client.id)
            .where(_address_matches(query), *where)
            .order_by(Client.name_folded, Client.id)
            .limit(limit)
        )
        return [(client_id, "adres") for client_id in ids]

    async def _by_dossier_ref(
        self, query: rules.Query, limit: int, found: list[int], where: list[ColumnElement[bool]]
    ) -> list[Hit]:
        """The clients of the dossiers whose reference starts with the query, by the first such reference."""
        first = func.min(Dossier.ref)
        rows = await self.session.execute(
            select(Dossier.client_id, first)
            .where(Dossier.ref.startswith(query.text, autoescape=True), Dossier.client_id.in_(_clients_where(where)))
            .group_by(Dossier.client_id)
            .order_by(first)
            .limit(limit)
        )
        return [(client_id, f"dossier {ref}") for client_id, ref in rows]

    async def _by_external_ref(
        self, query: rules.Query, limit: int, found: list[int], where: list[ColumnElement[bool]]
    ) -> list[Hit]:
        """The clients of the dossiers and contacts carrying the query exactly as a reference of another system."""
        forms = lookup_forms(query.raw)
        if not forms:
            return []
        wanted = ExternalReference.ref.in_(forms)
        eligible = _clients_where(where)
        on_contacts = (
            select(Contact.client_id.label("client_id"), ExternalReference.ref.label("ref"), ExternalReference.id)
            .join(Contact, and_(ExternalReference.record_type == "contact", Contact.id == ExternalReference.record_id))
            .where(wanted, Contact.client_id.in_(eligible))
        )
        on_dossiers = (
            select(Dossier.client_id, ExternalReference.ref, ExternalReference.id)
            .join(Dossier, and_(ExternalReference.record_type == "dossier", Dossier.id == ExternalReference.record_id))
            .where(wanted, Dossier.client_id.in_(eligible))
        )
        hits = union_all(on_dossiers, on_contacts).subquery()
        rows = await self.session.execute(select(hits.c.client_id, hits.c.ref).order_by(hits.c.id).limit(limit * 5))
        result: dict[int, str] = {}
        for client_id, ref in rows:
            result.setdefault(client_id, f"kenmerk {ref}")
        return list(result.items())[:limit]

    def _prefix(self, column: Any, prefix: str) -> ColumnElement[bool]:
        """``column`` starts with ``prefix``, as its index can answer it: ``LIKE`` on PostgreSQL (the index has
        ``varchar_pattern_ops``), a range on SQLite (whose ``LIKE`` ignores case and so no plain index)."""
        if self.session.get_bind().dialect.name == "sqlite" and ord(prefix[-1]) < sys.maxunicode:
            following = ord(prefix[-1]) + 1
            following = 0xE000 if 0xD800 <= following < 0xE000 else following  # no surrogate: UTF-8 has none
            return and_(column >= prefix, column < prefix[:-1] + chr(following))
        return column.startswith(prefix, autoescape=True)  # type: ignore[no-any-return]

    async def _by_family_name(
        self, query: rules.Query, limit: int, found: list[int], where: list[ColumnElement[bool]]
    ) -> list[Hit]:
        """Clients whose family name starts with the query (particles left out: "de graaf" → "graaf")."""
        family, _ = rules.name_prefix_queries(query.text)
        if not family or limit <= 0:
            return []
        statement = select(Client.id).where(self._prefix(Client.family_name_folded, family), *where)
        if found:
            statement = statement.where(Client.id.not_in(found))
        ids = await self.session.scalars(
            statement.order_by(Client.family_name_folded, Client.name_folded, Client.id).limit(limit)
        )
        return [(client_id, NAME_REASON) for client_id in ids]

    async def _by_name_word(
        self, query: rules.Query, limit: int, found: list[int], where: list[ColumnElement[bool]]
    ) -> list[Hit]:
        """Clients with another word of the name starting with the query ("mich" → "Michael de Graaf")."""
        if limit <= 0:
            return []
        _, word = rules.name_prefix_queries(query.text)
        statement = select(Client.id).where(
            self._prefix(Client.name_folded, word) | Client.name_folded.contains(" " + word, autoescape=True), *where
        )
        if found:
            statement = statement.where(Client.id.not_in(found))
        ids = await self.session.scalars(statement.order_by(Client.name_folded, Client.id).limit(limit))
        return [(client_id, NAME_REASON) for client_id in ids]

    async def search_bsn(self, raw_bsn: str, birth_date: date | None = None) -> SearchResult:
        """The API's ``?bsn=``: an invalid BSN is an input error rather than an empty result."""
        if rules.normalise_bsn(raw_bsn) is None:
            self._require_employee()
            raise InvalidInput.single("bsn", rules.BSN_MESSAGE)
        return await self.search(raw_bsn, birth_date)

    # routing view -----------------------------------------------------------------------------------------------

    async def routing(self, client_id: int, today: date | None = None) -> RoutingView:
        """Open dossiers with owners and direct lines, today's representatives, open agreements and the last
        correction, the opening hours of the accountmanagers' services: 7 queries (and up to 2 for the access
        decision); with the limited view only the number of open dossiers."""
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
                select(DossierAssignment.dossier_id, Service.id, Service.code, Service.name, Service.phone, *_PERSON)
                .join(Service, Service.id == DossierAssignment.service_id)
                .join(User, User.id == DossierAssignment.user_id)
                .where(
                    DossierAssignment.dossier_id.in_(list(dossiers)),
                    DossierAssignment.role == "accountmanager",
                    ACTIVE,
                )
                .order_by(DossierAssignment.dossier_id, Service.code)
            )
            lines = assignment_rows.all()
            hours = await hours_of(self.session, [row[1] for row in lines])
            moment = datetime.now(UTC)
            for row in lines:
                state = open_state(hours[row[1]], moment)
                dossiers[row[0]].accountmanagers.append(
                    AccountmanagerLine(
                        row[2], row[3], row[4], describe(hours[row[1]]), Person(*row[5:8]), state.is_open, state.text
                    )
                )
        representatives = await self._current_representatives(client.id, today)
        agreements = await self._open_agreements(client.id)
        last_change = await self.last_change(client.id)
        self.audit.record(Action.READ, "routing_view", client.id, client_pseudonym=client.pseudonym)
        return RoutingView(
            client,
            list(dossiers.values()),
            representatives,
            agreements,
            access=access,
            open_dossiers=len(dossiers),
            last_change=last_change,
        )

    async def _open_agreements(self, client_id: int) -> list[OpenAgreement]:
        rows = await self.session.execute(
            select(Commitment, *_PERSON, Service.code, Dossier.ref, _TEAM.code, _TEAM.phone)
            .outerjoin(User, User.id == Commitment.owner_id)
            .outerjoin(_TEAM, _TEAM.id == Commitment.owner_service_id)
            .outerjoin(Service, Service.id == Commitment.service_id)
            .outerjoin(Dossier, Dossier.id == Commitment.dossier_id)
            .where(Commitment.client_id == client_id, Commitment.status == "open")
            .order_by(Commitment.due_at)
        )
        return [
            OpenAgreement(
                c.id,
                c.kind,
                c.description,
                c.due_at,
                Person(*person) if c.owner_id is not None else None,
                service,
                ref,
                team,
                team_phone,
            )
            for c, *person, service, ref, team, team_phone in rows
        ]
