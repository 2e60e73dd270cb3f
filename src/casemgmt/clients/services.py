"""The client service: creating and finding clients, their representatives, and the routing view.

Every read and change of a client's data writes an audit event through ``AuditLog`` (object types ``client``,
``routing_view`` and ``representative``, with the client's pseudonym). A search is one event whose detail names the
kind of query (``bsn``, ``ref``, ``name``) and the number of results, never the query itself (it may be a BSN).

Access: every employee role may search clients and see the routing view; ``kcc_agent``, ``casemanager`` and
``admin`` create clients and representatives; the evaluator sees no personal data at all. What an employee sees of a
client follows need to know (``clients/access.py``, docs/PRIVACY.md): the full record for the KCC, admins, those
involved in one of the client's dossiers (asked through the ``involved_clients`` function the provider passes in:
involvement is the dossiers' concept, above this one) and the client's registrar; a limited view for the other
casemanagers and accountmanagers, who open the full record by stating a reason (``disclose``, action
``reasoned_read`` with the reason as detail). That event is the grant: it holds for the rest of the Dutch day.

Identifying (``identify``): an unidentified client (no BSN/KvK) gets a BSN and becomes a person. When another client
already has that BSN the answer is ``ExistingClient`` (409, naming that client) and nothing is written, unless the
caller confirmed the merge: then every record of the unidentified client moves to the existing one (through the
``move_records`` function the provider passes in: the records are the concepts above this one), the unidentified
client is kept and marked ``merged_into_id``, and each of the two gets one ``merge`` event naming both pseudonyms.
KCC agents, casemanagers and admins identify, and only a client whose full record they see.

Correcting details (``correct``): KCC agents, casemanagers and admins, and only with the full view; a stale
``version`` is a 409, a wrong field a 422, both with nothing written. A change bumps the version, adds a row to
``client_changes`` (the changed fields before and after) in the same transaction, and one audit event (action
``update``) naming the changed fields, never their values.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.exc import StaleDataError

from casemgmt.audit.queries import reasons_given_since
from casemgmt.audit.services import Action, AuditedService, AuditLog
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.models import User
from casemgmt.auth.roles import EMPLOYEE_ROLES, Role
from casemgmt.clients import rules
from casemgmt.clients.access import FULL_BY_ROLE, ClientAccess, check_reason, client_access, grant_start, last_digits
from casemgmt.clients.models import Client, ClientChange, ClientRepresentative, Representative
from casemgmt.clients.schemas import (
    ClientCreate,
    ClientForm,
    RepresentativeCreate,
    RepresentativeForm,
    client_address,
)
from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.errors import Conflict, FieldError, Forbidden, InvalidInput, too_long

CREATOR_ROLES = frozenset({Role.KCC_AGENT, Role.CASEMANAGER, Role.ADMIN})
NO_PERSONAL_DATA = (
    "Geen toegang: klantgegevens zijn alleen zichtbaar voor medewerkers die klanten helpen. "
    "Als evaluator ziet u alleen gepseudonimiseerde cijfers."
)
NOT_A_CREATOR = (
    "Geen toegang: alleen KCC-medewerkers, casemanagers en functioneel beheerders leggen klanten en "
    "vertegenwoordigers vast."
)
NOT_A_CORRECTOR = "Geen toegang: alleen KCC-medewerkers, casemanagers en functioneel beheerders wijzigen klantgegevens."
CORRECTING_NEEDS_FULL_VIEW = (
    "Geen toegang: u bent niet betrokken bij een dossier van deze klant. Geef eerst een reden op (Gegevens inzien, "
    "doelbinding) voordat u de gegevens wijzigt."
)
CHANGES_NEED_FULL_VIEW = (
    "Geen toegang: u bent niet betrokken bij een dossier van deze klant. Geef eerst een reden op (Gegevens inzien, "
    "doelbinding) om de wijzigingen te zien."
)
STALE_CLIENT = "De gegevens van deze klant zijn intussen door een collega gewijzigd; laad de klant opnieuw."


def today_in_amsterdam() -> date:
    return datetime.now(AMSTERDAM).date()


MoveRecords = Callable[[AsyncSession, int, int], Awaitable[dict[str, int]]]
"""Move every record of one client to another, answering how many rows moved per table
(``casefile.identification.move_client_records``)."""

InvolvedClients = Callable[[AsyncSession, CurrentUser, Sequence[int]], Awaitable[set[int]]]
"""Which of these clients the employee is involved with (``dossiers.involvement.involved_clients``)."""

LIMITED_DETAIL = "beperkte weergave (niet betrokken)"
NOT_FULL_VIEW = (
    "Geen toegang: alleen wie de volledige gegevens van deze klant ziet, identificeert de klant. Geef eerst een reden "
    "op (Gegevens inzien)."
)


@dataclass(frozen=True)
class ClientView:
    """A client with what the reader may see of it (``access``): pages and API show the contact details only when
    ``full``."""

    client: Client
    access: ClientAccess

    @property
    def full(self) -> bool:
        return self.access is ClientAccess.FULL

    @property
    def id(self) -> int:
        return self.client.id

    @property
    def name(self) -> str:
        return self.client.name

    @property
    def kind(self) -> str:
        return self.client.kind

    @property
    def pseudonym(self) -> str:
        return self.client.pseudonym

    @property
    def last_digits(self) -> str | None:
        """The last three digits of the BSN (person) or KvK number (organisation)."""
        return last_digits(self.client.bsn if self.client.kind == "person" else self.client.kvk)


class ExistingClient(Conflict):
    """Another client already has this BSN (409): nothing written; the answer names that client (``extra``)."""

    def __init__(self, existing: Client) -> None:
        super().__init__(
            f"Er bestaat al een klant met dit BSN: {existing.name} ({existing.pseudonym}). Controleer het BSN, of "
            "bevestig dat het dezelfde persoon is om de twee klanten samen te voegen (merge)."
        )
        self.existing = existing
        self.extra = {"existing_client": {"id": existing.id, "name": existing.name, "pseudonym": existing.pseudonym}}


@dataclass(frozen=True)
class Identified:
    """The outcome of identifying: ``client`` now holds the BSN (after a merge: the existing client, with
    ``merged`` the unidentified one, kept and marked); ``moved`` counts the rows moved per table."""

    client: Client
    access: ClientAccess
    merged: Client | None = None
    moved: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class LastChange:
    """Who last corrected the client's details, and when (the klantbeeld's "Laatst gewijzigd door … op …")."""

    changed_by: str | None
    changed_at: datetime


def details_of(client: Client) -> rules.ClientDetails:
    """The client's correctable details as the rules compare them."""
    return rules.ClientDetails(
        name=client.name,
        phone=client.phone,
        email=client.email,
        address=client_address(client),
        birth_date=client.birth_date,
        preferred_channel=client.preferred_channel,
        preferred_time=client.preferred_time,
    )


REPRESENTATIVE_LIMIT = 20
PERSON_OR_FIELDS = "Kies een bestaande vertegenwoordiger óf vul de gegevens van een nieuwe in, niet allebei"
ALREADY_LINKED = "Deze vertegenwoordiger staat in deze periode al geregistreerd voor deze klant"


def links_with_person() -> Select[tuple[ClientRepresentative]]:
    """Client–representative links with their person loaded in the same query (joined, so it can be ordered on)."""
    return (
        select(ClientRepresentative)
        .join(Representative, Representative.id == ClientRepresentative.representative_id)
        .options(contains_eager(ClientRepresentative.representative))
    )


def current_on(today: date) -> ColumnElement[bool]:
    """The links that hold today (both ends included)."""
    return (ClientRepresentative.valid_from <= today) & (
        ClientRepresentative.valid_until.is_(None) | (ClientRepresentative.valid_until >= today)
    )


async def current_representatives(session: AsyncSession, client_id: int, today: date) -> list[ClientRepresentative]:
    """Who acts for the client today, by name, each link with its person (one query). No access check and no audit
    event: the caller's (the routing view, the contact form) own."""
    statement = (
        links_with_person()
        .where(ClientRepresentative.client_id == client_id, current_on(today))
        .order_by(Representative.name, ClientRepresentative.id)
    )
    return list(await session.scalars(statement))


async def acts_for(session: AsyncSession, representative_id: int, client_id: int, today: date) -> bool:
    """Whether the representative acts for the client today (a contact made by them must be about such a client)."""
    statement = select(ClientRepresentative.id).where(
        ClientRepresentative.client_id == client_id,
        ClientRepresentative.representative_id == representative_id,
        current_on(today),
    )
    return await session.scalar(statement.limit(1)) is not None


def as_person_id(value: object) -> int | None:
    """``representative_id`` from the API (an int) or a form (text, empty: none); unreadable text is 0 (unknown)."""
    if value is None or isinstance(value, int):
        return value
    text = str(value).strip()
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else 0


@dataclass(frozen=True)
class ActingFor:
    """A client a representative acts (or acted) for: the link (relation, validity) and the client as the reader may
    see it; with the limited view only the client's name and pseudonym are shown."""

    link: ClientRepresentative
    client: ClientView
    current: bool


@dataclass(frozen=True)
class RepresentedBy:
    """A representative and the clients they act for."""

    person: Representative
    clients: list[ActingFor]


@dataclass(frozen=True)
class RepresentativeSearch:
    query: rules.RepresentativeQuery
    hits: list[RepresentedBy]
    searched: bool  # False when the query was too short: nothing was looked up

    @property
    def message(self) -> str:
        if not self.searched:
            return "Typ ten minste 2 letters van de naam of 3 cijfers van het telefoonnummer."
        if not self.hits:
            return "Geen vertegenwoordiger gevonden."
        if len(self.hits) == 1:
            return "1 vertegenwoordiger gevonden."
        more = " (de eerste 20; verfijn de zoekterm)" if len(self.hits) >= REPRESENTATIVE_LIMIT else ""
        return f"{len(self.hits)} vertegenwoordigers gevonden{more}."


@dataclass(frozen=True)
class Created:
    client: Client
    created: bool  # False: a client with this BSN/KvK already existed and is returned instead
    access: ClientAccess = ClientAccess.FULL


class ClientService(AuditedService):
    """Clients for one request: takes the request's session, the acting employee and the audit log; flushes only.

    ``involved_clients`` answers the need-to-know question "is this employee on one of the client's dossiers?";
    without it (a service built outside a request) only the roles, the registrar and stated reasons grant the full
    record."""

    def __init__(
        self,
        session: AsyncSession,
        actor: CurrentUser,
        audit: AuditLog,
        involved_clients: InvolvedClients | None = None,
        move_records: MoveRecords | None = None,
    ) -> None:
        super().__init__(session, actor, audit)
        self.involved_clients = involved_clients
        self.move_records = move_records

    # access -----------------------------------------------------------------------------------------------------

    def _require_employee(self) -> None:
        if not self.actor.roles & EMPLOYEE_ROLES:
            raise Forbidden(NO_PERSONAL_DATA)

    def _require_creator(self) -> None:
        self._require_employee()
        if not self.actor.roles & CREATOR_ROLES:
            raise Forbidden(NOT_A_CREATOR)

    @property
    def may_create(self) -> bool:
        return bool(self.actor.roles & CREATOR_ROLES)

    async def access_to(self, clients: Sequence[Client]) -> dict[int, ClientAccess]:
        """What the actor sees of each client (``clients/access.py``): at most two queries however many clients,
        none for the KCC and admins."""
        roles = self.actor.roles
        if roles & FULL_BY_ROLE or not roles & EMPLOYEE_ROLES:
            return {c.id: client_access(roles, involved=False) for c in clients}
        undecided = [c for c in clients if c.created_by_id != self.actor.id]
        involved: set[int] = set()
        if undecided and self.involved_clients is not None:
            involved = await self.involved_clients(self.session, self.actor, [c.id for c in undecided])
        asked = [c.pseudonym for c in undecided if c.id not in involved]
        reasons = await reasons_given_since(self.session, self.actor.id, asked, grant_start(datetime.now(UTC)))
        return {
            c.id: client_access(
                roles,
                involved=c.id in involved,
                registered=c.created_by_id == self.actor.id,
                reason_given=c.pseudonym in reasons,
            )
            for c in clients
        }

    async def views(self, clients: Sequence[Client]) -> list[ClientView]:
        access = await self.access_to(clients)
        return [ClientView(c, access[c.id]) for c in clients]

    # clients ----------------------------------------------------------------------------------------------------

    async def create(self, entered: ClientCreate | ClientForm) -> Created:
        """Create a client as entered (API body or page form).

        A BSN or KvK number that is already known answers with that client, creating nothing."""
        self._require_creator()
        data, errors = rules.check_client(**entered.as_entered(), today=today_in_amsterdam())
        if data is None:
            raise InvalidInput(errors)
        existing = await self._by_identifier(data.bsn, data.kvk)
        if existing is not None:
            access = (await self.access_to([existing]))[existing.id]
            limited = "" if access is ClientAccess.FULL else f"; {LIMITED_DETAIL}"
            self.audit.record(
                Action.READ,
                "client",
                existing.id,
                client_pseudonym=existing.pseudonym,
                detail=f"bestaande klant gevonden bij aanmaken (zelfde BSN/KvK){limited}",
            )
            return Created(existing, created=False, access=access)
        client = Client(
            **asdict(data),  # the cleaned input's fields are the client's columns
            pseudonym=await self._unused_pseudonym(),
            created_by_id=self.actor.id,
        )
        self.session.add(client)
        try:
            await self.session.flush()
        except IntegrityError as exc:  # someone registered the same BSN/KvK at this very moment
            raise Conflict("Deze klant is zojuist door een collega vastgelegd; zoek de klant opnieuw op.") from exc
        self.audit.record(Action.CREATE, "client", client.id, client_pseudonym=client.pseudonym)
        return Created(client, created=True)

    # identifying ------------------------------------------------------------------------------------------------

    async def identify(self, client_id: int, raw_bsn: str | None, *, merge: bool = False) -> Identified:
        """Give an unidentified client its BSN; 422 (``bsn``) for a BSN failing the 11-proof or a client that is not
        unidentified; ``ExistingClient`` (409) when another client has the BSN and ``merge`` is not set. With
        ``merge`` the records move to that client in this transaction. Nothing is written on any refusal."""
        client, bsn = await self._identifiable(client_id, raw_bsn)
        existing = await self._by_identifier(bsn, None)
        if existing is None:
            client.kind, client.bsn = "person", bsn
            try:
                await self.session.flush()
            except IntegrityError as exc:  # a colleague registered this BSN at this very moment
                raise Conflict("Dit BSN is zojuist door een collega vastgelegd; probeer het opnieuw.") from exc
            self.audit.record(
                Action.UPDATE, "client", client.id, client_pseudonym=client.pseudonym, detail="geïdentificeerd met BSN"
            )
            return Identified(client, ClientAccess.FULL)
        if not merge:
            raise ExistingClient(existing)
        return await self._merge(client, existing)

    async def merge_candidate(self, client_id: int, raw_bsn: str | None) -> tuple[ClientView, ClientView] | None:
        """For the confirmation step: the unidentified client and the client that already has this BSN (``None``
        when none has it), as the actor may see them. Refuses what ``identify`` refuses; records one read of each."""
        client, bsn = await self._identifiable(client_id, raw_bsn)
        existing = await self._by_identifier(bsn, None)
        if existing is None:
            return None
        view, other = await self.views([client, existing])
        for shown, detail in ((client, "samenvoegen voorgesteld"), (existing, "bestaande klant bij identificeren")):
            self.audit.record(Action.READ, "client", shown.id, client_pseudonym=shown.pseudonym, detail=detail)
        return view, other

    async def _identifiable(self, client_id: int, raw_bsn: str | None) -> tuple[Client, str]:
        """The client to identify and the clean BSN: 403 for who does not see its full record, 422 (``bsn``) when it
        is not unidentified or the BSN fails the 11-proof."""
        self._require_creator()
        client = await self._client(client_id)
        if (await self.access_to([client]))[client.id] is not ClientAccess.FULL:
            raise Forbidden(NOT_FULL_VIEW)
        merged = client.merged_into_id is not None
        bsn, errors = rules.check_identification(kind=client.kind, merged=merged, bsn=raw_bsn)
        if bsn is None:
            raise InvalidInput(errors, errors[0].message)
        return client, bsn

    async def _merge(self, client: Client, existing: Client) -> Identified:
        if self.move_records is None:
            raise RuntimeError("merging clients needs move_records (casefile.identification.move_client_records)")
        moved = await self.move_records(self.session, client.id, existing.id)
        client.merged_into_id = existing.id
        await self.session.flush()
        summary = ", ".join(f"{table}={count}" for table, count in sorted(moved.items()) if count) or "niets"
        detail = (
            f"{client.pseudonym} (niet geïdentificeerd) samengevoegd met {existing.pseudonym}; verplaatst: {summary}"
        )
        for each in (client, existing):
            self.audit.record(Action.MERGE, "client", each.id, client_pseudonym=each.pseudonym, detail=detail)
        access = (await self.access_to([existing]))[existing.id]
        return Identified(existing, access, merged=client, moved=moved)

    async def merged_into(self, client: Client) -> Client | None:
        """The client this one was merged into (no audit event: the page shows only its name and link)."""
        if client.merged_into_id is None:
            return None
        return await self.session.get(Client, client.merged_into_id)

    # correcting details ------------------------------------------------------------------------------------------

    async def _correctable(self, client_id: int) -> ClientView:
        """The client, for an employee who may correct it: a corrector's role and the full view (need to know)."""
        self._require_employee()
        if not self.actor.roles & CREATOR_ROLES:
            raise Forbidden(NOT_A_CORRECTOR)
        client = await self._client(client_id)
        (view,) = await self.views([client])
        if not view.full:
            raise Forbidden(CORRECTING_NEEDS_FULL_VIEW)
        return view

    async def correct(
        self, client_id: int, version: int | None, sent: dict[str, object], *, address_prefix: str = "address."
    ) -> ClientView:
        """Correct the details ``sent`` (only those change) of the client read at ``version``.

        409 when someone changed the client since (``version`` stale), 422 naming each wrong field; nothing is
        written then. Values equal to the stored ones change nothing (no new version)."""
        view = await self._correctable(client_id)
        client = view.client
        if version is None:
            raise InvalidInput.single("version", "De versie van de klantgegevens ontbreekt; laad de klant opnieuw")
        if version != client.version:
            raise Conflict(STALE_CLIENT)
        change, errors = rules.check_patch(
            details_of(client), sent, today=today_in_amsterdam(), address_prefix=address_prefix
        )
        if change is None:
            raise InvalidInput(errors, "De gegevens zijn niet gewijzigd. Controleer de gemarkeerde velden.")
        if not change.after:
            self.audit.record(Action.READ, "client", client.id, client_pseudonym=client.pseudonym)
            return view
        for column, value in change.columns.items():
            setattr(client, column, value)
        try:
            await self.session.flush()  # the version check: UPDATE … WHERE version = the version read
        except StaleDataError:
            raise Conflict(STALE_CLIENT) from None
        self.session.add(
            ClientChange(
                client_id=client.id,
                version=client.version,
                changed_by_id=self.actor.id,
                changed_at=datetime.now(UTC),
                before=change.before,
                after=change.after,
            )
        )
        await self.session.flush()
        labels = ", ".join(rules.FIELD_LABELS[field] for field in change.changed)
        self.audit.record(
            Action.UPDATE,
            "client",
            client.id,
            client_pseudonym=client.pseudonym,
            detail=f"versie {client.version}; gewijzigd: {labels}",
        )
        return view

    async def changes(self, client_id: int) -> list[tuple[ClientChange, str | None]]:
        """The corrections of the client's details, newest first, with who made them (full view only)."""
        self._require_employee()
        client = await self._client(client_id)
        (view,) = await self.views([client])
        if not view.full:
            raise Forbidden(CHANGES_NEED_FULL_VIEW)
        rows = await self.session.execute(
            select(ClientChange, User.name)
            .outerjoin(User, User.id == ClientChange.changed_by_id)
            .where(ClientChange.client_id == client.id)
            .order_by(ClientChange.version.desc())
        )
        self.audit.record(Action.READ, "client", client.id, client_pseudonym=client.pseudonym, detail="wijzigingen")
        return [(change, name) for change, name in rows.tuples()]

    async def last_change(self, client_id: int) -> LastChange | None:
        """Who last corrected the client and when; no audit event (shown with the client, whose read is recorded)."""
        row = (
            await self.session.execute(
                select(User.name, ClientChange.changed_at)
                .select_from(ClientChange)
                .outerjoin(User, User.id == ClientChange.changed_by_id)
                .where(ClientChange.client_id == client_id)
                .order_by(ClientChange.version.desc())
                .limit(1)
            )
        ).first()
        return LastChange(row[0], row[1]) if row else None

    async def _by_identifier(self, bsn: str | None, kvk: str | None) -> Client | None:
        if bsn is not None:
            return await self.session.scalar(select(Client).where(Client.bsn == bsn))
        if kvk is not None:
            return await self.session.scalar(select(Client).where(Client.kvk == kvk))
        return None

    async def _unused_pseudonym(self) -> str:
        for _ in range(5):
            candidate = rules.new_pseudonym()
            if await self.session.scalar(select(Client.id).where(Client.pseudonym == candidate)) is None:
                return candidate
        raise RuntimeError("no unused pseudonym found")  # 32^10 possibilities: practically unreachable

    async def _client(self, client_id: int) -> Client:
        return await self._existing(Client, client_id, "Deze klant bestaat niet.")

    async def get(self, client_id: int) -> ClientView:
        """The client as the actor may see it; the audit event says when only the limited view was shown."""
        self._require_employee()
        client = await self._client(client_id)
        (view,) = await self.views([client])
        detail = "" if view.full else LIMITED_DETAIL
        self.audit.record(Action.READ, "client", client.id, client_pseudonym=client.pseudonym, detail=detail)
        return view

    async def view(self, client_id: int) -> ClientView:
        """The client as the actor may see it, without an audit event (the caller records what it shows)."""
        self._require_employee()
        client = await self._client(client_id)
        (view,) = await self.views([client])
        return view

    async def disclose(self, client_id: int, reason: str | None) -> ClientView:
        """Open the full record with a stated reason (doelbinding): 422 without a usable reason, nothing written.

        The audit event (``reasoned_read``, the reason as detail) is the grant for the rest of the day."""
        self._require_employee()
        client = await self._client(client_id)
        text, errors = check_reason(reason)
        if text is None:
            raise InvalidInput(errors)
        self.audit.record(Action.REASONED_READ, "client", client.id, client_pseudonym=client.pseudonym, detail=text)
        return ClientView(client, ClientAccess.FULL)

    async def pseudonym_of_bsn(self, bsn: str) -> str | None:
        """The pseudonym of the client with this BSN (the Logboek's "who saw client X?"); no audit event: the
        Logboek read that asks records the pseudonym."""
        self._require_employee()
        return await self.session.scalar(select(Client.pseudonym).where(Client.bsn == bsn))

    async def _current_representatives(self, client_id: int, today: date) -> list[ClientRepresentative]:
        return await current_representatives(self.session, client_id, today)

    # representatives --------------------------------------------------------------------------------------------

    async def add_representative(
        self, client_id: int, entered: RepresentativeCreate | RepresentativeForm
    ) -> ClientRepresentative:
        """Register a representative of the client as entered (API body or page form): link the existing person
        ``representative_id`` names, or create the person from the fields entered. A person already linked to the
        client for an overlapping period is refused (422 ``representative_id``)."""
        self._require_creator()
        client = await self._client(client_id)
        if client.merged_into_id is not None:
            raise InvalidInput.single("client_id", rules.MERGED_CLIENT)
        fields = entered.model_dump(exclude={"q"})
        chosen = fields.pop("existing", "") == "1"  # the page's "Bestaande vertegenwoordiger zoeken" form
        person_id = as_person_id(fields.pop("representative_id", None))
        today = today_in_amsterdam()
        link, errors = rules.check_representation(
            relation=fields.pop("relation"),
            valid_from=fields.pop("valid_from"),
            valid_until=fields.pop("valid_until"),
            today=today,
        )
        person: Representative | None = None
        data: rules.RepresentativePerson | None = None
        if person_id is None and chosen:
            errors.insert(0, FieldError("representative_id", "Kies een vertegenwoordiger uit de zoekresultaten"))
        elif person_id is None:
            data, person_errors = rules.check_representative_person(**fields)
            errors = [*person_errors, *errors]
        else:
            if any((value or "").strip() for value in fields.values()):
                errors.insert(0, FieldError("representative_id", PERSON_OR_FIELDS))
            person = await self.session.get(Representative, person_id) if person_id > 0 else None
            if person is None:
                errors.insert(0, FieldError("representative_id", "Deze vertegenwoordiger bestaat niet"))
            elif link is not None and await self._overlapping_link(client.id, person.id, link):
                errors.insert(0, FieldError("representative_id", ALREADY_LINKED))
        if errors or link is None:
            raise InvalidInput(errors)
        if person is None:
            assert data is not None
            # the cleaned input's fields are the person's columns
            person = Representative(**asdict(data), created_by_id=self.actor.id)
            self.session.add(person)
            await self.session.flush()
            self.audit.record(Action.CREATE, "representative", person.id, client_pseudonym=client.pseudonym)
        representation = ClientRepresentative(
            client_id=client.id, representative_id=person.id, **asdict(link), created_by_id=self.actor.id
        )
        representation.representative = person
        self.session.add(representation)
        await self.session.flush()
        self.audit.record(
            Action.LINK,
            "representative",
            person.id,
            client_pseudonym=client.pseudonym,
            detail=f"vertegenwoordigt klant (koppeling {representation.id})",
        )
        return representation

    async def _overlapping_link(self, client_id: int, person_id: int, link: rules.Representation) -> bool:
        statement = select(ClientRepresentative.id).where(
            ClientRepresentative.client_id == client_id,
            ClientRepresentative.representative_id == person_id,
            (ClientRepresentative.valid_until.is_(None)) | (ClientRepresentative.valid_until >= link.valid_from),
        )
        if link.valid_until is not None:
            statement = statement.where(ClientRepresentative.valid_from <= link.valid_until)
        return await self.session.scalar(statement.limit(1)) is not None

    async def representatives(self, client_id: int) -> tuple[Client, list[ClientRepresentative]]:
        """The client and today's representatives: the list shown again right after adding one (empty for a reader
        with the limited view: who acts for the client is part of the full record)."""
        self._require_employee()
        client = await self._client(client_id)
        (view,) = await self.views([client])
        if not view.full:
            return client, []
        found = await self._current_representatives(client.id, today_in_amsterdam())
        return client, found

    async def search_representatives(self, raw_query: str) -> RepresentativeSearch:
        """Representatives by name (prefix of the name or of one of its words, case-insensitive) or phone number
        (digits normalised, prefix), each with the clients they act for today; at most ``REPRESENTATIVE_LIMIT``.

        Audited as one event per client shown (``search``, object ``representative``) with the kind of query and the
        number of hits, never the query; a client the reader has only the limited view of shows name and pseudonym."""
        self._require_employee()
        if errors := too_long("q", "De zoekterm", raw_query, rules.MAX_QUERY):
            raise InvalidInput(errors, errors[0].message)
        query = rules.classify_representative_query(raw_query)
        if not query.searchable:
            return RepresentativeSearch(query, [], searched=False)
        statement = select(Representative)
        if query.kind == "phone":
            statement = statement.where(Representative.phone_digits.startswith(query.text, autoescape=True))
        else:
            statement = statement.where(
                Representative.name_normalised.startswith(query.text, autoescape=True)
                | Representative.name_normalised.contains(" " + query.text, autoescape=True)
            )
        people = list(
            await self.session.scalars(
                statement.order_by(Representative.name_normalised, Representative.id).limit(REPRESENTATIVE_LIMIT)
            )
        )
        acting = await self._acting_for([p.id for p in people], current_only=True)
        hits = [RepresentedBy(p, acting.get(p.id, [])) for p in people]
        shown = [a.client.pseudonym for hit in hits for a in hit.clients]
        await self.audit.record_reads(
            "representative",
            shown,
            action=Action.SEARCH,
            detail=f"zoeksoort={query.kind}; resultaten={len(hits)}",
            keep_empty=True,
        )
        return RepresentativeSearch(query, hits, searched=True)

    async def representative(self, representative_id: int) -> RepresentedBy:
        """One representative with every client they act or acted for (current first, then by start), audited as
        one read per client shown."""
        self._require_employee()
        person = await self._existing(Representative, representative_id, "Deze vertegenwoordiger bestaat niet.")
        acting = (await self._acting_for([person.id], current_only=False)).get(person.id, [])
        await self.audit.record_reads("representative", [a.client.pseudonym for a in acting], object_id=person.id)
        return RepresentedBy(person, acting)

    async def _acting_for(self, person_ids: list[int], *, current_only: bool) -> dict[int, list[ActingFor]]:
        """The clients of these representatives (one query, plus at most two for the access decision)."""
        if not person_ids:
            return {}
        today = today_in_amsterdam()
        statement = (
            select(ClientRepresentative, Client)
            .join(Client, Client.id == ClientRepresentative.client_id)
            .where(ClientRepresentative.representative_id.in_(person_ids))
            .order_by(Client.name_normalised, ClientRepresentative.valid_from, ClientRepresentative.id)
        )
        if current_only:
            statement = statement.where(current_on(today))
        rows = (await self.session.execute(statement)).all()
        clients = list({client.id: client for _, client in rows}.values())
        access = await self.access_to(clients)
        found: dict[int, list[ActingFor]] = {}
        for link, client in rows:
            found.setdefault(link.representative_id, []).append(
                ActingFor(link, ClientView(client, access[client.id]), link.current_on(today))
            )
        for acting in found.values():
            acting.sort(key=lambda a: not a.current)  # stable: current first, each part as ordered
        return found
