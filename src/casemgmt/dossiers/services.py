"""The dossier service: opening dossiers, reading them under need-to-know, changing status and assignments.

Every method checks access in the query or against the dossier's assignment history (``dossiers/access.py``),
applies the domain rules (``dossiers/rules.py``), flushes (never commits) and writes an audit event through
``AuditLog`` for every read and change. Bad input raises ``InvalidInput`` before anything is written; a stale
version raises ``Conflict``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Select, Table, and_, bindparam, exists, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, contains_eager

from casemgmt.audit.services import Action, AuditedService, AuditLog
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.models import User, UserRole, user_services
from casemgmt.auth.roles import Role
from casemgmt.clients.models import Client, ClientRepresentative, Representative
from casemgmt.clients.rules import MERGED_CLIENT
from casemgmt.directory.calendar import AMSTERDAM
from casemgmt.directory.lookup import active_services
from casemgmt.directory.models import Service
from casemgmt.dossiers import rules
from casemgmt.dossiers.access import NOT_INVOLVED, READ_ONLY, Access, access_from_assignments
from casemgmt.dossiers.involvement import (
    ACCOUNTMANAGER,
    ACTIVE,
    CASEMANAGER,
    STALE,
    Assignments,
    flush_dossier,
    visible_dossiers_clause,
)
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from casemgmt.references.rules import clean_external_refs
from casemgmt.references.store import add_refs, refs_of, replace_refs

# Aliases built once: a fresh aliased() makes SQLAlchemy set up the entity again on every statement (ms each).
_CASEMANAGER = aliased(User)
_MY_ASSIGNMENT = aliased(DossierAssignment)

DOSSIER_NOT_FOUND = "Dossier niet gevonden"
REFERENCE_ATTEMPTS = 5
LIST_LIMIT_MAX = 500

ClosingCheck = Callable[[AsyncSession, int], Awaitable[list[str]]]
"""What still stands in the way of closing a dossier (Dutch lines; empty: it may close)."""


@dataclass(frozen=True)
class AssignmentView:
    id: int
    role: str
    service: str | None
    user_id: int
    user_name: str
    user_phone: str
    since: datetime
    until: datetime | None
    reason: str
    end_reason: str

    @property
    def active(self) -> bool:
        return self.until is None


@dataclass
class DossierView:
    """A dossier with what every screen needs about it, and the reader's access."""

    dossier: Dossier
    client_name: str
    client_pseudonym: str
    casemanager_name: str
    assignments: list[AssignmentView]
    access: Access = Access.NONE
    external_refs: list[str] = field(default_factory=list)
    """References of other systems (letter, zaak or kenmerk numbers), in the order given."""

    @property
    def current_casemanager(self) -> AssignmentView | None:
        return next((a for a in self.assignments if a.role == CASEMANAGER and a.active), None)

    @property
    def current_accountmanagers(self) -> list[AssignmentView]:
        return sorted(
            (a for a in self.assignments if a.role == ACCOUNTMANAGER and a.active), key=lambda a: a.service or ""
        )

    @property
    def history(self) -> list[AssignmentView]:
        return [a for a in self.assignments if not a.active]

    @property
    def reader_access(self) -> DossierAccess:
        return DossierAccess(self.dossier.id, self.client_pseudonym, self.access)


@dataclass(frozen=True)
class DossierAccess:
    """What reading one of a dossier's records needs to know of the dossier: which, whose, and the reader's access."""

    dossier_id: int
    client_pseudonym: str
    access: Access


@dataclass(frozen=True)
class DossierRow:
    """One line in a list of dossiers."""

    id: int
    ref: str
    subject: str
    status: str
    client_id: int
    client_name: str
    client_pseudonym: str
    casemanager_id: int
    casemanager_name: str
    opened_at: datetime
    service: str | None = None


@dataclass(frozen=True)
class DossierFilter:
    """Which of the readable dossiers a list shows (every criterion optional), and which page of them."""

    status: str | None = None
    casemanager_id: int | None = None
    service: str | None = None
    limit: int = 100
    offset: int = 0
    not_closed: bool = False
    """Only dossiers that are not closed (a caseload without a status filter)."""
    sort: str = "-opened_at"
    """One of ``LIST_SORTS``: newest first by default."""


LIST_SORTS = ("-opened_at", "opened_at", "ref", "client", "status")
"""The orders of a list of dossiers: newest, oldest, by reference, by client's name, by status."""
SORT_COLUMNS: dict[str, Any] = {  # the ORDER BY of each of LIST_SORTS (the Werkvoorraad's Mijn dossiers too)
    "-opened_at": (Dossier.opened_at.desc(), Dossier.id.desc()),
    "opened_at": (Dossier.opened_at.asc(), Dossier.id.asc()),
    "ref": (Dossier.ref.asc(),),
    "client": (Client.name.asc(), Dossier.ref.asc()),
    "status": (Dossier.status.asc(), Dossier.opened_at.desc(), Dossier.id.desc()),
}


@dataclass(frozen=True)
class Person:
    """An employee with their direct line; ``detail`` is what a choice list shows after the name (the caseload)."""

    id: int
    name: str
    phone: str = ""
    detail: str = ""


@dataclass(frozen=True)
class AccountmanagerRequest:
    service: str
    accountmanager_id: int | None


@dataclass
class _Candidate:
    """A user considered for an assignment, with what the checks need."""

    id: int
    name: str
    active: bool
    roles: set[str] = field(default_factory=set)
    services: set[str] = field(default_factory=set)
    max_caseload: int | None = None


_VIEW = (Dossier, Client.name, Client.pseudonym, _CASEMANAGER.name)
"""A ``DossierView``'s row: the dossier, its client's name and pseudonym, its casemanager's name."""


def _named(*columns: Any) -> Select[Any]:
    """``columns`` of dossiers with the client's and the casemanager's names joined."""
    return (
        select(*columns)
        .join(Client, Client.id == Dossier.client_id)
        .join(_CASEMANAGER, _CASEMANAGER.id == Dossier.casemanager_id)
    )


# Built once (every dossier read runs them): the dossier with its names, and the assignments of a list of dossiers
# as plain rows (no entities to set up).
_ONE_DOSSIER = _named(*_VIEW).where(Dossier.id == bindparam("dossier_id"))
_ASSIGNMENTS = (
    select(
        DossierAssignment.id,
        DossierAssignment.role,
        Service.code,
        DossierAssignment.user_id,
        User.name,
        User.phone,
        DossierAssignment.since,
        DossierAssignment.until,
        DossierAssignment.reason,
        DossierAssignment.end_reason,
        DossierAssignment.dossier_id,
    )
    .join(User, User.id == DossierAssignment.user_id)
    .outerjoin(Service, Service.id == DossierAssignment.service_id)
    .where(DossierAssignment.dossier_id.in_(bindparam("ids", expanding=True)))
    .order_by(DossierAssignment.since, DossierAssignment.id)
)

_READER_ACCESS = (
    select(Dossier.id, Client.pseudonym, Dossier.casemanager_id, DossierAssignment.id, DossierAssignment.until)
    .join(Client, Client.id == Dossier.client_id)
    .outerjoin(
        DossierAssignment,
        (DossierAssignment.dossier_id == Dossier.id) & (DossierAssignment.user_id == bindparam("actor_id")),
    )
    .where(Dossier.id == bindparam("dossier_id"))
)
"""The dossier's client and casemanager, with a row per assignment the reader ever had (one without any)."""


def _now() -> datetime:
    return datetime.now(UTC)


class DossierService(AuditedService):
    """Dossiers on behalf of ``actor``. ``closing_check`` decides whether a dossier may close (the casefile's
    ``open_promises``); a service built without it reads and edits dossiers but refuses to close one."""

    def __init__(
        self, session: AsyncSession, actor: CurrentUser, audit: AuditLog, closing_check: ClosingCheck | None = None
    ) -> None:
        super().__init__(session, actor, audit)
        self.closing_check = closing_check
        self.assignments = Assignments(session, actor, audit)

    # ------------------------------------------------------------------ reading

    async def load(self, dossier_id: int) -> DossierView:
        """The dossier with its assignment history and the actor's access; no audit event (callers record)."""
        row = (await self.session.execute(_ONE_DOSSIER, {"dossier_id": dossier_id})).one_or_none()
        if row is None:
            raise NotFound(DOSSIER_NOT_FOUND)
        dossier, client_name, pseudonym, casemanager_name = row
        assignments = (await self.assignments_of([dossier.id])).get(dossier.id, [])
        refs = (await refs_of(self.session, "dossier", [dossier.id])).get(dossier.id, [])
        view = DossierView(dossier, client_name, pseudonym, casemanager_name, assignments, external_refs=refs)
        view.access = access_from_assignments(
            self.actor, [(a.user_id, a.until) for a in assignments], dossier.casemanager_id
        )
        return view

    async def require(self, dossier_id: int, minimum: Access) -> DossierView:
        """Load the dossier and refuse (403, Dutch) when the actor's access is below ``minimum``."""
        view = await self.load(dossier_id)
        if view.access < minimum:
            raise Forbidden(NOT_INVOLVED if view.access is Access.NONE else READ_ONLY)
        return view

    async def require_access(self, dossier_id: int, minimum: Access) -> DossierAccess:
        """As ``require``, in one statement, for a read that needs only the reader's access (a timeline page):
        only the actor's own assignments are read, and access is decided by the same rule."""
        rows = (await self.session.execute(_READER_ACCESS, {"dossier_id": dossier_id, "actor_id": self.actor.id})).all()
        if not rows:
            raise NotFound(DOSSIER_NOT_FOUND)
        mine = [(self.actor.id, until) for *_, assignment_id, until in rows if assignment_id is not None]
        access = access_from_assignments(self.actor, mine, rows[0].casemanager_id)
        if access < minimum:
            raise Forbidden(NOT_INVOLVED if access is Access.NONE else READ_ONLY)
        return DossierAccess(rows[0].id, rows[0].pseudonym, access)

    async def get(self, dossier_id: int) -> DossierView:
        view = await self.require(dossier_id, Access.READ)
        self.audit.record(Action.READ, "dossier", view.dossier.id, client_pseudonym=view.client_pseudonym)
        return view

    async def representatives(self, client_id: int) -> list[ClientRepresentative]:
        """The client's representatives today, each with their person (one query)."""
        today = datetime.now(AMSTERDAM).date()
        return list(
            (
                await self.session.scalars(
                    select(ClientRepresentative)
                    .join(Representative, Representative.id == ClientRepresentative.representative_id)
                    .options(contains_eager(ClientRepresentative.representative))
                    .where(
                        ClientRepresentative.client_id == client_id,
                        ClientRepresentative.valid_from <= today,
                        or_(ClientRepresentative.valid_until.is_(None), ClientRepresentative.valid_until >= today),
                    )
                    .order_by(Representative.name)
                )
            ).all()
        )

    async def list_dossiers(self, wanted: DossierFilter) -> list[DossierView]:
        """Dossiers the actor may read, filtered; newest first."""
        errors: list[FieldError] = []
        status, casemanager_id, service, limit = wanted.status, wanted.casemanager_id, wanted.service, wanted.limit
        if status and status not in rules.STATUSES:
            errors.append(FieldError("status", f"Onbekende status '{status}'; kies uit {', '.join(rules.STATUSES)}"))
        service_code = service.strip().upper() if service else None
        if service_code and not await self.session.scalar(select(Service.id).where(Service.code == service_code)):
            errors.append(FieldError("service", f"Onbekende dienst '{service}'"))
        if not 1 <= limit <= LIST_LIMIT_MAX:
            errors.append(FieldError("limit", f"Het aantal ligt tussen 1 en {LIST_LIMIT_MAX}"))
        if wanted.offset < 0:
            errors.append(FieldError("offset", "De beginpositie kan niet negatief zijn"))
        if errors:
            raise InvalidInput(errors)
        query = self._page(self._readable(*_VIEW), wanted, service_code)
        rows = (await self.session.execute(query)).all()
        assignments = await self.assignments_of([row[0].id for row in rows])
        refs = await refs_of(self.session, "dossier", [row[0].id for row in rows])
        await self.audit.record_reads(  # one event per client shown, in one INSERT; one without any when none
            "dossier_list",
            (pseudonym for _, _, pseudonym, _ in rows),
            action=Action.SEARCH,
            detail=f"status={status or ''} casemanager_id={casemanager_id or ''} service={service_code or ''}",
            keep_empty=True,
        )
        return [
            DossierView(d, name, pseudonym, cm, assignments.get(d.id, []), external_refs=refs.get(d.id, []))
            for d, name, pseudonym, cm in rows
        ]

    def _readable(self, *columns: Any) -> Select[Any]:
        """``columns`` of the dossiers the actor may read, the client's and the casemanager's names joined."""
        return _named(*columns).where(visible_dossiers_clause(self.actor))

    @staticmethod
    def _page(query: Select[Any], wanted: DossierFilter, service_code: str | None) -> Select[Any]:
        """The filtered dossiers of ``query``, newest first, one page (``service_code`` as the caller spells it)."""
        if wanted.status:
            query = query.where(Dossier.status == wanted.status)
        if wanted.not_closed:
            query = query.where(Dossier.status != rules.CLOSED)
        if wanted.casemanager_id:
            query = query.where(Dossier.casemanager_id == wanted.casemanager_id)
        if service_code:
            query = query.where(
                exists(
                    select(DossierAssignment.id)
                    .join(Service, Service.id == DossierAssignment.service_id)
                    .where(
                        DossierAssignment.dossier_id == Dossier.id,
                        ACTIVE,
                        Service.code == service_code,
                    )
                )
            )
        order = SORT_COLUMNS.get(wanted.sort, SORT_COLUMNS["-opened_at"])
        return query.order_by(*order).limit(wanted.limit).offset(wanted.offset)

    async def references_of(self, dossier_ids: Collection[int]) -> dict[int, str]:
        """The references (D-2026-00005) of those of these dossiers the actor may read, by id (one query)."""
        if not dossier_ids:
            return {}
        query = self._readable(Dossier.id, Dossier.ref).where(Dossier.id.in_(list(dossier_ids)))
        return {ident: ref for ident, ref, *_ in (await self.session.execute(query)).all()}

    async def assignments_of(self, dossier_ids: list[int]) -> dict[int, list[AssignmentView]]:
        if not dossier_ids:
            return {}
        result: dict[int, list[AssignmentView]] = {}
        for *columns, dossier_id in (await self.session.execute(_ASSIGNMENTS, {"ids": dossier_ids})).all():
            result.setdefault(dossier_id, []).append(AssignmentView(*columns))
        return result

    # ------------------------------------------------------------------ pages: caseloads and choices

    async def caseload_counts(self, casemanager_id: int) -> dict[str, int]:
        """Per status, the dossiers of which the user is the current casemanager (one GROUP BY query)."""
        rows = (
            await self.session.execute(
                select(Dossier.status, func.count(Dossier.id))
                .where(Dossier.casemanager_id == casemanager_id)
                .group_by(Dossier.status)
            )
        ).all()
        counts = dict.fromkeys(rules.STATUSES, 0)
        counts.update({status: count for status, count in rows})
        return counts

    async def rows(
        self, wanted: DossierFilter, *, accountmanager_id: int | None = None, shown: int | None = None
    ) -> list[DossierRow]:
        """Dossier lines for the "Mijn dossiers" page, always within what the actor may read; the clients of the
        first ``shown`` lines (all by default: a page may read one more to know there is a next) are audited."""
        query = self._rows_query(wanted, accountmanager_id)
        rows = [DossierRow(*row) for row in (await self.session.execute(query)).all()]
        # one event per client shown (one INSERT; the page's lists share one through the audit log's batch)
        await self.audit.record_reads(
            "dossier_list", (row.client_pseudonym for row in rows[:shown]), action=Action.SEARCH, detail="Mijn dossiers"
        )
        return rows

    async def count_rows(self, wanted: DossierFilter, *, accountmanager_id: int | None = None) -> int:
        """How many lines ``rows`` would give without its page (one COUNT query; shows nobody, so not audited)."""
        query = self._rows_query(wanted, accountmanager_id).order_by(None).limit(None).offset(None)
        return int(await self.session.scalar(select(func.count()).select_from(query.subquery())) or 0)

    def _rows_query(self, wanted: DossierFilter, accountmanager_id: int | None) -> Select[Any]:
        query = self._readable(
            Dossier.id,
            Dossier.ref,
            Dossier.subject,
            Dossier.status,
            Dossier.client_id,
            Client.name,
            Client.pseudonym,
            Dossier.casemanager_id,
            _CASEMANAGER.name,
            Dossier.opened_at,
        )
        if accountmanager_id is not None:
            mine = _MY_ASSIGNMENT  # aliased: the access filter has its own subquery on assignments
            query = (
                query.add_columns(Service.code)
                .join(
                    mine,
                    and_(
                        mine.dossier_id == Dossier.id,
                        mine.user_id == accountmanager_id,
                        mine.role == ACCOUNTMANAGER,
                        mine.until.is_(None),  # the aliased ACTIVE
                    ),
                )
                .join(Service, Service.id == mine.service_id)
                .order_by(Service.code)
            )
        return self._page(query, wanted, wanted.service.upper() if wanted.service else None)

    async def casemanager_choices(self) -> list[Person]:
        """Active casemanagers with their current caseload (and cap), for the select lists."""
        load = (
            select(Dossier.casemanager_id, func.count(Dossier.id).label("n"))
            .where(Dossier.status != rules.CLOSED)
            .group_by(Dossier.casemanager_id)
            .subquery()
        )
        rows = (
            await self.session.execute(
                select(User.id, User.name, User.phone, User.max_caseload, func.coalesce(load.c.n, 0))
                .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == CASEMANAGER))
                .outerjoin(load, load.c.casemanager_id == User.id)
                .where(User.is_active.is_(True))
                .order_by(User.name)
            )
        ).all()
        return [
            Person(uid, name, phone, f"{n} open" + (f", maximum {cap}" if cap is not None else ""))
            for uid, name, phone, cap, n in rows
        ]

    async def accountmanager_choices(self) -> dict[str, list[Person]]:
        """Per active service code, its active accountmanagers (one query)."""
        rows = (
            await self.session.execute(
                select(Service.code, User.id, User.name, User.phone)
                .join(user_services, user_services.c.service_id == Service.id)
                .join(User, User.id == user_services.c.user_id)
                .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == ACCOUNTMANAGER))
                .where(User.is_active.is_(True), Service.is_active.is_(True))
                .order_by(Service.code, User.name)
            )
        ).all()
        result: dict[str, list[Person]] = {}
        for code, uid, name, phone in rows:
            result.setdefault(code, []).append(Person(uid, name, phone))
        return result

    async def services(self) -> list[tuple[str, str]]:
        return await active_services(self.session)

    # ------------------------------------------------------------------ changing

    async def create(
        self,
        *,
        client_id: int | None,
        subject: str | None,
        casemanager_id: int | None,
        assignments: list[AccountmanagerRequest] | None = None,
        external_refs: list[str] | None = None,
    ) -> DossierView:
        if not self.actor.has(Role.CASEMANAGER, Role.ADMIN):
            raise Forbidden("Alleen casemanagers en functioneel beheer openen dossiers.")
        requests = list(assignments or [])
        errors = rules.check_subject(subject)
        refs, ref_errors = clean_external_refs(external_refs, record_type="dossier")
        errors += ref_errors
        client = await self.session.get(Client, client_id) if client_id else None
        if client is None:
            errors.append(FieldError("client_id", "Kies een bestaande klant" if client_id else "Kies een klant"))
        elif client.merged_into_id is not None:
            errors.append(FieldError("client_id", MERGED_CLIENT))
        candidates = await self._candidates([casemanager_id, *(r.accountmanager_id for r in requests)])
        casemanager = self._check_casemanager(casemanager_id, candidates, errors)
        services = await self._service_ids([r.service for r in requests])
        for index, request in enumerate(requests):
            self._check_accountmanager(request, services, candidates, errors, f"assignments[{index}]")
        if errors:
            raise InvalidInput(errors)
        twice = [code for code, n in Counter(r.service.strip().upper() for r in requests).items() if n > 1]
        if twice:
            raise Conflict(f"Per dienst is er één actieve accountmanager; {', '.join(twice)} staat er meer dan eens in")
        assert casemanager is not None and client is not None
        await self._check_caseload(casemanager)

        now = _now()
        dossier_id = await self._insert_with_reference(
            {
                "client_id": client.id,
                "subject": (subject or "").strip(),
                "status": rules.OPEN,
                "opened_at": now,
                "casemanager_id": casemanager.id,
            },
            now,
        )
        reason = "Dossier geopend"
        self.assignments.start(dossier_id, CASEMANAGER, casemanager.id, now=now, reason=reason)
        for request in requests:
            assert request.accountmanager_id is not None
            self.assignments.start(
                dossier_id,
                ACCOUNTMANAGER,
                request.accountmanager_id,
                now=now,
                reason=reason,
                service_id=services[request.service.strip().upper()],
            )
        await self.assignments.flush()
        await add_refs(self.session, "dossier", dossier_id, refs)
        view = await self.load(dossier_id)
        self.audit.record(
            Action.CREATE,
            "dossier",
            dossier_id,
            client_pseudonym=view.client_pseudonym,
            detail=view.dossier.ref + (f"; kenmerken {len(refs)}" if refs else ""),
        )
        return view

    async def update(
        self,
        dossier_id: int,
        *,
        version: int | None,
        subject: str | None = None,
        status: str | None = None,
        outcome: str | None = None,
        casemanager_id: int | None = None,
        reason: str | None = None,
        external_refs: list[str] | None = None,
    ) -> DossierView:
        """Change what is given; ``external_refs`` (when not ``None``) replaces the dossier's references."""
        view = await self.require(dossier_id, Access.WRITE)
        dossier = view.dossier
        if version is None:
            raise InvalidInput.single("version", "De versie van het dossier ontbreekt; laad het dossier opnieuw")
        if version != dossier.version:
            raise Conflict(STALE)
        errors: list[FieldError] = []
        if subject is not None:
            errors += rules.check_subject(subject)
        new_status = status or None
        errors += rules.check_status_change(dossier.status, new_status, outcome or None)
        changing_casemanager = casemanager_id is not None and casemanager_id != dossier.casemanager_id
        casemanager: _Candidate | None = None
        if changing_casemanager:
            errors += rules.check_reason(reason, required=True)
            candidates = await self._candidates([casemanager_id])
            casemanager = self._check_casemanager(casemanager_id, candidates, errors)
        else:
            errors += rules.check_reason(reason, required=False)
        refs: list[str] | None = None
        if external_refs is not None:
            refs, ref_errors = clean_external_refs(external_refs, record_type="dossier")
            errors += ref_errors
        if errors:
            raise InvalidInput(errors)
        final_status = new_status or dossier.status
        if casemanager is not None and final_status != rules.CLOSED:
            await self._check_caseload(casemanager)

        now = _now()
        text = (reason or "").strip()
        changes: list[str] = []
        if subject is not None and subject.strip() != dossier.subject:
            dossier.subject = subject.strip()
            changes.append("onderwerp")
        if new_status and new_status != dossier.status:
            if rules.is_closing(dossier.status, new_status):
                await self._refuse_closing_with_open_promises(dossier)
                dossier.outcome = outcome
                dossier.closed_at = now
            changes.append(f"status {dossier.status} → {new_status}")
            dossier.status = new_status
        if casemanager is not None:
            dossier.casemanager_id = casemanager.id
            changes.append(f"casemanager → {casemanager.name}")
        if refs is not None and refs != view.external_refs:
            dossier.updated_at = now  # the version moves too: the references are part of the dossier
            changes.append(f"kenmerken ({len(refs)})")
        if not changes:
            self.audit.record(Action.READ, "dossier", dossier.id, client_pseudonym=view.client_pseudonym)
            return view
        # The dossier row first: its version check (WHERE version = …) fails fast when someone else was quicker.
        await flush_dossier(self.session)
        if refs is not None:
            await replace_refs(self.session, "dossier", dossier.id, refs)
        if casemanager is not None:
            await self.assignments.replace_casemanager(dossier.id, casemanager.id, now=now, reason=text)
        self.audit.record(
            Action.UPDATE, "dossier", dossier.id, client_pseudonym=view.client_pseudonym, detail="; ".join(changes)
        )
        return await self.load(dossier.id)

    async def _refuse_closing_with_open_promises(self, dossier: Dossier) -> None:
        """A dossier closes only when nothing promised is still open (seed: promises kept or explicitly ended).
        The message names the dossier by its reference and every open promise in plain words (one field error
        each, for the API), so whoever tried to close knows what to settle first."""
        if self.closing_check is None:
            raise RuntimeError("DossierService was built without a closing check; use the casefile's provider")
        blocking = await self.closing_check(self.session, dossier.id)
        if blocking:
            count = "nog één belofte" if len(blocking) == 1 else f"nog {len(blocking)} beloften"
            raise InvalidInput(
                [FieldError("status", item[:1].upper() + item[1:]) for item in blocking],
                f"Dossier {dossier.ref} kan nog niet worden gesloten: er staat {count} aan de klant open. "
                "Handel die eerst af.",
            )

    async def assign_accountmanager(
        self, dossier_id: int, service: str, *, accountmanager_id: int | None, reason: str | None = None
    ) -> DossierView:
        """Make ``accountmanager_id`` the service's accountmanager on the dossier, ending the current one."""
        view = await self.require(dossier_id, Access.WRITE)
        errors = rules.check_reason(reason, required=False)
        request = AccountmanagerRequest(service, accountmanager_id)
        services = await self._service_ids([service])
        candidates = await self._candidates([accountmanager_id])
        self._check_accountmanager(request, services, candidates, errors, "")
        if errors:
            raise InvalidInput(errors)
        code = service.strip().upper()
        current = next((a for a in view.current_accountmanagers if a.service == code), None)
        if current is not None and current.user_id == accountmanager_id:  # already so: nothing changes
            self.audit.record(Action.READ, "dossier", view.dossier.id, client_pseudonym=view.client_pseudonym)
            return view
        assert accountmanager_id is not None
        await self.assignments.replace_accountmanager(
            view.dossier,
            service_id=services[code],
            service_code=code,
            user_id=accountmanager_id,
            user_name=candidates[accountmanager_id].name,
            now=_now(),
            reason=(reason or "").strip(),
            client_pseudonym=view.client_pseudonym,
        )
        return await self.load(view.dossier.id)

    # ------------------------------------------------------------------ helpers

    async def _insert_with_reference(self, values: dict[str, Any], now: datetime) -> int:
        """Insert the dossier under the next free reference of the year; retry when another request took it.

        PostgreSQL aborts a transaction on a unique violation, so each attempt runs in a savepoint there. SQLite only
        undoes the failing statement (and its savepoints would commit the outer transaction), so it retries plainly.
        """
        year = now.astimezone(AMSTERDAM).year
        use_savepoint = self.session.get_bind().dialect.name == "postgresql"
        for _ in range(REFERENCE_ATTEMPTS):
            highest = await self.session.scalar(select(func.max(Dossier.ref)).where(Dossier.ref.like(f"D-{year}-%")))
            try:
                ref = rules.next_reference(year, highest)
            except ValueError:
                raise Conflict(f"De dossiernummers voor {year} zijn op") from None
            statement = (
                insert(cast(Table, Dossier.__table__))
                .values(ref=ref, version=1, created_at=now, updated_at=now, **values)
                .returning(Dossier.__table__.c.id)
            )
            try:
                if use_savepoint:
                    async with self.session.begin_nested():
                        return (await self.session.execute(statement)).scalar_one()
                return (await self.session.execute(statement)).scalar_one()
            except IntegrityError:
                continue
        raise Conflict("Er kon geen dossiernummer worden toegekend; probeer het opnieuw")

    async def _candidates(self, user_ids: list[int | None]) -> dict[int, _Candidate]:
        ids = {uid for uid in user_ids if uid}
        if not ids:
            return {}
        users = (await self.session.scalars(select(User).where(User.id.in_(ids)))).all()
        return {
            u.id: _Candidate(u.id, u.name, u.is_active, set(u.roles), set(u.service_codes), u.max_caseload)
            for u in users
        }

    @staticmethod
    def _check_casemanager(
        casemanager_id: int | None, candidates: dict[int, _Candidate], errors: list[FieldError]
    ) -> _Candidate | None:
        if not casemanager_id:
            errors.append(FieldError("casemanager_id", "Kies een casemanager"))
            return None
        candidate = candidates.get(casemanager_id)
        if candidate is None:
            errors.append(FieldError("casemanager_id", f"Onbekende medewerker {casemanager_id}"))
            return None
        if not candidate.active or CASEMANAGER not in candidate.roles:
            errors.append(FieldError("casemanager_id", f"{candidate.name} is geen actieve casemanager"))
            return None
        return candidate

    @staticmethod
    def _check_accountmanager(
        request: AccountmanagerRequest,
        services: dict[str, int],
        candidates: dict[int, _Candidate],
        errors: list[FieldError],
        prefix: str,
    ) -> None:
        service_field = f"{prefix}.service" if prefix else "service"
        person_field = f"{prefix}.accountmanager_id" if prefix else "accountmanager_id"
        code = (request.service or "").strip().upper()
        if code not in services:
            errors.append(FieldError(service_field, f"Onbekende dienst '{request.service}'"))
            return
        if not request.accountmanager_id:
            errors.append(FieldError(person_field, f"Kies een accountmanager voor {code}"))
            return
        candidate = candidates.get(request.accountmanager_id)
        if candidate is None:
            errors.append(FieldError(person_field, f"Onbekende medewerker {request.accountmanager_id}"))
        elif not candidate.active or ACCOUNTMANAGER not in candidate.roles:
            errors.append(FieldError(person_field, f"{candidate.name} is geen actieve accountmanager"))
        elif code not in candidate.services:
            errors.append(FieldError(person_field, f"{candidate.name} hoort niet bij dienst {code}"))

    async def _service_ids(self, codes: list[str]) -> dict[str, int]:
        wanted = {(code or "").strip().upper() for code in codes}
        if not wanted:
            return {}
        rows = await self.session.execute(
            select(Service.code, Service.id).where(Service.code.in_(wanted), Service.is_active.is_(True))
        )
        return {code: sid for code, sid in rows.all()}

    async def _check_caseload(self, casemanager: _Candidate) -> None:
        if casemanager.max_caseload is None:
            return
        # Lock the casemanager's row (PostgreSQL) so two assignments at once cannot both pass the cap.
        await self.session.execute(select(User.id).where(User.id == casemanager.id).with_for_update())
        open_count = await self.session.scalar(
            select(func.count(Dossier.id)).where(
                Dossier.casemanager_id == casemanager.id, Dossier.status != rules.CLOSED
            )
        )
        refusal = rules.caseload_refusal(casemanager.name, open_count or 0, casemanager.max_caseload)
        if refusal:
            raise InvalidInput.single("casemanager_id", refusal)
