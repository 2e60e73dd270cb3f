"""The client service: creating and finding clients, their representatives, and the routing view.

Every read and change of a client's data writes an audit event through ``AuditLog`` (object types ``client``,
``routing_view`` and ``representative``, with the client's pseudonym). A search is one event whose detail names the
kind of query (``bsn``, ``ref``, ``name``) and the number of results, never the query itself (it may be a BSN).

Access: every employee role may search clients and see the routing view; ``kcc_agent``, ``casemanager`` and
``admin`` create clients and representatives; the evaluator sees no personal data at all.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from casemgmt.audit.services import Action, AuditedService
from casemgmt.auth.roles import EMPLOYEE_ROLES, Role
from casemgmt.clients import rules
from casemgmt.clients.models import Client, Representative
from casemgmt.clients.schemas import ClientCreate, ClientForm, RepresentativeCreate, RepresentativeForm
from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.errors import Conflict, Forbidden, InvalidInput

CREATOR_ROLES = frozenset({Role.KCC_AGENT, Role.CASEMANAGER, Role.ADMIN})
NO_PERSONAL_DATA = (
    "Geen toegang: klantgegevens zijn alleen zichtbaar voor medewerkers die klanten helpen. "
    "Als evaluator ziet u alleen gepseudonimiseerde cijfers."
)
NOT_A_CREATOR = (
    "Geen toegang: alleen KCC-medewerkers, casemanagers en functioneel beheerders leggen klanten en "
    "vertegenwoordigers vast."
)


def today_in_amsterdam() -> date:
    return datetime.now(AMSTERDAM).date()


@dataclass(frozen=True)
class Created:
    client: Client
    created: bool  # False: a client with this BSN/KvK already existed and is returned instead


class ClientService(AuditedService):
    """Clients for one request: takes the request's session, the acting employee and the audit log; flushes only."""

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

    # clients ----------------------------------------------------------------------------------------------------

    async def create(self, entered: ClientCreate | ClientForm) -> Created:
        """Create a client as entered (API body or page form).

        A BSN or KvK number that is already known answers with that client, creating nothing."""
        self._require_creator()
        data, errors = rules.check_client(**entered.model_dump())
        if data is None:
            raise InvalidInput(errors)
        existing = await self._by_identifier(data.bsn, data.kvk)
        if existing is not None:
            self.audit.record(
                Action.READ,
                "client",
                existing.id,
                client_pseudonym=existing.pseudonym,
                detail="bestaande klant gevonden bij aanmaken (zelfde BSN/KvK)",
            )
            return Created(existing, created=False)
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

    async def get(self, client_id: int) -> Client:
        self._require_employee()
        client = await self._client(client_id)
        self.audit.record(Action.READ, "client", client.id, client_pseudonym=client.pseudonym)
        return client

    async def _current_representatives(self, client_id: int, today: date) -> list[Representative]:
        statement = (
            select(Representative)
            .where(
                Representative.client_id == client_id,
                Representative.valid_from <= today,
                (Representative.valid_until.is_(None)) | (Representative.valid_until >= today),
            )
            .order_by(Representative.name, Representative.id)
        )
        return list(await self.session.scalars(statement))

    # representatives --------------------------------------------------------------------------------------------

    async def add_representative(
        self, client_id: int, entered: RepresentativeCreate | RepresentativeForm
    ) -> Representative:
        """Register a representative of the client as entered (API body or page form)."""
        self._require_creator()
        client = await self._client(client_id)
        data, errors = rules.check_representative(**entered.model_dump(), today=today_in_amsterdam())
        if data is None:
            raise InvalidInput(errors)
        # the cleaned input's fields are the representative's columns
        representative = Representative(client_id=client.id, **asdict(data), created_by_id=self.actor.id)
        self.session.add(representative)
        await self.session.flush()
        self.audit.record(Action.CREATE, "representative", representative.id, client_pseudonym=client.pseudonym)
        return representative

    async def representatives(self, client_id: int) -> tuple[Client, list[Representative]]:
        """The client and today's representatives: the list shown again right after adding one."""
        self._require_employee()
        client = await self._client(client_id)
        found = await self._current_representatives(client.id, today_in_amsterdam())
        return client, found
