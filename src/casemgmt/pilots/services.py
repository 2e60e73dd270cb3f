"""The pilot services: listing pilots, enrolling a dossier in a cohort, changing a cohort, registering time.

Who may do what (the rules themselves are in ``rules.py``):

- listing pilots: every signed-in role, the evaluator included (no personal data in it);
- enrolling a dossier: its current casemanager or an admin; a dossier is in at most one pilot (twice → 409);
- changing a cohort: the casemanager or an admin before the dossier's first contact, only an admin after it;
  always with a reason;
- registering time: employees involved in the dossier (current or earlier assignees) for themselves, admins for
  themselves on any dossier and for involved employees.

Everything is checked before anything is written (404, 403, 409, then every 422 at once); every enrolment, cohort
change and time entry writes an audit event with the client's pseudonym.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import Action, AuditedService, AuditLog
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.models import User
from casemgmt.auth.roles import EMPLOYEE_ROLES, Role
from casemgmt.casefile.pilot_facts import PilotFacts
from casemgmt.clients.models import Client
from casemgmt.contacts.models import Contact
from casemgmt.directory.calendar import local_date
from casemgmt.directory.models import Service
from casemgmt.dossiers.access import NOT_INVOLVED
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.dossiers.rules import CLOSED
from casemgmt.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from casemgmt.pilots import rules
from casemgmt.pilots.models import Pilot, PilotEnrolment, TimeEntry
from casemgmt.pilots.rules import COHORTS, MANUAL, PILOT, RANDOM

DOSSIER_NOT_FOUND = "Dossier niet gevonden."
ENROLERS_ONLY = "Alleen de casemanager van het dossier of functioneel beheer kan een dossier in een pilot indelen."
NO_TIME_FOR_EVALUATORS = "Alleen medewerkers die aan dossiers werken registreren tijd."
ONLY_ADMIN_FOR_OTHERS = "Alleen functioneel beheer kan tijd registreren voor een andere medewerker."


@dataclass(frozen=True)
class EnrolmentView:
    enrolment: PilotEnrolment
    pilot_slug: str
    assigned_by_name: str | None


def today() -> date:
    """Today in the Netherlands."""
    return local_date(datetime.now(UTC))


class PilotService(AuditedService):
    async def list_pilots(self) -> list[Pilot]:
        return list((await self.session.scalars(select(Pilot).order_by(Pilot.start_date, Pilot.slug))).all())

    async def pilot(self, slug: str) -> Pilot:
        pilot = await self.session.scalar(select(Pilot).where(Pilot.slug == slug))
        if pilot is None:
            raise NotFound(f"Pilot '{slug}' bestaat niet.")
        return pilot

    async def _dossier(self, dossier_id: int | None) -> Dossier:
        if dossier_id is None:
            raise InvalidInput.single("dossier_id", "Kies het dossier.")
        return await self._existing(Dossier, dossier_id, DOSSIER_NOT_FOUND)

    def _is_casemanager_of(self, dossier: Dossier) -> bool:
        return Role.CASEMANAGER in self.actor.roles and dossier.casemanager_id == self.actor.id

    async def _pseudonym(self, dossier: Dossier) -> str | None:
        return await self.session.scalar(select(Client.pseudonym).where(Client.id == dossier.client_id))

    async def _dossier_services(self, dossier_id: int) -> set[str]:
        """Service codes involved in the dossier: its accountmanager assignments, current and earlier."""
        rows = await self.session.scalars(
            select(Service.code)
            .join(DossierAssignment, DossierAssignment.service_id == Service.id)
            .where(DossierAssignment.dossier_id == dossier_id)
            .distinct()
        )
        return set(rows.all())

    async def _pilot_caseload(self, pilot: Pilot, casemanager_id: int) -> int:
        """Open dossiers of ``casemanager_id`` in the pilot cohort of ``pilot``."""
        count = await self.session.scalar(
            select(func.count())
            .select_from(PilotEnrolment)
            .join(Dossier, Dossier.id == PilotEnrolment.dossier_id)
            .where(
                PilotEnrolment.pilot_id == pilot.id,
                PilotEnrolment.cohort == PILOT,
                Dossier.casemanager_id == casemanager_id,
                Dossier.status != CLOSED,
            )
        )
        return int(count or 0)

    def _caseload_error(self, pilot: Pilot, load: int) -> FieldError:
        return FieldError(
            "dossier_id",
            f"De casemanager van dit dossier heeft al {load} open dossiers in de pilotgroep; het maximum van deze "
            f"pilot is {pilot.caseload_cap}.",
        )

    async def enrol(
        self, slug: str, dossier_id: int | None, cohort: str | None = None, reason: str | None = None
    ) -> EnrolmentView:
        """Put the dossier in the pilot: drawn by lot for a random pilot, the chosen cohort for a manual one."""
        pilot = await self.pilot(slug)
        dossier = await self._dossier(dossier_id)
        if not (Role.ADMIN in self.actor.roles or self._is_casemanager_of(dossier)):
            raise Forbidden(ENROLERS_ONLY)
        row = (
            await self.session.execute(
                select(Pilot.slug, PilotEnrolment.cohort)
                .join(Pilot, Pilot.id == PilotEnrolment.pilot_id)
                .where(PilotEnrolment.dossier_id == dossier.id)
            )
        ).first()
        if row is not None:
            raise Conflict(
                f"Dossier {dossier.ref} is al ingedeeld in pilot '{row.slug}' ({COHORTS[row.cohort].lower()}); een "
                "dossier zit in hoogstens één pilot."
            )
        cohort = (cohort or "").strip().lower() or None
        errors = rules.check_enrolment_choice(pilot.assignment, cohort, reason)
        if dossier.status == CLOSED:
            errors.append(FieldError("dossier_id", f"Dossier {dossier.ref} is gesloten en kan niet meer meedoen."))
        if today() > pilot.end_date:
            errors.append(FieldError("dossier_id", f"De pilot is afgelopen op {pilot.end_date:%d-%m-%Y}."))
        dossier_services = await self._dossier_services(dossier.id)
        if not rules.services_overlap(dossier_services, pilot.service_codes):
            involved = ", ".join(sorted(dossier_services)) or "geen"
            errors.append(
                FieldError(
                    "dossier_id",
                    f"Bij dossier {dossier.ref} is geen dienst van deze pilot betrokken (pilot: "
                    f"{', '.join(pilot.service_codes)}; dossier: {involved}).",
                )
            )
        if pilot.assignment == RANDOM or cohort == PILOT:
            load = await self._pilot_caseload(pilot, dossier.casemanager_id)
            if rules.pilot_caseload_full(load, pilot.caseload_cap):
                errors.append(self._caseload_error(pilot, load))
        if errors:
            raise InvalidInput(errors)

        if pilot.assignment == RANDOM:
            assert pilot.random_seed is not None and pilot.pilot_share is not None
            draw = rules.draw_value(pilot.random_seed, dossier.id)
            chosen: str = rules.draw_cohort(pilot.random_seed, pilot.pilot_share, dossier.id)
            method, text = RANDOM, (reason or "").strip()
            how = f"loting: seed {pilot.random_seed}, trekking {draw:.6f}, aandeel pilot {pilot.pilot_share}"
        else:
            assert cohort is not None
            chosen, method, text = cohort, MANUAL, (reason or "").strip()
            how = f"handmatig: {text}"
        enrolment = PilotEnrolment(
            dossier_id=dossier.id,
            pilot_id=pilot.id,
            cohort=chosen,
            method=method,
            reason=text,
            assigned_by_id=self.actor.id,
            assigned_at=datetime.now(UTC),
        )
        self.session.add(enrolment)
        try:
            await self.session.flush()
        except IntegrityError as exc:  # enrolled at the same moment by someone else
            raise Conflict(f"Dossier {dossier.ref} is zojuist al in een pilot ingedeeld.") from exc
        self.audit.record(
            Action.CREATE,
            "enrolment",
            dossier.id,
            client_pseudonym=await self._pseudonym(dossier),
            detail=f"pilot {pilot.slug}; cohort {chosen}; {how}",
        )
        return EnrolmentView(enrolment, pilot.slug, self.actor.name)

    async def change_cohort(self, slug: str, dossier_id: int, cohort: str | None, reason: str | None) -> EnrolmentView:
        """Move an enrolled dossier to the other cohort (with a reason; after the first contact only an admin)."""
        pilot = await self.pilot(slug)
        dossier = await self._dossier(dossier_id)
        enrolment = await self.session.scalar(
            select(PilotEnrolment).where(PilotEnrolment.dossier_id == dossier.id, PilotEnrolment.pilot_id == pilot.id)
        )
        if enrolment is None:
            raise NotFound(f"Dossier {dossier.ref} is niet ingedeeld in pilot '{pilot.slug}'.")
        had_contact = bool(await self.session.scalar(select(exists().where(Contact.dossier_id == dossier.id))))
        new = (cohort or "").strip().lower() or None
        errors, refusal = rules.cohort_change_errors(
            current=enrolment.cohort,
            new=new,
            reason=reason,
            had_contact=had_contact,
            is_admin=Role.ADMIN in self.actor.roles,
            is_casemanager=self._is_casemanager_of(dossier),
        )
        if refusal:
            raise Forbidden(refusal)
        if not errors and new == PILOT:
            load = await self._pilot_caseload(pilot, dossier.casemanager_id)
            if rules.pilot_caseload_full(load, pilot.caseload_cap):
                errors.append(self._caseload_error(pilot, load))
        if errors:
            raise InvalidInput(errors)
        assert new is not None
        old = enrolment.cohort
        text = (reason or "").strip()
        enrolment.cohort = new
        enrolment.method = MANUAL
        enrolment.reason = text
        await self.session.flush()
        self.audit.record(
            Action.UPDATE,
            "enrolment",
            dossier.id,
            client_pseudonym=await self._pseudonym(dossier),
            detail=(
                f"pilot {pilot.slug}; cohort {old} → {new}; "
                f"{'na' if had_contact else 'vóór'} het eerste contact; reden: {text}"
            ),
        )
        assigned_by = await self.session.scalar(select(User.name).where(User.id == enrolment.assigned_by_id))
        return EnrolmentView(enrolment, pilot.slug, assigned_by)


class TimeEntryService(AuditedService):
    async def register(
        self,
        dossier_id: int | None,
        minutes: int | None,
        activity: str | None,
        entry_date: date | None = None,
        employee_id: int | None = None,
    ) -> TimeEntry:
        if not self.actor.roles & EMPLOYEE_ROLES:
            raise Forbidden(NO_TIME_FOR_EVALUATORS)
        is_admin = Role.ADMIN in self.actor.roles
        for_self = employee_id is None or employee_id == self.actor.id
        if not for_self and not is_admin:
            raise Forbidden(ONLY_ADMIN_FOR_OTHERS)
        if dossier_id is None:
            raise InvalidInput.single("dossier_id", "Kies het dossier.")
        dossier = await self._existing(Dossier, dossier_id, DOSSIER_NOT_FOUND)
        target_id = self.actor.id if for_self else employee_id
        assert target_id is not None
        employee = await self.session.get(User, target_id)
        if employee is None or not employee.is_active:
            raise InvalidInput.single("employee_id", "Onbekende of niet-actieve medewerker.")
        was_casemanager, was_accountmanager = await self._involvement(dossier, employee.id)
        involved = was_casemanager or was_accountmanager
        if not involved:
            if not for_self:
                raise InvalidInput.single(
                    "employee_id", f"{employee.name} is niet betrokken (geweest) bij dossier {dossier.ref}."
                )
            if not is_admin:
                raise Forbidden(NOT_INVOLVED)
        role = rules.role_on_dossier(
            was_casemanager=was_casemanager, was_accountmanager=was_accountmanager, roles=employee.roles
        )
        now = today()
        day = entry_date or now
        errors = rules.check_time_entry(
            minutes=minutes, activity=activity, entry_date=day, today=now, opened_on=local_date(dossier.opened_at)
        )
        if errors:
            raise InvalidInput(errors)
        assert minutes is not None and activity is not None
        # Serialise registrations of one employee (PostgreSQL row lock; SQLite serialises writers anyway).
        await self.session.execute(select(User.id).where(User.id == employee.id).with_for_update())
        already = await self.session.scalar(
            select(func.coalesce(func.sum(TimeEntry.minutes), 0)).where(
                TimeEntry.employee_id == employee.id, TimeEntry.entry_date == day
            )
        )
        too_much = rules.day_total_error(already=int(already or 0), adding=minutes, entry_date=day)
        if too_much:
            raise InvalidInput(too_much)
        entry = TimeEntry(
            dossier_id=dossier.id,
            employee_id=employee.id,
            role=role,
            entry_date=day,
            minutes=minutes,
            activity=activity,
            registered_by_id=self.actor.id,
        )
        self.session.add(entry)
        await self.session.flush()
        pseudonym = await self.session.scalar(select(Client.pseudonym).where(Client.id == dossier.client_id))
        self.audit.record(
            Action.CREATE,
            "time_entry",
            entry.id,
            client_pseudonym=pseudonym,
            detail=f"dossier {dossier.ref}; {minutes} min {activity} op {day.isoformat()}; medewerker {employee.id}",
        )
        return entry

    async def _involvement(self, dossier: Dossier, user_id: int) -> tuple[bool, bool]:
        """(is or was its casemanager, is or was one of its accountmanagers)."""
        roles = set(
            (
                await self.session.scalars(
                    select(DossierAssignment.role).where(
                        DossierAssignment.dossier_id == dossier.id, DossierAssignment.user_id == user_id
                    )
                )
            ).all()
        )
        return dossier.casemanager_id == user_id or "casemanager" in roles, "accountmanager" in roles

    async def may_register_on(self, dossier: Dossier) -> bool:
        """Whether ``dossier_for_entry`` would let the actor register time on ``dossier`` (no 403)."""
        if not self.actor.roles & EMPLOYEE_ROLES:
            return False
        return Role.ADMIN in self.actor.roles or any(await self._involvement(dossier, self.actor.id))

    async def dossier_for_entry(self, dossier_id: int) -> Dossier:
        """The dossier the actor registers their own time on (the quick-entry form): 404 / 403 otherwise."""
        if not self.actor.roles & EMPLOYEE_ROLES:
            raise Forbidden(NO_TIME_FOR_EVALUATORS)
        dossier = await self._existing(Dossier, dossier_id, DOSSIER_NOT_FOUND)
        if not await self.may_register_on(dossier):
            raise Forbidden(NOT_INVOLVED)
        return dossier

    async def minutes_today(self, employee_id: int) -> int:
        total = await self.session.scalar(
            select(func.coalesce(func.sum(TimeEntry.minutes), 0)).where(
                TimeEntry.employee_id == employee_id, TimeEntry.entry_date == today()
            )
        )
        return int(total or 0)

    async def dossier_minutes(self, dossier_id: int) -> int:
        total = await self.session.scalar(
            select(func.coalesce(func.sum(TimeEntry.minutes), 0)).where(TimeEntry.dossier_id == dossier_id)
        )
        return int(total or 0)


async def dossier_pilot_facts(
    session: AsyncSession, actor: CurrentUser, audit: AuditLog, dossier_id: int
) -> PilotFacts:
    """The dossier page's pilot line (pilot and cohort) and whether the reader may register time (``pilot_facts``)."""
    row = (
        await session.execute(
            select(Pilot.name, PilotEnrolment.cohort)
            .join(PilotEnrolment, PilotEnrolment.pilot_id == Pilot.id)
            .where(PilotEnrolment.dossier_id == dossier_id)
        )
    ).one_or_none()
    dossier = await session.get(Dossier, dossier_id)
    may_register = dossier is not None and await TimeEntryService(session, actor, audit).may_register_on(dossier)
    if row is None:
        return PilotFacts(may_register_time=may_register)
    return PilotFacts(pilot=row.name, cohort=COHORTS.get(row.cohort, row.cohort), may_register_time=may_register)
