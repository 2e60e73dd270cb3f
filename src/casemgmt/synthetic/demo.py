"""The demo municipality: services, employees, about 50 clients and 31 dossiers with their contacts and promises.

Everything is planned by :func:`build_plan` from ``random.Random(2013)``, so every run plans the same
municipality: the seed's stories from ``stories/*.toml`` (SCENARIOS.md: the professional calling about a WMO client
D-2026-00001, the converted business premises D-2026-00002, the passport renewal from the United States
D-2026-00003, the payment arrangement found by BSN that was the wrong one D-2026-00004 and D-2026-00005), then the
everyday dossiers, one per theme of ``themes.toml``, calls without a dossier, two callers who gave no BSN
(unidentified clients, ``UNIDENTIFIED_CALLERS``) with their calls, and about ten anonymous calls (no client) spread
over the last months (each drawn from its own ``random.Random``, so the rest of the plan is unchanged). The stories'
dossiers and contacts may carry references of other systems (``external_refs``: the distress warrant DB-2026-11873
and the benefit TV-2025-0418 of scenario 1). Moments are planned in business days before today, so no contact is
ever in the future.

:func:`load_demo` writes only what is missing (users by e-mail through ``Accounts``, clients by BSN/KvK number,
dossiers by reference), so loading twice is safe; the rows go through the bulk writer (``writer.py``), followed by
``promises.py`` and ``pilot.py``; ``calls.py`` gives the contacts their topics, transfer attempts and the
callbacks promised in them. The plan keeps the rules the services enforce: valid BSNs (11-proof, never
000000000), 8-digit KvK numbers, exactly one current casemanager per dossier, at most one current accountmanager
per service (who belongs to that service), contacts not in the future, summaries ≤ 4000 characters.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.models import User
from casemgmt.auth.passwords import Passwords
from casemgmt.auth.services import Accounts
from casemgmt.clients.models import Client, ClientRepresentative, Representative
from casemgmt.clients.rules import (
    address_columns,
    normalise_name,
    normalise_phone,
    parse_address_text,
    phone_digits,
    search_keys,
)
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact, ContactTransfer
from casemgmt.directory.calendar import AMSTERDAM, is_business_day
from casemgmt.directory.catalogue import load_departments, load_topics
from casemgmt.directory.models import Service, Topic
from casemgmt.directory.reference import load_reference_services
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.references.models import ExternalReference
from casemgmt.synthetic.calls import call_history, enrich_calls
from casemgmt.synthetic.numbers import random_bsn
from casemgmt.synthetic.pilot import load_pilot_demo
from casemgmt.synthetic.knowledge import load_knowledge
from casemgmt.synthetic.promises import load_promises
from casemgmt.synthetic.stories import Table, load_stories, load_themes, minute_of_day
from casemgmt.synthetic.writer import BulkWriter, stamp

DEMO_PASSWORD = "demo-wachtwoord"  # noqa: S105 (printed for the local demo only)
SEED = 2013
REF_YEAR = 2026
MAX_SUMMARY = 4000
OPENING = "Bij opening dossier"

DEMO_USERS: tuple[tuple[str, str, list[str], list[str], str], ...] = (
    ("kcc@demo.casemgmt.nl", "Kim de Klantcontact", ["kcc_agent"], ["KCC"], "070 353 1001"),
    ("casemanager@demo.casemgmt.nl", "Cas Manager", ["casemanager"], [], "070 353 1002"),
    ("accountmanager@demo.casemgmt.nl", "Anouk Accountmanager", ["accountmanager"], ["SZW"], "070 353 1003"),
    ("evaluator@demo.casemgmt.nl", "Eva Luator", ["evaluator"], [], ""),
    ("admin@demo.casemgmt.nl", "Ad Beheer", ["admin"], [], "070 353 1005"),
)
"""One user per role; these are printed by ``casemgmt demo``."""

KCC_1, CM_1, AM_SZW_1 = DEMO_USERS[0][0], DEMO_USERS[1][0], DEMO_USERS[2][0]
ADMIN = DEMO_USERS[4][0]


@dataclass(frozen=True)
class StaffMember:
    email: str
    name: str
    roles: tuple[str, ...]
    services: tuple[str, ...]
    phone: str
    max_caseload: int | None = None


DEMO_STAFF: tuple[StaffMember, ...] = (
    StaffMember("yasmina.bouzid@demo.casemgmt.nl", "Yasmina Bouzid", ("kcc_agent",), ("KCC",), "070 353 1011"),
    StaffMember("peter.van.dijk@demo.casemgmt.nl", "Peter van Dijk", ("kcc_agent",), ("KCC",), "070 353 1012"),
    StaffMember("marieke.jansen@demo.casemgmt.nl", "Marieke Jansen", ("casemanager",), (), "070 353 1021"),
    StaffMember("orlando.martina@demo.casemgmt.nl", "Orlando Martina", ("casemanager",), (), "070 353 1022", 12),
    StaffMember("hatice.yilmaz@demo.casemgmt.nl", "Hatice Yilmaz", ("accountmanager",), ("SZW",), "070 353 7512"),
    StaffMember("jeroen.de.wit@demo.casemgmt.nl", "Jeroen de Wit", ("accountmanager",), ("SZW",), "070 353 7518"),
    StaffMember("sandra.verbeek@demo.casemgmt.nl", "Sandra Verbeek", ("accountmanager",), ("OCW",), "070 353 6821"),
    StaffMember("mohamed.amrani@demo.casemgmt.nl", "Mohamed Amrani", ("accountmanager",), ("OCW",), "070 353 6834"),
    StaffMember("bas.vermeulen@demo.casemgmt.nl", "Bas Vermeulen", ("accountmanager",), ("DSO",), "070 353 3342"),
    StaffMember("ingrid.kok@demo.casemgmt.nl", "Ingrid Kok", ("accountmanager",), ("DSO",), "070 353 3357"),
    StaffMember("priya.ramdin@demo.casemgmt.nl", "Priya Ramdin", ("accountmanager",), ("DPZ",), "070 353 3015"),
)
"""The rest of the demo municipality's employees (same demo password)."""

KCC_AGENTS = (KCC_1, "yasmina.bouzid@demo.casemgmt.nl", "peter.van.dijk@demo.casemgmt.nl")
CASEMANAGERS = (CM_1, "marieke.jansen@demo.casemgmt.nl", "orlando.martina@demo.casemgmt.nl")
ACCOUNTMANAGERS: dict[str, tuple[str, ...]] = {
    "SZW": (AM_SZW_1, "hatice.yilmaz@demo.casemgmt.nl", "jeroen.de.wit@demo.casemgmt.nl"),
    "OCW": ("sandra.verbeek@demo.casemgmt.nl", "mohamed.amrani@demo.casemgmt.nl"),
    "DSO": ("bas.vermeulen@demo.casemgmt.nl", "ingrid.kok@demo.casemgmt.nl"),
    "DPZ": ("priya.ramdin@demo.casemgmt.nl",),
}
EVERYONE: tuple[StaffMember, ...] = (
    *(
        StaffMember(email, name, tuple(roles), tuple(services), phone)
        for email, name, roles, services, phone in DEMO_USERS
    ),
    *DEMO_STAFF,
)
"""Every employee of the demo municipality, the one-per-role users first."""
STAFF_NAMES = {member.email: member.name for member in EVERYONE}

# -- the plan ---------------------------------------------------------------------------------------------------


@dataclass
class RepresentativePlan:
    name: str
    organisation: str
    phone: str
    email: str
    relation: str
    since_days: int
    until_days: int | None = None


@dataclass
class ClientPlan:
    kind: str
    name: str
    pseudonym: str
    bsn: str | None = None
    kvk: str | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    representatives: list[RepresentativePlan] = field(default_factory=list)

    @property
    def key(self) -> str:
        if self.kind == "unidentified":  # no number: the pseudonym is the only stable key
            return f"pseudonym:{self.pseudonym}"
        return f"bsn:{self.bsn}" if self.bsn else f"kvk:{self.kvk}"


@dataclass
class ContactPlan:
    business_days_ago: int
    minute: int
    channel: str
    direction: str
    service: str
    employee: str
    outcome: str
    transfers: int
    summary: str
    subject: str = ""
    external_refs: list[str] = field(default_factory=list)
    representative: str = ""
    """The name of the representative who made the contact (one of the client's), if any."""


@dataclass
class AssignmentPlan:
    role: str
    user: str
    service: str | None
    since_days: int
    since_minute: int
    until_days: int | None = None
    reason: str = ""
    end_reason: str = ""


@dataclass
class DossierPlan:
    ref: str
    client_key: str
    subject: str
    status: str
    outcome: str | None
    casemanager: str
    services: list[str]
    assignments: list[AssignmentPlan]
    contacts: list[ContactPlan]
    opened_days: int
    opened_minute: int
    closed_days: int | None = None
    external_refs: list[str] = field(default_factory=list)


@dataclass
class LooseContactPlan:
    client_key: str
    contact: ContactPlan


@dataclass
class DemoPlan:
    clients: list[ClientPlan]
    dossiers: list[DossierPlan]
    loose_contacts: list[LooseContactPlan]
    anonymous_contacts: list[ContactPlan] = field(default_factory=list)


# -- names, places, numbers ---------------------------------------------------------------------------------------

FIRST_NAMES = (
    "Anna", "Bram", "Chantal", "Daan", "Esra", "Fenna", "Gijs", "Hanna", "Ibrahim", "Joyce", "Karim", "Lotte",
    "Mehmet", "Noor", "Olga", "Pieter", "Rachida", "Sven", "Tamara", "Umut", "Vera", "Wim", "Yusuf", "Zoë",
    "Aïcha", "Bart", "Cynthia", "Dewi", "Emre", "Fatma", "Gerrit", "Hasan", "Ilse", "Jan", "Kees", "Latifa",
    "Marco", "Nadia", "Oscar", "Priscilla", "Rik", "Samira", "Theo", "Ricardo", "Agnieszka", "Marek", "Shanti",
    "Rajesh", "Mirjam", "Loes",
)  # fmt: skip
LAST_NAMES = (
    "de Vries", "van den Berg", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot",
    "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "Dijkstra", "Yilmaz", "Kaya",
    "Öztürk", "El Amrani", "Bouzid", "Ait Taleb", "Ramdin", "Sewnath", "Kowalski", "Nowak", "Martina", "Pinas",
    "Haddou", "Nguyen", "Tahiri", "van der Meer", "Koster", "Verhoeven", "Hoekstra", "van Wijk", "Kramer",
    "Postma", "Ramautar", "Doornbos", "Vermeer", "Biharie", "Celik",
)  # fmt: skip
STREETS = (
    ("Laan van Meerdervoort", "2564"), ("Weimarstraat", "2562"), ("Fahrenheitstraat", "2561"),
    ("Loosduinseweg", "2571"), ("Hoefkade", "2526"), ("Paul Krugerlaan", "2571"), ("Vaillantlaan", "2526"),
    ("Stationsweg", "2515"), ("Beeklaan", "2562"), ("Valkenboslaan", "2563"), ("Leyweg", "2545"),
    ("Dedemsvaartweg", "2545"), ("Moerweg", "2541"), ("Escamplaan", "2547"), ("Zuiderparklaan", "2574"),
    ("Thorbeckelaan", "2564"), ("Prins Hendrikstraat", "2518"), ("Frederik Hendriklaan", "2582"),
    ("Troelstrakade", "2531"), ("Melis Stokelaan", "2541"), ("Erasmusweg", "2532"), ("Laakkade", "2521"),
    ("Badhuisweg", "2587"), ("Hoytemastraat", "2596"), ("Mient", "2564"),
)  # fmt: skip
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MAIL_DOMAINS = ("ziggo.example", "kpnmail.example", "gmail.example", "hotmail.example", "xs4all.example")


PREFERENCES = (
    ("phone", "ochtend"),
    ("email", ""),
    ("letter", ""),
    ("desk", "dinsdag of donderdag"),
    ("phone", "na 17.00 uur"),
)
"""The preferred channel and time of every ninth demo client (the others have none), in turn."""


def preferences(position: int) -> dict[str, str | None]:
    """The preferred channel and time of the demo's ``position``-th client: a few have one, drawn from no ``rng``."""
    if position % 9:
        return {"preferred_channel": None, "preferred_time": ""}
    channel, time_of_day = PREFERENCES[(position // 9) % len(PREFERENCES)]
    return {"preferred_channel": channel, "preferred_time": time_of_day}


def pseudonym_from(rng: random.Random) -> str:
    return "K-" + "".join(rng.choice(PSEUDONYM_ALPHABET) for _ in range(10))


def address_from(rng: random.Random) -> str:
    street, digits = rng.choice(STREETS)
    letters = "".join(rng.choice(POSTCODE_LETTERS) for _ in range(2))
    if letters in {"SA", "SD", "SS"}:  # no Dutch postcode has these letters; no extra draw, so the rest stays
        letters = "SB"
    number = f"{rng.randint(1, 340)}{rng.choice(['', '', '', 'A', 'B', '-II', ' hs'])}"
    return f"{street} {number}, {digits} {letters} Den Haag"


MOBILE_RANGES = str.maketrans({"7": "2", "9": "3"})
"""Dutch mobile numbers start 061-066 or 068: a draw that starts 067 or 069 is moved (no extra draw)."""


def mobile_from(rng: random.Random) -> str:
    first = f"{rng.randint(1000, 9999)}"
    return f"06 {first[0].translate(MOBILE_RANGES)}{first[1:]} {rng.randint(1000, 9999)}"


def mail_name(name: str) -> str:
    simple = name.lower().replace("ö", "o").replace("ï", "i").replace("ë", "e")
    parts = simple.split()
    return f"{parts[0][0]}.{''.join(parts[1:])}"


# -- what happens in a contact --------------------------------------------------------------------------------------

TRANSFER_WEIGHTS = ((0, 60), (1, 16), (2, 14), (3, 7), (4, 3))
"""Transfers during an inbound contact: four in ten callers are transferred, a quarter of all two times or more."""
OUTCOME_WEIGHTS_DIRECT = (
    ("resolved", 55),
    ("callback_promised", 15),
    ("client_to_call_back", 15),
    ("appointment_made", 15),
)
OUTCOME_WEIGHTS_TRANSFERRED = (
    ("transferred", 50),
    ("resolved", 30),
    ("callback_promised", 10),
    ("client_to_call_back", 10),
)
OUTCOME_WEIGHTS_OUTBOUND = (("resolved", 70), ("appointment_made", 20), ("client_to_call_back", 10))


T = TypeVar("T")


def weighted(rng: random.Random, options: tuple[tuple[T, int], ...]) -> T:
    values = [value for value, _weight in options]
    return rng.choices(values, weights=[weight for _value, weight in options])[0]


def outcome_sentence(outcome: str, transfers: int, service: str, owner: str) -> str:
    """How an inbound contact ended, as the employee writes it in the summary."""
    if outcome == "resolved":
        return "Direct geholpen." if transfers == 0 else f"Na {transfers}x doorverbinden geholpen door {service}."
    if outcome == "transferred":
        return f"{transfers}x doorverbonden, uiteindelijk naar {service}."
    if outcome == "callback_promised":
        return f"Terugbelafspraak: {owner} belt binnen 2 werkdagen terug."
    if outcome == "client_to_call_back":
        return "Klant belt zelf terug zodra de gevraagde gegevens er zijn."
    return "Afspraak gemaakt."


# A step of a dossier's story: (direction, who, text, channel). who: "kcc", "cm", "am" (the dossier's first service)
# or "am:<service code>". channel None means chosen at random for the direction.
Step = tuple[str, str, str, str | None]


@dataclass(frozen=True)
class Theme:
    subject: str
    topic: str
    services: tuple[str, ...]
    steps: tuple[Step, ...]
    kind: str = "person"


THEMES: tuple[Theme, ...] = tuple(
    Theme(
        t["subject"],
        t["topic"],
        tuple(t["services"]),
        tuple((step["direction"], step["who"], step["text"], step.get("channel")) for step in t["steps"]),
        t.get("kind", "person"),
    )
    for t in load_themes()["themes"]
)
"""The everyday dossiers, one per theme (``themes.toml``)."""
LOOSE_TOPICS: tuple[tuple[str, str, str], ...] = tuple(
    (t["topic"], t["service"], t["text"]) for t in load_themes()["loose_topics"]
)
"""Calls without a dossier: topic, the service the question is for, the question (``themes.toml``)."""


# -- the seed's stories -------------------------------------------------------------------------------------------

STORY_A_SUBJECT = load_stories().dossier("D-2026-00001")["subject"]
"""The professional calling for a WMO client (``stories/10-wmo-professional.toml``)."""

OTHER_REPRESENTATIVES = (
    RepresentativePlan("mr. Robert van Oosten", "Van Oosten Sociaal Advocatuur", "070 346 2290",
                       "r.vanoosten@vanoosten-advocatuur.example", "Advocaat", since_days=90),
    RepresentativePlan("Ellen Smeets", "Bewindvoering Haaglanden", "070 362 4415",
                       "e.smeets@bewindvoering-haaglanden.example", "Beschermingsbewindvoerder", since_days=400),
    RepresentativePlan("Youssef Haddou", "Jongerenwerk Transvaal", "06 4120 8833",
                       "y.haddou@jongerenwerk-transvaal.example", "Jongerenwerker", since_days=60),
    RepresentativePlan("Marloes de Jong", "Stichting Welzijn Den Haag Zuidwest", "070 205 1184",
                       "m.dejong@welzijn-zuidwest.example", "Maatschappelijk werker", since_days=150),
    RepresentativePlan("mr. Sanne Brink", "Advocatenkantoor Brink & Oei", "070 311 7720",
                       "s.brink@brinkoei.example", "Advocaat", since_days=500, until_days=45),
    RepresentativePlan("Gerard Hofman", "Thuiszorg Haaglanden", "06 2290 1174",
                       "g.hofman@thuiszorg-haaglanden.example", "Wijkverpleegkundige", since_days=120),
)  # fmt: skip


def _story_clients(rng: random.Random) -> list[ClientPlan]:
    """The story files' clients, completed from ``rng`` (see ``casemgmt.synthetic.stories``)."""
    clients = []
    for story in load_stories().clients:
        person = story["kind"] == "person"
        pseudonym = pseudonym_from(rng)
        bsn = random_bsn(rng) if person else None
        kvk = None if person else f"{rng.randint(10_000_000, 99_999_999)}"
        clients.append(
            ClientPlan(
                story["kind"],
                story["name"],
                pseudonym,
                bsn=bsn,
                kvk=kvk,
                phone=story.get("phone") or mobile_from(rng),
                email=story.get("email", ""),
                address=story.get("address") or address_from(rng),
                representatives=[RepresentativePlan(**rep) for rep in story.get("representatives", [])],
            )
        )
    return clients


ORGANISATIONS = (
    ("Haagse Vastgoed Ontwikkeling B.V.", "Binckhorstlaan 135, 2516 BA Den Haag", "070 383 9120",
     "info@haagsevastgoed.example"),
    ("Stichting Buurthuis De Mussen", "Van Ravesteynstraat 3, 2525 VL Den Haag", "070 380 1412",
     "bestuur@buurthuisdemussen.example"),
    ("Eetcafé De Boulevard V.O.F.", "Strandweg 17, 2586 JK Den Haag", "070 354 2280", "info@deboulevard.example"),
    ("Bouwbedrijf Van der Kooij B.V.", "Zichtenburglaan 240, 2544 EB Den Haag", "070 329 8850",
     "kantoor@vanderkooij-bouw.example"),
    ("Kinderopvang Het Zonnetje B.V.", "Zuidlarenstraat 57, 2545 VP Den Haag", "070 397 6630",
     "locatie@hetzonnetje.example"),
)  # fmt: skip


# -- building the plan ----------------------------------------------------------------------------------------------


def _contact(
    rng: random.Random,
    day: int,
    step: Step,
    *,
    services: list[str],
    at_day: dict[str, Callable[[int], str]],
    subject: str,
) -> ContactPlan:
    """One contact of a themed dossier: who, which channel, how it ended (seed proportions for inbound calls)."""
    direction, who, text, channel = step
    if who == "kcc":
        service, employee = "KCC", rng.choice(KCC_AGENTS)
    elif who == "cm":
        service, employee = services[0], at_day["cm"](day)
    else:
        service = who.split(":", 1)[1] if ":" in who else services[0]
        employee = at_day[service](day)
    if channel is None:
        channel = (
            weighted(rng, (("phone", 55), ("email", 30), ("desk", 15)))
            if direction == "in"
            else weighted(rng, (("phone", 60), ("email", 25), ("letter", 15)))
        )
    if direction == "in" and channel in ("phone", "desk"):
        transfers = weighted(rng, TRANSFER_WEIGHTS)
        outcome = weighted(rng, OUTCOME_WEIGHTS_TRANSFERRED if transfers else OUTCOME_WEIGHTS_DIRECT)
        target = services[0] if service == "KCC" else service
        owner_email = at_day[target](day) if target in at_day else employee
        summary = f"{text} {outcome_sentence(outcome, transfers, target, STAFF_NAMES[owner_email])}"
    elif direction == "in":
        transfers, outcome, summary = 0, "resolved", text
    else:
        transfers, outcome, summary = 0, weighted(rng, OUTCOME_WEIGHTS_OUTBOUND), text
    return ContactPlan(
        business_days_ago=day,
        minute=rng.randint(8 * 60 + 30, 16 * 60 + 45),
        channel=channel,
        direction=direction,
        service=service,
        employee=employee,
        outcome=outcome,
        transfers=transfers,
        summary=summary[:MAX_SUMMARY],
        subject=subject,
    )


def _days_for(rng: random.Random, opened: int, count: int) -> list[int]:
    """``count`` business days from ``opened`` towards today (exclusive), first on ``opened``, never today."""
    later = sorted(rng.sample(range(1, opened), min(count - 1, opened - 1)), reverse=True) if opened > 1 else []
    days = [opened, *later]
    while len(days) < count:
        days.append(days[-1])
    return days


def _holder(history: list[tuple[str, int, int | None]]) -> Callable[[int], str]:
    """Who held an assignment on a given day (business days ago), from (user, since, until) entries."""

    def at(day: int) -> str:
        for user, since, until in history:
            if since >= day and (until is None or day > until):
                return user
        return history[-1][0]

    return at


STATUS_MIX = ["open"] * 6 + ["in_progress"] * 7 + ["waiting"] * 4 + ["closed"] * 8
CLOSING = {
    "resolved": "Dossier afgesloten: de vraag is opgelost en klant is akkoord met de afhandeling.",
    "referred": "Dossier afgesloten: klant is doorverwezen naar een externe hulpverlener, warme overdracht gedaan.",
    "withdrawn": "Dossier afgesloten: klant trekt de vraag in.",
}
CLOSED_OUTCOMES = ["resolved"] * 5 + ["referred"] * 2 + ["withdrawn"]


def build_plan() -> DemoPlan:
    """The whole demo municipality, from ``random.Random(2013)``: the same on every run."""
    rng = random.Random(SEED)
    stories = _story_clients(rng)
    used_names = {plan.name for plan in stories}

    persons: list[ClientPlan] = []
    while len(persons) < 42:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name in used_names:
            continue
        used_names.add(name)
        has_mail = rng.random() < 0.6
        landline = f"070 3{rng.randint(10, 99)} {rng.randint(1000, 9999)}"
        persons.append(
            ClientPlan(
                "person",
                name,
                pseudonym_from(rng),
                bsn=random_bsn(rng),
                phone=mobile_from(rng) if rng.random() < 0.8 else landline,
                email=f"{mail_name(name)}@{rng.choice(MAIL_DOMAINS)}" if has_mail else "",
                address=address_from(rng),
            )
        )
    organisations = [
        ClientPlan(
            "organisation",
            name,
            pseudonym_from(rng),
            kvk=f"{rng.randint(10_000_000, 99_999_999)}",
            phone=phone,
            email=email,
            address=address,
        )
        for name, address, phone, email in ORGANISATIONS
    ]
    clients = [*stories, *persons, *organisations]
    # distinct numbers and pseudonyms by construction of the draw; checked here so a bad seed fails loudly
    assert len({c.key for c in clients}) == len(clients)
    assert len({c.pseudonym for c in clients}) == len(clients)

    dossiers = _story_dossiers(clients)
    themed_persons = rng.sample(persons, 21)
    for rep, client in zip(OTHER_REPRESENTATIVES, rng.sample(themed_persons, len(OTHER_REPRESENTATIVES)), strict=True):
        client.representatives.append(rep)
    budget_clients = _budget_management_clients(themed_persons)
    org_clients = iter(organisations[1:])
    person_clients = iter(themed_persons)
    statuses = STATUS_MIX[:]
    rng.shuffle(statuses)
    outcomes = CLOSED_OUTCOMES[:]
    rng.shuffle(outcomes)
    reassigned = set(rng.sample(range(len(THEMES)), 4))
    for index, theme in enumerate(THEMES):
        client = next(org_clients) if theme.kind == "organisation" else next(person_clients)
        status = statuses[index]
        dossiers.append(
            _themed_dossier(
                rng,
                ref=f"D-{REF_YEAR}-{len(dossiers) + 1:05d}",
                theme=theme,
                client=client,
                status=status,
                outcome=outcomes.pop() if status == "closed" else None,
                casemanager=CASEMANAGERS[index % len(CASEMANAGERS)],
                reassign=index in reassigned,
            )
        )

    in_dossier = {d.client_key for d in dossiers}
    loose: list[LooseContactPlan] = []
    for client in [c for c in persons if c.key not in in_dossier] + rng.sample(themed_persons, 4):
        for _ in range(rng.randint(1, 2)):
            topic, service, text = rng.choice(LOOSE_TOPICS)
            loose.append(LooseContactPlan(client.key, _loose_contact(rng, topic, service, text)))
    loose.append(LooseContactPlan(budget_clients[1].key, BUDGET_MANAGER_CONTACT))
    unidentified, their_calls = _unidentified_callers()
    return DemoPlan(
        clients=[*clients, *unidentified],
        dossiers=dossiers,
        loose_contacts=[*loose, *their_calls],
        anonymous_contacts=_anonymous_contacts(),
    )


UNIDENTIFIED_CALLERS: tuple[tuple[str, str, str, tuple[tuple[int, str, str, str, str], ...]], ...] = (
    (
        "Buurvrouw Prinsegracht",
        "06 2847 1935",
        "",
        (
            (9, "Parkeervergunning", "resolved",
             "Belt namens de buurt over de parkeervergunning voor bewoners van de Prinsegracht; wilde geen BSN geven. "
             "Uitgelegd hoe een bewonersvergunning werkt en waar de aanvraag staat.", KCC_1),
            (3, "Parkeervergunning", "client_to_call_back",
             "Belt opnieuw: de aanvraag van haar eigen vergunning hangt. Zonder BSN kon de aanvraag niet worden "
             "opgezocht; mevrouw belt terug met haar BSN bij de hand.", "yasmina.bouzid@demo.casemgmt.nl"),
        ),
    ),
    (
        "Dhr. Kramer (zonder BSN)",
        "",
        "kramer.zonder.bsn@example.nl",
        (
            (5, "Afval en grofvuil", "resolved",
             "Mailt over een gemiste grofvuilafspraak; noemt alleen zijn naam en e-mailadres. Nieuwe afspraak "
             "uitgelegd via de website.", "peter.van.dijk@demo.casemgmt.nl"),
        ),
    ),
)  # fmt: skip
"""Two callers who gave no BSN ("niet geïdentificeerd"), each with a few contacts without a dossier: (name, phone,
e-mail, ((business days ago, subject, outcome, summary, employee), ...))."""


def _unidentified_callers() -> tuple[list[ClientPlan], list[LooseContactPlan]]:
    """The unidentified callers, drawn from their own seed so the rest of the municipality stays as it was."""
    rng = random.Random(f"{SEED}-unidentified")
    clients, calls = [], []
    for name, phone, email, contacts in UNIDENTIFIED_CALLERS:
        client = ClientPlan("unidentified", name, pseudonym_from(rng), phone=phone, email=email)
        clients.append(client)
        for days, subject, outcome, summary, employee in contacts:
            channel = "email" if email and not phone else "phone"
            calls.append(
                LooseContactPlan(
                    client.key,
                    ContactPlan(
                        business_days_ago=days,
                        minute=rng.randint(9 * 60, 16 * 60),
                        channel=channel,
                        direction="in",
                        service="KCC",
                        employee=employee,
                        outcome=outcome,
                        transfers=0,
                        summary=summary,
                        subject=subject,
                    ),
                )
            )
    return clients, calls


ANONYMOUS_CONTACTS = 10


def _anonymous_contacts() -> list[ContactPlan]:
    """Callers who gave no name or number (a quick question, a neighbour): about ten over the last six months."""
    rng = random.Random(f"{SEED}-anonymous")
    plans = []
    for index in range(ANONYMOUS_CONTACTS):
        topic, service, text = rng.choice(LOOSE_TOPICS)
        plan = _loose_contact(rng, topic, service, text)
        plan.business_days_ago = 2 + index * 12 + rng.randint(0, 8)
        plan.summary = f"Anonieme beller (geen naam of BSN gegeven). {plan.summary}"
        plans.append(plan)
    return plans


BUDGET_MANAGER = OTHER_REPRESENTATIVES[1]
"""Ellen Smeets of Bewindvoering Haaglanden: the representative who acts for three demo clients."""
BUDGET_MANAGER_CONTACT = ContactPlan(
    business_days_ago=3,
    minute=10 * 60 + 20,
    channel="phone",
    direction="in",
    service="KCC",
    employee=KCC_1,
    outcome="resolved",
    transfers=0,
    summary="De bewindvoerder belt namens de klant: de gemeentelijke belastingaanslag moet voortaan naar het adres "
    "van het bewindvoeringskantoor. Uitgelegd hoe zij de machtiging via het webformulier doorgeeft.",
    subject="Post naar de bewindvoerder",
    representative=BUDGET_MANAGER.name,
)


def _budget_management_clients(themed_persons: list[ClientPlan]) -> list[ClientPlan]:
    """The budget manager's three clients: the one the draw gave her and the next two themed persons, with her
    relation starting later for each (drawn from nothing, so the rest of the plan stays as it was)."""
    first = next(c for c in themed_persons if BUDGET_MANAGER in c.representatives)
    others = [c for c in themed_persons if c is not first and not c.representatives][:2]
    for since, client in zip((200, 35), others, strict=True):
        client.representatives.append(replace(BUDGET_MANAGER, since_days=since))
    return [first, *others]


def _loose_contact(rng: random.Random, topic: str, service: str, text: str) -> ContactPlan:
    transfers = weighted(rng, TRANSFER_WEIGHTS)
    outcome = weighted(rng, OUTCOME_WEIGHTS_TRANSFERRED if transfers else OUTCOME_WEIGHTS_DIRECT)
    owner = f"de dienst {service}" if service != "KCC" else "het KCC"
    channel = weighted(rng, (("phone", 80), ("web", 10), ("desk", 10)))
    if channel == "web":
        transfers, outcome = 0, "resolved"
    return ContactPlan(
        business_days_ago=rng.randint(1, 120),
        minute=rng.randint(8 * 60, 17 * 60 + 30),
        channel=channel,
        direction="in",
        service="KCC" if channel != "desk" else "DPZ",
        employee=rng.choice(KCC_AGENTS) if channel != "desk" else ACCOUNTMANAGERS["DPZ"][0],
        outcome=outcome,
        transfers=transfers,
        summary=f"{text} {outcome_sentence(outcome, transfers, service, owner)}",
        subject=topic,
    )


def _themed_dossier(
    rng: random.Random,
    *,
    ref: str,
    theme: Theme,
    client: ClientPlan,
    status: str,
    outcome: str | None,
    casemanager: str,
    reassign: bool,
) -> DossierPlan:
    services = list(theme.services)
    opened = {"open": (3, 15), "in_progress": (20, 80), "waiting": (25, 100), "closed": (45, 160)}[status]
    opened_days = rng.randint(*opened)
    opened_minute = rng.randint(9 * 60, 16 * 60)
    steps = list(theme.steps)
    if status == "open":
        steps = steps[:2]
    elif status == "in_progress":
        steps = steps[: max(2, len(steps) - 1)]
    if status == "closed":
        steps.append(("out", "cm", CLOSING[outcome or "resolved"], "phone"))
    days = _days_for(rng, opened_days, len(steps))

    # who holds which assignment: optionally one hand-over halfway
    holders: dict[str, list[tuple[str, int, int | None]]] = {}
    assignments: list[AssignmentPlan] = []
    switch_day = days[len(days) // 2] if len(days) > 2 else None
    switchable = [s for s in services if len(ACCOUNTMANAGERS[s]) > 1]
    switched = rng.choice(["cm", *switchable]) if reassign and switch_day else None
    for key in ["cm", *services]:
        pool = CASEMANAGERS if key == "cm" else ACCOUNTMANAGERS[key]
        current = casemanager if key == "cm" else rng.choice(pool)
        role = "casemanager" if key == "cm" else "accountmanager"
        service = None if key == "cm" else key
        if key == switched and switch_day is not None:
            earlier = rng.choice([u for u in pool if u != current])
            holders[key] = [(earlier, opened_days, switch_day), (current, switch_day, None)]
            end_reason = (
                "Caseload herverdeeld (langdurig verlof)" if key == "cm" else f"Herverdeling werkvoorraad {key}"
            )
            assignments.append(
                AssignmentPlan(role, earlier, service, opened_days, opened_minute, switch_day, OPENING,
                               end_reason)
            )  # fmt: skip
            assignments.append(
                AssignmentPlan(role, current, service, switch_day, 8 * 60, None, f"Overgenomen: {end_reason.lower()}")
            )
        else:
            holders[key] = [(current, opened_days, None)]
            assignments.append(AssignmentPlan(role, current, service, opened_days, opened_minute, None, OPENING))
    at_day = {key: _holder(history) for key, history in holders.items()}
    contacts = [
        _contact(rng, day, step, services=services, at_day=at_day, subject=theme.topic)
        for day, step in zip(days, steps, strict=True)
    ]
    # the first contact (usually the KCC call) comes before the dossier is opened that day
    contacts[0].minute = min(contacts[0].minute, opened_minute - 30)
    return DossierPlan(
        ref=ref,
        client_key=client.key,
        subject=theme.subject,
        status=status,
        outcome=outcome,
        casemanager=casemanager,
        services=services,
        assignments=assignments,
        contacts=contacts,
        opened_days=opened_days,
        opened_minute=opened_minute,
        closed_days=days[-1] if status == "closed" else None,
    )


def _story_contact(c: Table, topic: str) -> ContactPlan:
    return ContactPlan(
        c["day"], minute_of_day(c["at"]), c["channel"], c["direction"], c["service"], c["employee"], c["outcome"],
        c["transfers"], c["summary"], topic, list(c.get("external_refs", [])),
    )  # fmt: skip


def _story_dossiers(clients: list[ClientPlan]) -> list[DossierPlan]:
    """The story files' dossiers (the seed's scenarios 1, 2, 3 and 6), told by their contacts."""
    keys = {client.name: client.key for client in clients}
    plans = []
    for story in load_stories().dossiers:
        opened_days, opened_minute = story["opened"]["days"], minute_of_day(story["opened"]["at"])
        services = list(story["accountmanagers"])
        plans.append(
            DossierPlan(
                ref=story["ref"],
                client_key=keys[story["client"]],
                subject=story["subject"],
                status=story["status"],
                outcome=story.get("outcome"),
                casemanager=story["casemanager"],
                services=services,
                assignments=[
                    AssignmentPlan("casemanager", story["casemanager"], None, opened_days, 10 * 60, None, OPENING),
                    *(
                        AssignmentPlan("accountmanager", user, code, opened_days, 10 * 60, None, OPENING)
                        for code, user in story["accountmanagers"].items()
                    ),
                ],
                contacts=[_story_contact(c, story["topic"]) for c in story["contacts"]],
                opened_days=opened_days,
                opened_minute=opened_minute,
                closed_days=story["closed"]["days"] if "closed" in story else None,
                external_refs=list(story.get("external_refs", [])),
            )
        )
    return plans


# -- loading --------------------------------------------------------------------------------------------------------


def business_day(today: date, days_ago: int) -> date:
    """The date ``days_ago`` business days (Monday–Friday) before ``today``."""
    day = today
    remaining = days_ago
    while remaining > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return day


def history_days(today: date, days: int = 365) -> list[datetime]:
    """08:00 (Amsterdam) of every Dutch business day in the ``days`` before ``today`` (the call history's days)."""
    return [
        datetime.combine(day, time(8, 0), tzinfo=AMSTERDAM).astimezone(UTC)
        for day in (today - timedelta(days=offset) for offset in range(days, 0, -1))
        if is_business_day(day)
    ]


def moment(today: date, days_ago: int, minute: int) -> datetime:
    local = datetime.combine(business_day(today, days_ago), time(minute // 60, minute % 60), tzinfo=AMSTERDAM)
    return local.astimezone(UTC)


async def _ensure_users(session: AsyncSession, passwords: Passwords) -> dict[str, int]:
    accounts = Accounts(session, passwords)
    existing = {user.email: user.id for user in (await session.scalars(select(User))).all()}
    for member in EVERYONE:
        if member.email in existing:
            continue
        user = await accounts.create_user(
            email=member.email,
            name=member.name,
            roles=list(member.roles),
            service_codes=list(member.services),
            phone=member.phone,
            password=DEMO_PASSWORD,
        )
        user.max_caseload = member.max_caseload
        existing[member.email] = user.id
    await session.flush()
    return existing


DEMO_TABLES = (
    "clients", "representatives", "client_representatives", "dossiers", "dossier_assignments", "contacts",
    "contact_transfers", "commitments", "handoffs", "escalations", "reusable_answers", "pilot_enrolments",
    "time_entries", "survey_responses", "external_references",
)  # fmt: skip
"""The tables whose rows the demo hands to the bulk writer (users go through ``Accounts``)."""


async def _ensure_clients(
    session: AsyncSession, writer: BulkWriter, plan: DemoPlan, users: dict[str, int], today: date, now: datetime
) -> tuple[dict[str, int], set[str], dict[str, int]]:
    """Write missing clients (by BSN or KvK; an unidentified one by pseudonym) with their representatives (one person
    per name, organisation and phone, linked to each of their clients); returns key → id, the new keys and
    representative name → id."""
    bsns = [c.bsn for c in plan.clients if c.bsn]
    kvks = [c.kvk for c in plan.clients if c.kvk]
    rows = await session.execute(
        select(Client.id, Client.bsn, Client.kvk).where(or_(Client.bsn.in_(bsns), Client.kvk.in_(kvks)))
    )
    ids = {(f"bsn:{row.bsn}" if row.bsn else f"kvk:{row.kvk}"): row.id for row in rows}
    unidentified = [c.pseudonym for c in plan.clients if c.kind == "unidentified"]
    found = await session.execute(
        select(Client.id, Client.pseudonym).where(Client.kind == "unidentified", Client.pseudonym.in_(unidentified))
    )
    ids |= {f"pseudonym:{row.pseudonym}": row.id for row in found}
    missing = [c for c in plan.clients if c.key not in ids]
    taken = set(
        await session.scalars(select(Client.pseudonym).where(Client.pseudonym.in_([c.pseudonym for c in missing])))
    )
    clients: list[dict[str, Any]] = []
    representatives: list[dict[str, Any]] = []
    for position, plan_client in enumerate(missing):
        pseudonym = plan_client.pseudonym
        retry = random.Random(f"{SEED}-{plan_client.key}")
        while pseudonym in taken:  # only if a real client happens to hold it
            pseudonym = pseudonym_from(retry)
        client_id = ids[plan_client.key] = writer.next("clients")
        clients.append(
            {
                "id": client_id,
                "kind": plan_client.kind,
                "bsn": plan_client.bsn,
                "kvk": plan_client.kvk,
                "name": plan_client.name,
                **search_keys(plan_client.name),
                "phone": normalise_phone(plan_client.phone) or plan_client.phone,
                "email": plan_client.email,
                **address_columns(parse_address_text(plan_client.address)),
                **preferences(position),
                "pseudonym": pseudonym,
                "created_by_id": users[KCC_1],
                **stamp(now),
            }
        )
    plan_people = {
        (rep.name, rep.organisation, rep.phone): rep for plan_client in missing for rep in plan_client.representatives
    }
    people: dict[tuple[str, str, str], int] = {
        (row.name, row.organisation, row.phone): row.id
        for row in await session.execute(
            select(Representative.id, Representative.name, Representative.organisation, Representative.phone).where(
                Representative.name.in_(sorted({key[0] for key in plan_people}))
            )
        )
    }
    for key, rep in plan_people.items():
        if key in people:
            continue
        people[key] = writer.next("representatives")
        representatives.append(
            {
                "id": people[key],
                "name": rep.name,
                "name_normalised": normalise_name(rep.name),
                "organisation": rep.organisation,
                "phone": rep.phone,
                "phone_digits": phone_digits(rep.phone),
                "email": rep.email,
                "created_by_id": users[CM_1],
                **stamp(now),
            }
        )
    links = []
    for plan_client in missing:
        for rep in plan_client.representatives:
            links.append(
                {
                    "id": writer.next("client_representatives"),
                    "client_id": ids[plan_client.key],
                    "representative_id": people[(rep.name, rep.organisation, rep.phone)],
                    "relation": rep.relation,
                    "valid_from": today - timedelta(days=rep.since_days),
                    "valid_until": today - timedelta(days=rep.until_days) if rep.until_days is not None else None,
                    "created_by_id": users[CM_1],
                    **stamp(now),
                }
            )
    await writer.write_all(
        [
            (Client.__table__, clients),
            (Representative.__table__, representatives),
            (ClientRepresentative.__table__, links),
        ]
    )
    by_name = {name: person_id for (name, _org, _phone), person_id in people.items()}
    return ids, {c.key for c in missing}, by_name


def _contact_row(
    writer: BulkWriter, plan: ContactPlan, client_id: int | None, dossier_id: int | None, users: dict[str, int],
    services: dict[str, int], today: date, now: datetime, people: dict[str, int] | None = None,
) -> dict[str, Any]:  # fmt: skip
    return {
        "id": writer.next("contacts"),
        "client_id": client_id,
        "dossier_id": dossier_id,
        "channel": plan.channel,
        "direction": plan.direction,
        "service_id": services[plan.service],
        "employee_id": users[plan.employee],
        "occurred_at": min(moment(today, plan.business_days_ago, plan.minute), now),
        "outcome": plan.outcome,
        "transfers": plan.transfers,
        "summary": plan.summary[:MAX_SUMMARY],
        "subject": plan.subject[:200],
        "representative_id": (people or {}).get(plan.representative) if plan.representative else None,
        **stamp(now),
    }


async def load_demo(session: AsyncSession, passwords: Passwords) -> list[tuple[str, str]]:
    """Load the demo municipality (only what is missing); returns (e-mail, role) of the one-per-role demo users."""
    await load_reference_services(session)
    await load_topics(session)
    await load_departments(session)
    users = await _ensure_users(session, passwords)
    services = {s.code: s.id for s in (await session.scalars(select(Service))).all()}
    plan = build_plan()
    now = datetime.now(UTC)
    today = now.astimezone(AMSTERDAM).date()
    writer = BulkWriter(session)
    await writer.start(DEMO_TABLES)

    client_ids, new_clients, people = await _ensure_clients(session, writer, plan, users, today, now)
    existing_refs = set(
        (await session.scalars(select(Dossier.ref).where(Dossier.ref.in_([d.ref for d in plan.dossiers])))).all()
    )
    dossiers: list[dict[str, Any]] = []
    assignments: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    references: list[dict[str, Any]] = []

    def refer(record_type: str, record_id: int, refs: list[str]) -> None:
        references.extend(
            {"id": writer.next("external_references"), "record_type": record_type, "record_id": record_id, "ref": ref,
             **stamp(now)}
            for ref in refs
        )  # fmt: skip

    for d in plan.dossiers:
        if d.ref in existing_refs:
            continue
        dossier_id, client_id = writer.next("dossiers"), client_ids[d.client_key]
        opened_at = moment(today, d.opened_days, d.opened_minute)
        dossiers.append(
            {
                "id": dossier_id,
                "ref": d.ref,
                "client_id": client_id,
                "subject": d.subject,
                "status": d.status,
                "outcome": d.outcome,
                "opened_at": opened_at,
                "closed_at": moment(today, d.closed_days, 17 * 60) if d.closed_days is not None else None,
                "casemanager_id": users[d.casemanager],
                **stamp(now),
            }
        )
        for a in d.assignments:
            ended = a.until_days is not None
            assignments.append(
                {
                    "id": writer.next("dossier_assignments"),
                    "dossier_id": dossier_id,
                    "role": a.role,
                    "service_id": services[a.service] if a.service else None,
                    "user_id": users[a.user],
                    "since": max(moment(today, a.since_days, a.since_minute), opened_at),
                    "until": moment(today, a.until_days, 8 * 60) if a.until_days is not None else None,
                    "assigned_by_id": users[ADMIN],
                    "reason": a.reason,
                    "ended_by_id": users[ADMIN] if ended else None,
                    "end_reason": a.end_reason,
                    **stamp(now),
                }
            )
        refer("dossier", dossier_id, d.external_refs)
        for c in d.contacts:
            contacts.append(_contact_row(writer, c, client_id, dossier_id, users, services, today, now))
            refer("contact", contacts[-1]["id"], c.external_refs)
    contacts += [
        _contact_row(writer, loose.contact, client_ids[loose.client_key], None, users, services, today, now, people)
        for loose in plan.loose_contacts
        if loose.client_key in new_clients
    ]
    if new_clients:  # the first load: anonymous calls have no key to tell whether they are there already
        contacts += [_contact_row(writer, c, None, None, users, services, today, now) for c in plan.anonymous_contacts]
    attempts, callbacks = await enrich_calls(session, writer, contacts, now)
    if new_clients:  # and a year of anonymous KCC calls, for the figures on Trends
        topics = dict((await session.execute(select(Topic.code, Topic.id))).tuples().all())
        history, history_attempts = call_history(
            writer, [users[agent] for agent in KCC_AGENTS], services, topics, history_days(today), now
        )
        contacts += history
        attempts += history_attempts
    await writer.write_all(
        [
            (Dossier.__table__, dossiers),
            (DossierAssignment.__table__, assignments),
            (Contact.__table__, contacts),
            (ExternalReference.__table__, references),
            (ContactTransfer.__table__, attempts),
        ]
    )
    await load_promises(session, writer, users, services, now)
    await writer.write_all([(Commitment.__table__, callbacks)])  # after the promises: those look for none first
    await load_pilot_demo(session, writer, users[ADMIN], now)
    await writer.finish()
    await load_knowledge(session, now)
    return [(email, roles[0]) for email, _name, roles, _services, _phone in DEMO_USERS]
