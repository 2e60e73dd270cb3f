"""``casemgmt generate``: a synthetic municipality of a given size, deterministic per seed, written by bulk inserts.

Sizes (dossiers / contacts / commitments / handoffs / escalations / survey responses / employees):

- ``small`` 100 / 2,000 / 400 / 200 / 100 / 600 / 40 — for tests;
- ``medium`` 2,000 / 100,000 / 20,000 / 10,000 / 5,000 / 5,000 / 150;
- ``large`` 20,000 / 1,000,000 / 200,000 / 100,000 / 50,000 / 50,000 / 500 — Den Haag's KCC scale (issue 6).

Of the contacts, 80% belong to dossiers (skewed: a few dossiers have hundreds of timeline entries) and 20% are KCC
calls without a dossier. ``pilot_dossiers`` (default 400, at most half the dossiers) of the dossiers are enrolled
in the pilot (loaded from ``pilots/`` when missing), whatever the size, so pilot pages compare across sizes; their
cohort is the pilot's own reproducible draw (``pilots.rules.draw_cohort`` on the dossier id), so about half are in
each cohort. Enrolled dossiers get time entries (the pilot cohort more casemanager time).

**Calibrated to the seed report** (Rekenkamer Den Haag 2013, Totta fase 1) for the status quo — every dossier not in
the pilot cohort and every contact without a dossier:

- inbound contacts: 1/3 helped at once (``resolved``, 0 transfers); 40% transferred, of which 60% two or more times;
  the rest (27%) neither (callback promised, client calls back, appointment made);
- commitments due: 80% fulfilled on time, 6% late, 7% missed, 3% still open past due, 4% cancelled — so about 10%
  of promises (callbacks included) are not kept;
- survey: 750 of 945 respondents remember the contact, 741 give a grade, 72% of the grades are 7 or higher
  (531/741); the dissatisfied give reasons in the seed's proportions among the 210 dissatisfied (not in one go 20%,
  not competent 19%, other 16%, not the desired answer 11%, not called back 10%, long wait / passed from pillar to
  post / transferred several times 9% each, agreements not kept / not actively helped 6% each: 1.15 reasons per
  respondent), were helped at once 31% / transferred 40% (of whom 60% two or more times) / called back 10% / had to
  call back 10% / appointment 9%, with the seed's background mix (gender, age, education, resident or business).
  Following the questionnaire's routing, only the dissatisfied answer the questions after the grade;
- closed dossiers 65% resolved, 25% referred, 10% withdrawn; escalations 78% answered within the service norm;
  handoffs 75% accepted, with a 30% chance that a handoff goes back to the service that handed off (ping-pong).

**The pilot cohort** gets a modest true improvement: helped at once 41%, transferred 32%; 73% of closed dossiers
resolved (+8 points); commitments 87% on time, 5% not kept; 80% satisfied; 88% of escalations within the norm;
fewer handoffs (×0.7) and less ping-pong (10%); dossiers close sooner.

Shares are drawn with ``Quota``: per group, the counts of each category follow the target shares to within one, in
a random order, so even ``small`` hits the seed's figures. Everything derives from ``seed`` (numpy's PCG64 and
``random.Random``) and from ``as_of`` (the generated history ends at 00:00 UTC of that date; default today), so one
seed on the same starting database gives the same municipality. Nothing lies after ``as_of``.

**Valid data only**: BSNs pass the 11-proof and are unique (existing ones are skipped), KvK numbers are 8 digits and
unique, references continue after the highest existing one per year, at most one current accountmanager per service
per dossier, commitment, handoff and escalation statuses agree with their moments (``kept_on_time`` true exactly
when fulfilled at or before due, ``within_norm`` exactly when answered at or before due), closed dossiers have no
open commitments or escalations, time entries stay within 24 hours per employee per day and not before the opening.
Generated employees cannot log in (no password); existing users are kept.

**Writing**: the rows go through ``casemgmt.synthetic.writer.BulkWriter`` (ids assigned there from max(id)+1,
batches per table, sequences synced and ANALYZE at the end). Run it on a database nobody else is writing to at the
same time.
"""

from __future__ import annotations

import math
import random
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from time import perf_counter
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import Action, AuditLog
from casemgmt.auth.models import User, UserRole, user_services
from casemgmt.auth.roles import Role
from casemgmt.clients.models import Client, ClientRepresentative, Representative
from casemgmt.clients.rules import (
    PSEUDONYM_ALPHABET,
    PSEUDONYM_LENGTH,
    PSEUDONYM_PREFIX,
    normalise_name,
    normalise_phone,
    phone_digits,
    search_keys,
)
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact
from casemgmt.directory.calendar import add_business_days, local_date
from casemgmt.directory.catalogue import load_departments, load_topics
from casemgmt.directory.models import Service, Topic
from casemgmt.directory.reference import load_reference_services
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.dossiers.rules import format_reference, parse_reference
from casemgmt.errors import InvalidInput
from casemgmt.escalations.models import Escalation
from casemgmt.handoffs.models import Handoff
from casemgmt.pilots.definitions import load_pilots
from casemgmt.pilots.models import Pilot, PilotEnrolment, TimeEntry
from casemgmt.pilots.rules import ACTIVITIES, CONTROL, MINUTES_PER_DAY, PILOT, RANDOM, draw_cohort
from casemgmt.settings import PROJECT_ROOT
from casemgmt.surveys.models import SurveyResponse, survey_reasons
from casemgmt.synthetic.calls import topic_for
from casemgmt.synthetic.numbers import bsn_from
from casemgmt.synthetic.stories import load_words
from casemgmt.synthetic.writer import BulkWriter, stamp

BACK_OFFICE = ("SZW", "OCW", "DSO", "DPZ")
KCC = "KCC"
DEFAULT_PILOT_DOSSIERS = 400
DOSSIER_BATCH = 500
HISTORY_DAYS = 730
DOSSIERLESS_SHARE = 0.2
LINKED_SURVEY_SHARE = 0.6
STATUS_QUO = "status_quo"

WORDS = load_words()
"""Names, streets, subjects and texts (``synthetic/vocabulary.toml``)."""


@dataclass(frozen=True)
class Size:
    name: str
    dossiers: int
    contacts: int
    commitments: int
    handoffs: int
    escalations: int
    surveys: int
    employees: int


SIZES: Mapping[str, Size] = {
    "small": Size("small", 100, 2_000, 400, 200, 100, 600, 40),
    "medium": Size("medium", 2_000, 100_000, 20_000, 10_000, 5_000, 5_000, 150),
    "large": Size("large", 20_000, 1_000_000, 200_000, 100_000, 50_000, 50_000, 500),
}

# ------------------------------------------------------------------------------------------------ calibration

INBOUND = {
    STATUS_QUO: {"helped": 1 / 3, "once": 0.40 * 0.40, "more": 0.40 * 0.60, "other": 1 - 1 / 3 - 0.40},
    PILOT: {"helped": 0.41, "once": 0.32 * 0.45, "more": 0.32 * 0.55, "other": 0.27},
}
DOSSIER_OUTCOMES = {
    STATUS_QUO: {"resolved": 0.65, "referred": 0.25, "withdrawn": 0.10},
    PILOT: {"resolved": 0.73, "referred": 0.19, "withdrawn": 0.08},
}
COMMITMENTS_DUE = {
    STATUS_QUO: {"on_time": 0.80, "late": 0.06, "missed": 0.07, "open_overdue": 0.03, "cancelled": 0.04},
    PILOT: {"on_time": 0.87, "late": 0.05, "missed": 0.03, "open_overdue": 0.02, "cancelled": 0.03},
}
ESCALATIONS = {
    STATUS_QUO: {"within": 0.78, "late": 0.12, "open": 0.10},
    PILOT: {"within": 0.88, "late": 0.07, "open": 0.05},
}
HANDOFF_DECISIONS = {
    STATUS_QUO: {"accepted": 0.75, "declined": 0.15, "cancelled": 0.10},
    PILOT: {"accepted": 0.85, "declined": 0.08, "cancelled": 0.07},
}
PING_PONG = {STATUS_QUO: 0.30, PILOT: 0.10}
HANDOFF_WEIGHT = {STATUS_QUO: 1.0, PILOT: 0.7}
CLOSE_MEDIAN_DAYS = {STATUS_QUO: 45.0, PILOT: 35.0}
TIME_ENTRIES_MEAN = {CONTROL: 6.0, PILOT: 14.0}

_RESPONDENTS, _REMEMBERED, _GRADED, _SATISFIED = 945, 750, 741, 531
SURVEY = {
    STATUS_QUO: {
        "not_remembered": (_RESPONDENTS - _REMEMBERED) / _RESPONDENTS,
        "no_grade": (_REMEMBERED - _GRADED) / _RESPONDENTS,
        "satisfied": _SATISFIED / _RESPONDENTS,
        "dissatisfied": (_GRADED - _SATISFIED) / _RESPONDENTS,
    },
    PILOT: {
        "not_remembered": (_RESPONDENTS - _REMEMBERED) / _RESPONDENTS,
        "no_grade": (_REMEMBERED - _GRADED) / _RESPONDENTS,
        "satisfied": 0.80 * _GRADED / _RESPONDENTS,
        "dissatisfied": 0.20 * _GRADED / _RESPONDENTS,
    },
}
SATISFIED_GRADES = {7: 0.36, 8: 0.40, 9: 0.15, 10: 0.09}
DISSATISFIED_GRADES = {1: 0.07, 2: 0.04, 3: 0.07, 4: 0.12, 5: 0.28, 6: 0.42}
REASON_SHARES = {
    "niet_in_een_keer": 0.20,
    "niet_deskundig": 0.19,
    "niet_gewenst_antwoord": 0.11,
    "niet_teruggebeld": 0.10,
    "lang_wachten": 0.09,
    "kastje_muur": 0.09,
    "vaker_doorverbonden": 0.09,
    "afspraken_niet_nagekomen": 0.06,
    "niet_actief_geholpen": 0.06,
    "anders": 0.16,
}
"""Shares among the 210 dissatisfied respondents (seed, Totta fase 1 figure "Waarom ontevreden"), 1.15 per person."""
REASON_COUNT = {1: 0.87, 2: 0.11, 3: 0.02}
HELPED_AT_ONCE = {
    "meteen": 0.31,
    "doorverbonden": 0.40,
    "teruggebeld": 0.10,
    "zelf_terugbellen": 0.10,
    "afspraak": 0.09,
}
TRANSFER_COUNT = {"1": 0.38, "2": 0.32, "3": 0.16, "meer_dan_3": 0.10, "weet_niet": 0.04}
GENDER = {"man": 0.52, "vrouw": 0.48}
AGE_BAND = {"<25": 0.05, "25-34": 0.27, "35-44": 0.28, "45-54": 0.17, "55-64": 0.12, "65+": 0.11}
EDUCATION = {
    "geen_basis": 0.04,
    "lbo_vmbo_mavo": 0.15,
    "mbo": 0.17,
    "havo_vwo": 0.09,
    "hbo": 0.33,
    "wo": 0.18,
    "zeg_niet": 0.03,
    "weet_niet": 0.01,
}
RESPONDENT_TYPE = {"bewoner": 0.74, "bedrijf": 0.26}

INBOUND_CHANNELS = {"phone": 0.70, "desk": 0.10, "email": 0.12, "web": 0.06, "letter": 0.02}
OUTBOUND_CHANNELS = {"phone": 0.75, "email": 0.20, "letter": 0.05}
TRANSFERRED_OUTCOMES = {
    "resolved": 0.50,
    "callback_promised": 0.20,
    "transferred": 0.15,
    "appointment_made": 0.10,
    "client_to_call_back": 0.05,
}
OTHER_OUTCOMES = {"callback_promised": 0.50, "client_to_call_back": 0.25, "appointment_made": 0.25}
OUTBOUND_OUTCOMES = {"resolved": 0.70, "appointment_made": 0.15, "client_to_call_back": 0.10, "callback_promised": 0.05}
COMMITMENT_KINDS = {"callback": 0.50, "information": 0.20, "action": 0.20, "appointment": 0.10}
ACTIVITY_WEIGHTS = {"contact": 0.35, "coordination": 0.30, "administration": 0.25, "travel": 0.05, "other": 0.05}
EMPLOYEE_MIX = {Role.KCC_AGENT: 0.40, Role.CASEMANAGER: 0.16, Role.ACCOUNTMANAGER: 0.38, Role.EVALUATOR: 0.03}
ACCOUNTMANAGER_SERVICES = {"SZW": 0.35, "OCW": 0.20, "DSO": 0.25, "DPZ": 0.20}
EMAIL_DOMAIN = "medewerker.gemeente.example"

assert set(ACTIVITY_WEIGHTS) == set(ACTIVITIES)


class Quota:
    """Categorical draws whose counts follow the target shares: after every ``take`` the count of each category is
    within about one of ``n · share``; within a take the order is random. Deterministic for a given rng."""

    def __init__(self, shares: Mapping[Any, float], rng: np.random.Generator) -> None:
        self.keys = list(shares)
        p = np.array([shares[k] for k in self.keys], dtype=float)
        self.p = p / p.sum()
        self.counts = np.zeros(len(self.keys))
        self.total = 0
        self.rng = rng

    def take(self, n: int) -> list[Any]:
        if n <= 0:
            return []
        self.total += n
        deficit = np.maximum(self.p * self.total - self.counts, 0)
        scaled = deficit * n / deficit.sum() if deficit.sum() > 0 else self.p * n
        batch = np.floor(scaled).astype(int)
        rest = n - int(batch.sum())
        if rest > 0:
            order = np.lexsort((self.rng.random(len(self.keys)), -(scaled - batch)))
            batch[order[:rest]] += 1
        self.counts += batch
        picks = np.repeat(np.arange(len(self.keys)), batch)
        self.rng.shuffle(picks)
        return [self.keys[i] for i in picks]


def _choice(rnd: random.Random, shares: Mapping[Any, float]) -> Any:
    return rnd.choices(list(shares), weights=list(shares.values()))[0]


def _stored_phone(typed: str) -> str:
    """A phone number as the app stores it: E.164 when valid, else as typed."""
    return normalise_phone(typed) or typed


def _ascii(text_: str) -> str:
    """A name as the local part of an e-mail address: ASCII, lower case, words joined by single dots."""
    folded = unicodedata.normalize("NFKD", text_.replace("ı", "i")).encode("ascii", "ignore").decode()
    kept = "".join(ch if ch.isalnum() or ch == "-" else " " for ch in folded.lower())
    return ".".join(kept.split())


# ------------------------------------------------------------------------------------------------ plans


@dataclass
class Span:
    since: datetime
    until: datetime | None
    user: int
    reason: str


@dataclass
class DossierPlan:
    id: int
    ref: str
    client_id: int
    subject: str
    opened: datetime
    closed: datetime | None
    status: str
    casemanager: int
    services: list[str]
    cohort: str | None
    last_moment: datetime
    """The end of the generated history (just before ``as_of``)."""
    outcome: str | None = None
    assignments: dict[str, list[Span]] = field(default_factory=dict)
    contacts: int = 0
    commitments: int = 0
    handoffs: int = 0
    escalations: int = 0
    surveys: int = 0

    @property
    def group(self) -> str:
        return PILOT if self.cohort == PILOT else STATUS_QUO

    @property
    def end(self) -> datetime:
        """The last moment anything can happen in the dossier: its closing, or the end of the history."""
        return self.closed if self.closed is not None else self.last_moment

    def accountmanager_at(self, service: str, moment_: datetime) -> int | None:
        for span in self.assignments.get(service, []):
            if span.since <= moment_ and (span.until is None or moment_ < span.until):
                return span.user
        return None


class DrawnContact(NamedTuple):
    """What was drawn for one contact (the row adds its moment, client, dossier and summary)."""

    channel: str
    direction: str
    service: str
    employee: int
    outcome: str
    transfers: int


@dataclass
class GenerateReport:
    size: str
    seed: int
    counts: dict[str, int]
    pilot: str | None
    pilot_dossiers: int
    seconds: float = 0.0

    def summary(self) -> str:
        parts = ", ".join(f"{count:,} {name}".replace(",", ".") for name, count in self.counts.items())
        return f"Gemeente '{self.size}' (seed {self.seed}) gegenereerd: {parts}."


class Progress:
    """What the generator reports; the CLI shows it as a progress bar. The default does nothing."""

    def phase(self, description: str, total: int) -> None:
        return None

    def advance(self, amount: int = 1) -> None:
        return None


# ------------------------------------------------------------------------------------------------ the generator


class Generator:
    """One run of the generator on one session (see the module docstring); ``run()`` writes and reports. Built by
    :func:`generate`, which holds the options' defaults."""

    def __init__(
        self,
        session: AsyncSession,
        size: Size,
        *,
        seed: int,
        pilot_dossiers: int,
        pilot_slug: str | None,
        as_of: date | None,
        progress: Progress | None,
    ) -> None:
        self.session = session
        self.size = size
        self.seed = seed
        self.pilot_dossiers_wanted = pilot_dossiers
        self.pilot_slug = pilot_slug
        self.as_of = datetime.combine(as_of or datetime.now(UTC).date(), time(0, 0), tzinfo=UTC)
        self.start = self.as_of - timedelta(days=HISTORY_DAYS)
        self.progress = progress or Progress()
        self.rng = np.random.default_rng(seed)
        self.rnd = random.Random(seed)
        self.writer = BulkWriter(session)
        self.quotas: dict[tuple[str, str], Quota] = {}
        self.services: dict[str, Any] = {}
        self.service_ids: dict[str, int] = {}
        self.topic_ids: dict[str, int] = {}
        self.kcc: list[int] = []
        self.casemanagers: list[int] = []
        self.home_service: dict[int, str] = {}
        self.accountmanagers: dict[str, list[int]] = {}
        self.admin_id: int | None = None
        self.pilot: Pilot | None = None
        self.client_ids: list[int] = []
        self.day_minutes: dict[tuple[int, date], int] = defaultdict(int)
        self.respondent_prefix = f"GEN{seed}-"
        self.respondent_next = 1
        self.linked_surveys = 0

    # -------------------------------------------------------------------------------------------- helpers

    def quota(self, name: str, group: str, shares: Mapping[Any, float]) -> Quota:
        key = (name, group)
        if key not in self.quotas:
            self.quotas[key] = Quota(shares, self.rng)
        return self.quotas[key]

    def ids(self, table: str, n: int) -> range:
        return self.writer.ids(table, n)

    def moment_between(self, start: datetime, end: datetime) -> datetime:
        """A moment in [start, end], preferably on a weekday during office hours (08:00–18:00 in the Netherlands)."""
        if end <= start:
            return start
        raw = start + (end - start) * self.rnd.random()
        day_ = raw.date()
        if day_.weekday() >= 5:
            day_ -= timedelta(days=day_.weekday() - 4)
        candidate = datetime.combine(day_, time(self.rnd.randint(7, 16), self.rnd.randint(0, 59)), tzinfo=UTC)
        chosen = candidate if start <= candidate <= end else raw
        return chosen.replace(microsecond=0) if chosen.replace(microsecond=0) >= start else start

    # -------------------------------------------------------------------------------------------- run

    async def run(self) -> GenerateReport:
        started = perf_counter()
        s = self.session
        await load_reference_services(s)
        await load_topics(s)
        await load_departments(s)
        await self._load_pilot()
        self.services = {row.code: row for row in (await s.scalars(select(Service))).all()}
        self.service_ids = {code: row.id for code, row in self.services.items()}
        self.topic_ids = dict((await s.execute(select(Topic.code, Topic.id))).tuples().all())
        await self.writer.start(
            (
                "users", "user_roles", "clients", "representatives", "client_representatives", "dossiers",
                "dossier_assignments",
                "pilot_enrolments", "contacts", "commitments", "handoffs", "escalations", "time_entries",
                "survey_responses",
            )
        )  # fmt: skip
        existing_respondents = await s.scalar(
            select(func.count())
            .select_from(SurveyResponse)
            .where(SurveyResponse.respondent_id.like(f"{self.respondent_prefix}%"))
        )
        self.respondent_next = int(existing_respondents or 0) + 1

        await self._employees()
        await self._clients()
        plans = await self._plan_dossiers()
        self._allocate(plans)
        self.progress.phase("Dossiers", len(plans))
        for start in range(0, len(plans), DOSSIER_BATCH):
            batch = plans[start : start + DOSSIER_BATCH]
            await self._dossier_batch(batch)
            self.progress.advance(len(batch))
        await self._dossierless_contacts()
        await self._unlinked_surveys()
        await self.writer.finish()
        counts = {
            "medewerkers": self.writer.written["users"],
            "klanten": self.writer.written["clients"],
            "dossiers": self.writer.written["dossiers"],
            "klantcontacten": self.writer.written["contacts"],
            "toezeggingen": self.writer.written["commitments"],
            "overdrachten": self.writer.written["handoffs"],
            "escalaties": self.writer.written["escalations"],
            "tijdregistraties": self.writer.written["time_entries"],
            "enquêteantwoorden": self.writer.written["survey_responses"],
        }
        report = GenerateReport(
            self.size.name,
            self.seed,
            counts,
            self.pilot.slug if self.pilot else None,
            self.writer.written["pilot_enrolments"],
        )
        AuditLog(s, actor=None, request_id="generate").record(
            Action.CREATE, "generator", self.size.name, detail=report.summary()
        )
        report.seconds = perf_counter() - started
        return report

    async def _load_pilot(self) -> None:
        s = self.session
        if self.pilot_dossiers_wanted <= 0:
            return
        query = select(Pilot).order_by(Pilot.slug)
        if self.pilot_slug:
            query = query.where(Pilot.slug == self.pilot_slug)
        pilot = (await s.scalars(query)).first()
        if pilot is None:
            await load_pilots(s, PROJECT_ROOT / "pilots")
            pilot = (await s.scalars(query)).first()
        if pilot is None:
            raise InvalidInput.single("pilot", f"Pilot '{self.pilot_slug}' bestaat niet en staat niet in pilots/.")
        self.pilot = pilot

    # -------------------------------------------------------------------------------------------- employees

    async def _employees(self) -> None:
        s = self.session
        taken = set((await s.scalars(select(User.email))).all())
        n = self.size.employees
        roles: list[str] = []
        for mixed_role, share in EMPLOYEE_MIX.items():
            roles += [mixed_role.value] * max(1, round(n * share))
        roles += [Role.ADMIN.value] * max(1, n - len(roles))
        roles = roles[:n] if len(roles) > n else roles
        am_services = Quota(ACCOUNTMANAGER_SERVICES, self.rng).take(roles.count(Role.ACCOUNTMANAGER.value))
        cm_services = Quota(dict.fromkeys(BACK_OFFICE, 1.0), self.rng).take(roles.count(Role.CASEMANAGER.value))
        ids = self.ids("users", len(roles))
        users, user_roles, memberships = [], [], []
        started = stamp(self.start)
        for user_id, role in zip(ids, roles, strict=True):
            first, last = self.rnd.choice(WORDS["first_names"]), self.rnd.choice(WORDS["last_names"])
            base = f"{_ascii(first)}.{_ascii(last)}".strip(".")
            email, number = f"{base}@{EMAIL_DOMAIN}", 1
            while email in taken:
                number += 1
                email = f"{base}{number}@{EMAIL_DOMAIN}"
            taken.add(email)
            users.append(
                {
                    "id": user_id,
                    "email": email,
                    "name": f"{first} {last}",
                    "phone": f"070 353 {self.rnd.randint(1000, 9999)}",
                    "password_hash": None,
                    "is_active": True,
                    "max_caseload": None,
                    **started,
                }
            )
            user_roles.append({"id": self.writer.next("user_roles"), "user_id": user_id, "role": role, **started})
            service = None
            if role == Role.KCC_AGENT:
                service = KCC
                self.kcc.append(user_id)
            elif role == Role.ACCOUNTMANAGER:
                service = am_services.pop()
                self.accountmanagers.setdefault(service, []).append(user_id)
            elif role == Role.CASEMANAGER:
                service = cm_services.pop()
                self.casemanagers.append(user_id)
                self.home_service[user_id] = service
            elif role == Role.ADMIN and self.admin_id is None:
                self.admin_id = user_id
            if service is not None:
                memberships.append({"user_id": user_id, "service_id": self.service_ids[service]})
        for code in BACK_OFFICE:  # every back-office service needs accountmanagers
            if not self.accountmanagers.get(code):
                raise InvalidInput.single("size", f"Te weinig medewerkers voor accountmanagers van {code}.")
        await self.writer.write(User.__table__, users)
        await self.writer.write(UserRole.__table__, user_roles)
        await self.writer.write(user_services, memberships)

    # -------------------------------------------------------------------------------------------- clients

    async def _clients(self) -> None:
        s = self.session
        bsns = set((await s.scalars(select(Client.bsn).where(Client.bsn.is_not(None)))).all())
        kvks = set((await s.scalars(select(Client.kvk).where(Client.kvk.is_not(None)))).all())
        pseudonyms = set((await s.scalars(select(Client.pseudonym))).all())
        n = round(self.size.dossiers * 1.25) + 20
        ids = self.ids("clients", n)
        clients: list[dict[str, Any]] = []
        reps: list[dict[str, Any]] = []
        links: list[dict[str, Any]] = []
        self.progress.phase("Klanten", n)
        for client_id in ids:
            district = self.rnd.choice(WORDS["districts"])
            street = self.rnd.choice(WORDS["streets"])
            house_number = self.rnd.randint(1, 400)
            postcode = f"25{self.rnd.randint(10, 99)}{self._letters(2)}"
            if postcode[4:] in {"SA", "SD", "SS"}:  # letter pairs no Dutch postcode has
                postcode = postcode[:5] + "B"
            last = self.rnd.choice(WORDS["last_names"])
            if self.rnd.random() < 0.85:
                kind = "person"
                while True:
                    bsn = bsn_from(self.rnd.randint(10_000_000, 99_999_999))
                    if bsn is not None and bsn not in bsns:
                        break
                bsns.add(bsn)
                name = f"{self.rnd.choice(WORDS['first_names'])} {last}"
                number: dict[str, str | None] = {"bsn": bsn, "kvk": None}
            else:
                kind = "organisation"
                while True:
                    kvk = f"{self.rnd.randint(10_000_000, 99_999_999)}"
                    if kvk not in kvks:
                        break
                kvks.add(kvk)
                name = self.rnd.choice(WORDS["organisation_forms"]).format(name=last, district=district, street=street)
                number = {"bsn": None, "kvk": kvk}
            while True:
                pseudonym = PSEUDONYM_PREFIX + "".join(self.rnd.choices(PSEUDONYM_ALPHABET, k=PSEUDONYM_LENGTH))
                if pseudonym not in pseudonyms:
                    break
            pseudonyms.add(pseudonym)
            clients.append(
                {
                    "id": client_id,
                    "kind": kind,
                    **number,
                    "name": name,
                    **search_keys(name),
                    "phone": _stored_phone(f"06 {self.rnd.randint(10_000_000, 99_999_999)}"),
                    "email": f"{_ascii(name)[:40].strip('.')}@mail.example" if self.rnd.random() < 0.6 else "",
                    "street": street,
                    "house_number": house_number,
                    "postcode": postcode,
                    "city": "Den Haag",
                    "pseudonym": pseudonym,
                    "created_by_id": None,
                    **stamp(self.start),
                }
            )
            if self.rnd.random() < 0.12:
                for _ in range(1 if self.rnd.random() < 0.8 else 2):
                    organisation, relation = self.rnd.choice(WORDS["representative_roles"])
                    valid_from = (self.start + timedelta(days=self.rnd.randint(0, HISTORY_DAYS // 2))).date()
                    person_id = self.writer.next("representatives")
                    rep_name = f"{self.rnd.choice(WORDS['first_names'])} {self.rnd.choice(WORDS['last_names'])}"
                    rep_phone = f"06 {self.rnd.randint(10_000_000, 99_999_999)}"
                    reps.append(
                        {
                            "id": person_id,
                            "name": rep_name,
                            "name_normalised": normalise_name(rep_name),
                            "organisation": organisation.format(district=district),
                            "phone": rep_phone,
                            "phone_digits": phone_digits(rep_phone),
                            "email": "",
                            "created_by_id": None,
                            **stamp(self.start),
                        }
                    )
                    links.append(
                        {
                            "id": self.writer.next("client_representatives"),
                            "client_id": client_id,
                            "representative_id": person_id,
                            "relation": relation,
                            "valid_from": valid_from,
                            "valid_until": (
                                valid_from + timedelta(days=self.rnd.randint(90, 400))
                                if self.rnd.random() < 0.25
                                else None
                            ),
                            "created_by_id": None,
                            **stamp(self.start),
                        }
                    )
        self.client_ids = list(ids)
        await self.writer.write(Client.__table__, clients)
        await self.writer.write(Representative.__table__, reps)
        await self.writer.write(ClientRepresentative.__table__, links)
        self.progress.advance(n)

    def _letters(self, n: int) -> str:
        return "".join(self.rnd.choices("ABCDEGHJKLMNPRSTVWXZ", k=n))

    # -------------------------------------------------------------------------------------------- dossier plans

    async def _plan_dossiers(self) -> list[DossierPlan]:
        n = self.size.dossiers
        pilot = self.pilot
        k = 0
        pilot_start = pilot_end = None
        if pilot is not None:
            pilot_start = max(datetime.combine(pilot.start_date, time(8), tzinfo=UTC), self.start)
            pilot_end = min(datetime.combine(pilot.end_date, time(17), tzinfo=UTC), self.as_of - timedelta(days=1))
            if pilot_end > pilot_start:
                k = min(self.pilot_dossiers_wanted, n // 2)
        opened: list[tuple[datetime, bool]] = []
        for i in range(n):
            if i < k:
                assert pilot_start is not None and pilot_end is not None
                opened.append((self.moment_between(pilot_start, pilot_end), True))
            else:
                opened.append((self.moment_between(self.start, self.as_of - timedelta(hours=1)), False))
        opened.sort(key=lambda item: item[0])
        ids = self.ids("dossiers", n)
        numbers = await self._reference_numbers(sorted({moment_.year for moment_, _ in opened}))
        # clients: most dossiers have their own client, some clients have two
        clients = list(self.client_ids[: max(1, round(n * 0.93))])
        owners = clients + [self.rnd.choice(clients) for _ in range(n - len(clients))]
        self.rnd.shuffle(owners)
        team_size = max(2, math.ceil(k / 2 / 12)) if k else 0
        pilot_team = self.casemanagers[:team_size] if len(self.casemanagers) > team_size else self.casemanagers
        others = [cm for cm in self.casemanagers if cm not in pilot_team] or self.casemanagers
        open_pilot: dict[int, int] = defaultdict(int)
        cap = pilot.caseload_cap if pilot is not None else 0
        pilot_codes = [code for code in (pilot.service_codes if pilot else []) if code in BACK_OFFICE]
        plans = []
        for dossier_id, (opened_at, enrolled), client_id in zip(ids, opened, owners, strict=True):
            cohort = None
            if enrolled and pilot is not None:
                if pilot.assignment == RANDOM and pilot.random_seed is not None and pilot.pilot_share is not None:
                    cohort = draw_cohort(pilot.random_seed, pilot.pilot_share, dossier_id)
                else:
                    cohort = PILOT if dossier_id % 2 else CONTROL
            group = PILOT if cohort == PILOT else STATUS_QUO
            duration = timedelta(days=float(self.rng.lognormal(math.log(CLOSE_MEDIAN_DAYS[group]), 0.7)))
            ends_at = (opened_at + duration).replace(microsecond=0)
            closed_at = None if ends_at >= self.as_of - timedelta(hours=2) else ends_at
            status = "closed" if closed_at else _choice(self.rnd, {"open": 0.25, "in_progress": 0.55, "waiting": 0.20})
            if enrolled and pilot_codes:
                first = self.rnd.choice(pilot_codes)
                rest = [code for code in BACK_OFFICE if code != first]
            else:
                first, rest = self.rnd.choice(BACK_OFFICE), list(BACK_OFFICE)
                rest.remove(first)
            services = [first, *self.rnd.sample(rest, 1 if self.rnd.random() < 0.6 else 2)]
            if cohort == PILOT:
                # the pilot team first; nobody above the pilot's caseload cap of open pilot-cohort dossiers
                free = [cm for cm in pilot_team if open_pilot[cm] < cap] or [
                    cm for cm in self.casemanagers if open_pilot[cm] < cap
                ]
                casemanager = self.rnd.choice(free or self.casemanagers)
                if closed_at is None:
                    open_pilot[casemanager] += 1
            else:
                casemanager = self.rnd.choice(others)
            year = opened_at.year
            numbers[year] += 1
            plan = DossierPlan(
                id=dossier_id,
                ref=format_reference(year, numbers[year]),
                client_id=client_id,
                subject=self.rnd.choice(WORDS["dossier_subjects"]),
                opened=opened_at,
                closed=closed_at,
                status=status,
                casemanager=casemanager,
                services=services,
                cohort=cohort,
                last_moment=self.as_of - timedelta(minutes=1),
            )
            plans.append(plan)
        return plans

    async def _reference_numbers(self, years: list[int]) -> dict[int, int]:
        numbers: dict[int, int] = defaultdict(int)
        for year in years:
            highest = await self.session.scalar(select(func.max(Dossier.ref)).where(Dossier.ref.like(f"D-{year}-%")))
            parsed = parse_reference(highest) if highest else None
            numbers[year] = parsed[1] if parsed else 0
        return numbers

    def _allocate(self, plans: list[DossierPlan]) -> None:
        """How many contacts, commitments, handoffs, escalations and survey responses each dossier gets."""
        n = len(plans)
        if not n:
            return
        span = np.array([max((p.end - p.opened).total_seconds() / 86400, 0.5) for p in plans])
        weight = self.rng.lognormal(0.0, 0.9, n) * np.sqrt(span)
        total_contacts = max(n, round(self.size.contacts * (1 - DOSSIERLESS_SHARE)))
        contacts = 1 + self.rng.multinomial(total_contacts - n, weight / weight.sum())
        commitments = self.rng.multinomial(self.size.commitments, contacts / contacts.sum())
        handoff_weight = (
            np.array([HANDOFF_WEIGHT[p.group] if span[i] >= 2 else 0.0 for i, p in enumerate(plans)]) * contacts
        )
        handoffs = self.rng.multinomial(self.size.handoffs, handoff_weight / handoff_weight.sum())
        escalations = self.rng.multinomial(self.size.escalations, contacts / contacts.sum())
        enrolled = np.array([p.cohort is not None for p in plans])
        surveys = np.where(enrolled, self.rng.random(n) < 0.85, 0).astype(int)
        linked_rest = max(0, round(self.size.surveys * LINKED_SURVEY_SHARE) - int(surveys.sum()))
        others = ~enrolled
        if others.any() and linked_rest:
            surveys[others] += self.rng.multinomial(linked_rest, np.full(int(others.sum()), 1 / int(others.sum())))
        for i, plan in enumerate(plans):
            plan.contacts = int(contacts[i])
            plan.commitments = int(commitments[i])
            plan.handoffs = int(handoffs[i])
            plan.escalations = int(escalations[i])
            plan.surveys = int(surveys[i])
        self.linked_surveys = int(surveys.sum())

    # -------------------------------------------------------------------------------------------- one batch

    async def _dossier_batch(self, plans: list[DossierPlan]) -> None:
        rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for plan in plans:
            if plan.status == "closed":
                plan.outcome = self.quota("outcome", plan.group, DOSSIER_OUTCOMES[plan.group]).take(1)[0]
            rows["dossiers"].append(
                {
                    "id": plan.id,
                    "ref": plan.ref,
                    "client_id": plan.client_id,
                    "subject": plan.subject,
                    "status": plan.status,
                    "outcome": plan.outcome,
                    "opened_at": plan.opened,
                    "closed_at": plan.closed,
                    "casemanager_id": plan.casemanager,
                    "version": 1,
                    **stamp(plan.opened),
                }
            )
            self._assignments(plan, rows)
            if plan.cohort is not None and self.pilot is not None:
                rows["pilot_enrolments"].append(
                    {
                        "id": self.writer.next("pilot_enrolments"),
                        "dossier_id": plan.id,
                        "pilot_id": self.pilot.id,
                        "cohort": plan.cohort,
                        "method": RANDOM if self.pilot.assignment == RANDOM else "manual",
                        "reason": "" if self.pilot.assignment == RANDOM else "Indeling door de generator",
                        "assigned_by_id": plan.casemanager,
                        "assigned_at": plan.opened,
                        **stamp(plan.opened),
                    }
                )
            self._handoffs(plan, rows)
        callback_contacts = self._contacts(plans, rows)
        self._commitments(plans, rows, callback_contacts)
        for plan in plans:
            self._escalations(plan, rows)
            self._time_entries(plan, rows)
        self._linked_surveys(plans, rows)
        for name, table in (
            ("dossiers", Dossier.__table__),
            ("dossier_assignments", DossierAssignment.__table__),
            ("pilot_enrolments", PilotEnrolment.__table__),
            ("contacts", Contact.__table__),
            ("commitments", Commitment.__table__),
            ("handoffs", Handoff.__table__),
            ("escalations", Escalation.__table__),
            ("time_entries", TimeEntry.__table__),
            ("survey_responses", SurveyResponse.__table__),
            ("survey_reasons", survey_reasons),
        ):
            await self.writer.write(table, rows.get(name, []))

    def _assignments(self, plan: DossierPlan, rows: dict[str, list[dict[str, Any]]]) -> None:
        rows["dossier_assignments"].append(
            {
                "id": self.writer.next("dossier_assignments"),
                "dossier_id": plan.id,
                "role": Role.CASEMANAGER.value,
                "service_id": None,
                "user_id": plan.casemanager,
                "since": plan.opened,
                "until": None,
                "assigned_by_id": self.admin_id,
                "reason": "Casemanager bij opening",
                **stamp(plan.opened),
            }
        )
        for code in plan.services:
            first = self.rnd.choice(self.accountmanagers[code])
            spans = [Span(plan.opened, None, first, "Betrokken dienst bij opening van het dossier")]
            pool = [user for user in self.accountmanagers[code] if user != first]
            if pool and (plan.end - plan.opened) > timedelta(days=20) and self.rnd.random() < 0.06:
                switch = self.moment_between(plan.opened + timedelta(days=5), plan.end - timedelta(days=5))
                spans[0].until = switch
                spans.append(Span(switch, None, self.rnd.choice(pool), "Vervanging: collega met langdurig verlof"))
            plan.assignments[code] = spans

    def _assignment_rows(self, plan: DossierPlan, rows: dict[str, list[dict[str, Any]]]) -> None:
        for code, spans in plan.assignments.items():
            for span in spans:
                rows["dossier_assignments"].append(
                    {
                        "id": self.writer.next("dossier_assignments"),
                        "dossier_id": plan.id,
                        "role": Role.ACCOUNTMANAGER.value,
                        "service_id": self.service_ids[code],
                        "user_id": span.user,
                        "since": span.since,
                        "until": span.until,
                        "assigned_by_id": plan.casemanager,
                        "reason": span.reason,
                        "ended_by_id": plan.casemanager if span.until else None,
                        "end_reason": "Vervangen" if span.until else "",
                        **stamp(span.since),
                    }
                )

    # -------------------------------------------------------------------------------------------- handoffs

    def _handoffs(self, plan: DossierPlan, rows: dict[str, list[dict[str, Any]]]) -> None:
        group = plan.group
        if plan.handoffs:
            moments = sorted(
                self.moment_between(plan.opened + timedelta(hours=1), plan.end - timedelta(minutes=30))
                for _ in range(plan.handoffs)
            )
            holding = plan.services[0]
            counted: list[tuple[datetime, str, str]] = []  # (at, from, to)
            for at in moments:
                recent_senders = [
                    frm for when, frm, _to in counted if at - timedelta(days=30) <= when and frm != holding
                ]
                if recent_senders and self.rnd.random() < PING_PONG[group]:
                    target = recent_senders[-1]
                else:
                    choices = [code for code in plan.services if code != holding]
                    if self.rnd.random() < 0.15 or not choices:
                        choices = [code for code in BACK_OFFICE if code != holding]
                    target = self.rnd.choice(choices)
                sender = plan.accountmanager_at(holding, at) or plan.casemanager
                if plan.closed is None and at > self.as_of - timedelta(days=7) and self.rnd.random() < 0.6:
                    status = "requested"
                else:
                    status = self.quota("handoff", group, HANDOFF_DECISIONS[group]).take(1)[0]
                decided_at = None
                if status != "requested":
                    latest = min(plan.end, at + timedelta(days=3))
                    decided_at = self.moment_between(at + timedelta(minutes=10), latest) if latest > at else at
                receiver = plan.accountmanager_at(target, decided_at or at)
                if status == "accepted":
                    if receiver is None:
                        assert decided_at is not None
                        current = plan.assignments.setdefault(target, [])
                        later = [span for span in current if span.until is None]
                        if later:  # an earlier-requested handoff is decided later: its assignment starts now
                            later[0].since = decided_at
                            receiver = later[0].user
                        else:
                            receiver = self.rnd.choice(self.accountmanagers[target])
                            reason = self.rnd.choice(WORDS["handoff_reasons"])
                            current.append(Span(decided_at, None, receiver, f"Overdracht: {reason}"))
                elif receiver is not None and self.rnd.random() < 0.5:
                    receiver = None
                if status in ("requested", "accepted"):
                    counted.append((at, holding, target))
                reason = self.rnd.choice(WORDS["handoff_reasons"])
                rows["handoffs"].append(
                    {
                        "id": self.writer.next("handoffs"),
                        "dossier_id": plan.id,
                        "from_employee_id": sender,
                        "from_service_id": self.service_ids[holding],
                        "to_service_id": self.service_ids[target],
                        "to_employee_id": receiver,
                        "reason": reason,
                        "context": self.rnd.choice(WORDS["handoff_contexts"]).format(subject=plan.subject.lower()),
                        "requested_at": at,
                        "status": status,
                        "decided_at": decided_at,
                        "decided_by_id": (receiver if status != "cancelled" else sender) if decided_at else None,
                        "decision_reason": self.rnd.choice(WORDS["decline_reasons"]) if status == "declined" else "",
                        **stamp(at),
                    }
                )
                if status in ("requested", "accepted"):
                    holding = target
        self._assignment_rows(plan, rows)

    # -------------------------------------------------------------------------------------------- contacts

    def _contacts(self, plans: list[DossierPlan], rows: dict[str, list[dict[str, Any]]]) -> dict[int, list[tuple]]:
        """The batch's contacts; returns per dossier its callback_promised contacts (id, moment, employee)."""
        drafts: list[tuple[DossierPlan, datetime, str]] = []
        inbound = {STATUS_QUO: 0, PILOT: 0}
        for plan in plans:
            later = sorted(self.moment_between(plan.opened, plan.end) for _ in range(plan.contacts - 1))
            moments = [plan.opened, *later]
            outbound_share = 0.35 if plan.group == PILOT else 0.25
            for i, at in enumerate(moments):
                direction = "in" if i == 0 or self.rnd.random() >= outbound_share else "out"
                drafts.append((plan, at, direction))
                if direction == "in":
                    inbound[plan.group] += 1
        categories = {
            group: iter(self.quota("inbound", group, INBOUND[group]).take(count)) for group, count in inbound.items()
        }
        callbacks: dict[int, list[tuple]] = defaultdict(list)
        ids = self.ids("contacts", len(drafts))
        for contact_id, (plan, at, direction) in zip(ids, drafts, strict=True):
            category = next(categories[plan.group]) if direction == "in" else None
            drawn = self._dossier_contact(plan, at, category)
            rows["contacts"].append(self._contact_row(contact_id, plan.client_id, plan.id, plan.subject, at, drawn))
            if drawn.outcome == "callback_promised":
                callbacks[plan.id].append((contact_id, at, drawn.employee))
        return callbacks

    def _dossier_contact(self, plan: DossierPlan, at: datetime, category: str | None) -> DrawnContact:
        """A contact in the dossier: inbound (of the inbound ``category``) mostly through the KCC, outbound by the
        casemanager or one of the dossier's accountmanagers."""
        if category is not None:
            channel = _choice(self.rnd, INBOUND_CHANNELS)
            service = KCC if self.rnd.random() < 0.65 else self.rnd.choice(plan.services)
            employee = (
                self.rnd.choice(self.kcc)
                if service == KCC
                else plan.accountmanager_at(service, at) or self.rnd.choice(self.accountmanagers[service])
            )
            return DrawnContact(channel, "in", service, employee, *self._inbound_outcome(category))
        channel = _choice(self.rnd, OUTBOUND_CHANNELS)
        outcome = _choice(self.rnd, OUTBOUND_OUTCOMES)
        if self.rnd.random() < 0.6:
            employee, service = plan.casemanager, self.home_service[plan.casemanager]
        else:
            service = self.rnd.choice(plan.services)
            employee = plan.accountmanager_at(service, at) or self.rnd.choice(self.accountmanagers[service])
        return DrawnContact(channel, "out", service, employee, outcome, 0)

    def _contact_row(
        self, contact_id: int, client_id: int, dossier_id: int | None, about: str, at: datetime, drawn: DrawnContact,
        *, subject: str = "",
    ) -> dict[str, Any]:  # fmt: skip
        """A contact about ``about`` with a summary drawn for its outcome; ``subject`` is stored only for a contact
        without a dossier."""
        summary = self.rnd.choice(WORDS["contact_summaries"][drawn.outcome]).format(subject=about.lower())
        return {
            "id": contact_id,
            "client_id": client_id,
            "dossier_id": dossier_id,
            "channel": drawn.channel,
            "direction": drawn.direction,
            "service_id": self.service_ids[drawn.service],
            "employee_id": drawn.employee,
            "occurred_at": at,
            "outcome": drawn.outcome,
            "transfers": drawn.transfers,
            "summary": summary,
            "subject": subject,
            # every inbound contact has a topic (issue 13), drawn from its words: no draw from the random stream
            "topic_id": self.topic_ids.get(topic_for(about, summary, drawn.service))
            if drawn.direction == "in"
            else None,
            **stamp(at),
        }

    def _inbound_outcome(self, category: str) -> tuple[str, int]:
        if category == "helped":
            return "resolved", 0
        if category == "other":
            return _choice(self.rnd, OTHER_OUTCOMES), 0
        if category == "once":
            return _choice(self.rnd, TRANSFERRED_OUTCOMES), 1
        return _choice(self.rnd, TRANSFERRED_OUTCOMES), _choice(self.rnd, {2: 0.55, 3: 0.28, 4: 0.12, 5: 0.05})

    async def _dossierless_contacts(self) -> None:
        total = round(self.size.contacts * DOSSIERLESS_SHARE)
        self.progress.phase("Klantcontacten zonder dossier", total)
        chunk = 50_000
        for start in range(0, total, chunk):
            n = min(chunk, total - start)
            ids = self.ids("contacts", n)
            directions = ["in" if self.rnd.random() < 0.85 else "out" for _ in range(n)]
            categories = iter(self.quota("inbound", STATUS_QUO, INBOUND[STATUS_QUO]).take(directions.count("in")))
            rows = []
            for contact_id, direction in zip(ids, directions, strict=True):
                at = self.moment_between(self.start, self.as_of - timedelta(minutes=1))
                service = KCC if self.rnd.random() < 0.8 else self.rnd.choice(BACK_OFFICE)
                employee = self.rnd.choice(self.kcc if service == KCC else self.accountmanagers[service])
                if direction == "in":
                    channel = _choice(self.rnd, INBOUND_CHANNELS)
                    outcome, transfers = self._inbound_outcome(next(categories))
                else:
                    channel, outcome, transfers = _choice(self.rnd, OUTBOUND_CHANNELS), "resolved", 0
                drawn = DrawnContact(channel, direction, service, employee, outcome, transfers)
                subject = self.rnd.choice(WORDS["dossier_subjects"])
                client_id = self.rnd.choice(self.client_ids)
                rows.append(self._contact_row(contact_id, client_id, None, subject, at, drawn, subject=subject[:200]))
            await self.writer.write(Contact.__table__, rows)
            self.progress.advance(n)

    # -------------------------------------------------------------------------------------------- commitments

    def _commitments(
        self, plans: list[DossierPlan], rows: dict[str, list[dict[str, Any]]], callbacks: dict[int, list[tuple]]
    ) -> None:
        drafts = []
        due_counts = {STATUS_QUO: 0, PILOT: 0}
        for plan in plans:
            available = list(callbacks.get(plan.id, []))
            for _ in range(plan.commitments):
                kind = _choice(self.rnd, COMMITMENT_KINDS)
                contact_id = None
                if kind == "callback" and available:
                    contact_id, made_at, made_by = available.pop(self.rnd.randrange(len(available)))
                else:
                    made_at = self.moment_between(plan.opened, plan.end - timedelta(hours=1))
                    made_by = None
                if self.rnd.random() < 0.5:
                    owner, service = plan.casemanager, self.home_service[plan.casemanager]
                else:
                    service = self.rnd.choice(plan.services)
                    owner = plan.accountmanager_at(service, made_at) or self.rnd.choice(self.accountmanagers[service])
                made_by = made_by or owner
                term = self.services[service].callback_term_days if kind == "callback" else self.rnd.randint(3, 15)
                due_at = add_business_days(made_at, term)
                if due_at < made_at:  # "by the end of today" after 17:00: the next business day
                    due_at = add_business_days(made_at, max(term, 1))
                is_due = due_at <= plan.end
                if is_due:
                    due_counts[plan.group] += 1
                drafts.append((plan, kind, contact_id, made_at, made_by, owner, service, due_at, is_due))
        categories = {
            group: iter(self.quota("commitment", group, COMMITMENTS_DUE[group]).take(count))
            for group, count in due_counts.items()
        }
        ids = self.ids("commitments", len(drafts))
        for commitment_id, draft in zip(ids, drafts, strict=True):
            plan, kind, contact_id, made_at, made_by, owner, service, due_at, is_due = draft
            horizon = plan.end
            closed = plan.closed is not None
            if is_due:
                category = next(categories[plan.group])
                if category == "open_overdue" and closed:
                    category = "missed"
            elif closed:
                category = "early" if self.rnd.random() < 0.85 else "cancelled_early"
            else:
                category = _choice(self.rnd, {"open": 0.75, "early": 0.20, "cancelled_early": 0.05})
            status, closed_at, kept, note = "open", None, None, ""
            if category in ("on_time", "early"):
                status, kept = "fulfilled", True
                closed_at = self._between(made_at, min(due_at, horizon))
                note = self.rnd.choice(WORDS["fulfil_notes"])
            elif category == "late" and horizon > due_at + timedelta(minutes=10):
                closed_at = self._between(due_at + timedelta(minutes=5), min(horizon, due_at + timedelta(days=5)))
                status, kept = "fulfilled", closed_at <= due_at
                note = self.rnd.choice(WORDS["fulfil_notes"])
            elif category in ("missed", "late"):
                status, kept = "missed", False
                closed_at = self._between(due_at, min(horizon, due_at + timedelta(days=3)))
                note = self.rnd.choice(WORDS["missed_notes"])
            elif category in ("cancelled", "cancelled_early"):
                status = "cancelled"
                closed_at = self._between(made_at, min(due_at, horizon))
                note = self.rnd.choice(WORDS["cancel_notes"])
            text_ = self.rnd.choice(WORDS["commitment_texts"][kind]).format(
                subject=plan.subject.lower(), due=local_date(due_at).strftime("%d-%m-%Y")
            )
            rows["commitments"].append(
                {
                    "id": commitment_id,
                    "client_id": plan.client_id,
                    "dossier_id": plan.id,
                    "contact_id": contact_id,
                    "kind": kind,
                    "description": text_,
                    "owner_id": owner,
                    "service_id": self.service_ids[service],
                    "made_by_id": made_by,
                    "made_at": made_at,
                    "due_at": due_at,
                    "first_due_at": due_at,
                    "status": status,
                    "closed_at": closed_at,
                    "closed_by_id": owner if closed_at else None,
                    "kept_on_time": kept,
                    "fulfilling_contact_id": None,
                    "note": note,
                    **stamp(made_at),
                }
            )

    def _between(self, start: datetime, end: datetime) -> datetime:
        """A moment in [start, end] (whole seconds); ``start`` when the interval is (almost) empty."""
        if end - start <= timedelta(seconds=2):
            return start
        return max(start, (start + (end - start) * self.rnd.random()).replace(microsecond=0))

    # -------------------------------------------------------------------------------------------- escalations

    def _escalations(self, plan: DossierPlan, rows: dict[str, list[dict[str, Any]]]) -> None:
        group = plan.group
        for _ in range(plan.escalations):
            asked_at = self.moment_between(plan.opened, plan.end - timedelta(minutes=30))
            service = self.rnd.choice(plan.services)
            assignee = plan.accountmanager_at(service, asked_at) or self.rnd.choice(self.accountmanagers[service])
            due_at = add_business_days(asked_at, self.services[service].escalation_norm_days)
            if due_at < asked_at:
                due_at = add_business_days(asked_at, 1)
            category = _choice(self.rnd, ESCALATIONS[group])
            answered_at: datetime | None = None
            if category == "within":
                answered_at = self._between(asked_at + timedelta(minutes=15), min(due_at, plan.end))
            elif category == "late":
                answered_at = self._between(due_at + timedelta(hours=1), due_at + timedelta(days=4))
            if answered_at is not None and answered_at > plan.end:
                answered_at = None if plan.closed is None else plan.end
            if answered_at is None and plan.closed is not None:
                answered_at = plan.end
            answered = answered_at is not None
            index = self.rnd.randrange(len(WORDS["escalation_questions"]))
            rows["escalations"].append(
                {
                    "id": self.writer.next("escalations"),
                    "service_id": self.service_ids[service],
                    "question": WORDS["escalation_questions"][index],
                    "client_id": plan.client_id,
                    "dossier_id": plan.id,
                    "commitment_id": None,
                    "asked_by_id": self.rnd.choice(self.kcc),
                    "asked_at": asked_at,
                    "due_at": due_at,
                    "assignee_id": assignee,
                    "status": "answered" if answered else "open",
                    "answer": WORDS["escalation_answers"][index] if answered else "",
                    "answered_by_id": assignee if answered else None,
                    "answered_at": answered_at,
                    "within_norm": (answered_at <= due_at) if answered_at is not None else None,
                    "reusable": answered and self.rnd.random() < 0.3,
                    **stamp(asked_at),
                }
            )

    # -------------------------------------------------------------------------------------------- time entries

    def _time_entries(self, plan: DossierPlan, rows: dict[str, list[dict[str, Any]]]) -> None:
        if plan.cohort is None:
            return
        first_day, last_day = local_date(plan.opened), local_date(plan.end)
        days = (last_day - first_day).days
        for _ in range(int(self.rng.poisson(TIME_ENTRIES_MEAN[plan.cohort]))):
            if self.rnd.random() < 0.7:
                employee, role = plan.casemanager, Role.CASEMANAGER.value
            else:
                service = self.rnd.choice(plan.services)
                spans = plan.assignments.get(service) or []
                if not spans:
                    continue
                employee, role = self.rnd.choice(spans).user, Role.ACCOUNTMANAGER.value
            entry_date = first_day + timedelta(days=self.rnd.randint(0, max(days, 0)))
            if entry_date >= self.as_of.date():
                entry_date = self.as_of.date() - timedelta(days=1)
            if entry_date < first_day:
                continue
            activity = _choice(self.rnd, ACTIVITY_WEIGHTS)
            minutes = 5 * self.rnd.randint(2, 36 if plan.cohort == PILOT else 18)
            if self.day_minutes[(employee, entry_date)] + minutes > MINUTES_PER_DAY:
                continue
            self.day_minutes[(employee, entry_date)] += minutes
            moment_ = datetime.combine(entry_date, time(16), tzinfo=UTC)
            rows["time_entries"].append(
                {
                    "id": self.writer.next("time_entries"),
                    "dossier_id": plan.id,
                    "employee_id": employee,
                    "role": role,
                    "entry_date": entry_date,
                    "minutes": minutes,
                    "activity": activity,
                    "registered_by_id": employee,
                    **stamp(moment_),
                }
            )

    # -------------------------------------------------------------------------------------------- surveys

    def _survey_row(
        self, group: str, category: str, contact_date: date, dossier_id: int | None, rows: dict[str, list]
    ) -> None:
        response_id = self.writer.next("survey_responses")
        respondent_id = f"{self.respondent_prefix}{self.respondent_next:07d}"
        self.respondent_next += 1
        values: dict[str, Any] = {
            "id": response_id,
            "respondent_id": respondent_id,
            "contact_date": contact_date,
            "remembered_contact": category != "not_remembered",
            "grade": None,
            "helped_at_once": None,
            "transfer_count": None,
            "respondent_type": None,
            "gender": None,
            "age_band": None,
            "education": None,
            "dossier_id": dossier_id,
            "comment": None,
            "imported_at": self.as_of,
            "import_batch": None,
            "entered_by_id": None,
            **stamp(self.as_of),
        }
        if category in ("satisfied", "dissatisfied", "no_grade"):
            if category == "satisfied":
                values["grade"] = _choice(self.rnd, SATISFIED_GRADES)
            elif category == "dissatisfied":
                values["grade"] = _choice(self.rnd, DISSATISFIED_GRADES)
                count = _choice(self.rnd, REASON_COUNT)
                pool = dict(REASON_SHARES)
                for _ in range(count):
                    code = _choice(self.rnd, pool)
                    del pool[code]
                    rows["survey_reasons"].append({"response_id": response_id, "code": code})
                helped = _choice(self.rnd, HELPED_AT_ONCE)
                values.update(
                    helped_at_once=helped,
                    transfer_count=_choice(self.rnd, TRANSFER_COUNT) if helped == "doorverbonden" else None,
                    respondent_type=_choice(self.rnd, RESPONDENT_TYPE),
                    gender=_choice(self.rnd, GENDER),
                    age_band=_choice(self.rnd, AGE_BAND),
                    education=_choice(self.rnd, EDUCATION),
                )
            if self.rnd.random() < 0.3:
                values["comment"] = self.rnd.choice(WORDS["survey_comments"])
        rows["survey_responses"].append(values)

    def _linked_surveys(self, plans: list[DossierPlan], rows: dict[str, list[dict[str, Any]]]) -> None:
        counts = {STATUS_QUO: 0, PILOT: 0}
        for plan in plans:
            counts[plan.group] += plan.surveys
        categories = {
            group: iter(self.quota("survey", group, SURVEY[group]).take(count)) for group, count in counts.items()
        }
        contact_days: dict[int, list[date]] = defaultdict(list)
        for row in rows["contacts"]:
            if row["direction"] == "in":
                contact_days[row["dossier_id"]].append(local_date(row["occurred_at"]))
        for plan in plans:
            for _ in range(plan.surveys):
                days = contact_days.get(plan.id) or [local_date(plan.opened)]
                contact_date = min(self.rnd.choice(days), (self.as_of - timedelta(days=1)).date())
                self._survey_row(plan.group, next(categories[plan.group]), contact_date, plan.id, rows)

    async def _unlinked_surveys(self) -> None:
        total = max(0, self.size.surveys - self.linked_surveys)
        self.progress.phase("Enquêteantwoorden zonder dossier", total)
        rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for category in self.quota("survey", STATUS_QUO, SURVEY[STATUS_QUO]).take(total):
            day_ = (self.start + timedelta(days=self.rnd.randint(0, HISTORY_DAYS - 1))).date()
            self._survey_row(STATUS_QUO, category, day_, None, rows)
        await self.writer.write(SurveyResponse.__table__, rows["survey_responses"])
        await self.writer.write(survey_reasons, rows["survey_reasons"])
        self.progress.advance(total)


async def generate(
    session: AsyncSession,
    size: str | Size,
    *,
    seed: int = 2013,
    pilot_dossiers: int = DEFAULT_PILOT_DOSSIERS,
    pilot_slug: str | None = None,
    as_of: date | None = None,
    progress: Progress | None = None,
) -> GenerateReport:
    """Fill the database behind ``session`` with a municipality of ``size`` (see the module docstring). Flushes
    through bulk statements; the caller commits."""
    chosen = SIZES[size] if isinstance(size, str) else size
    generator = Generator(
        session, chosen, seed=seed, pilot_dossiers=pilot_dossiers, pilot_slug=pilot_slug, as_of=as_of, progress=progress
    )
    return await generator.run()
