"""The managed lists under each service: topics (onderwerpen) and departments (afdelingen).

Both ship as TOML files beside this module (``topics.toml``, ``departments.toml``) and are loaded idempotently by
``casemgmt topics load`` / ``casemgmt departments load`` and by the demo: a topic is found by its code, a department
by (service, name); loading again updates what changed and never deletes (a topic is deactivated on the admin
screen). A file with any problem loads nothing; the problems name the entry and are in Dutch.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.directory.models import Department, Service, Topic
from casemgmt.directory.phones import normalise_phone
from casemgmt.errors import FieldError, InvalidInput

TOPICS_FILE = Path(__file__).with_name("topics.toml")
DEPARTMENTS_FILE = Path(__file__).with_name("departments.toml")

TOPIC_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
TOPIC_NAME_MAX = 200
DEPARTMENT_NAME_MAX = 200
PHONE_MAX = 40
HOURS_MAX = 200


@dataclass
class CatalogueReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def check_topic(code: str, name: str) -> list[FieldError]:
    """A topic's code (lower case letters, digits and hyphens, at most 40) and name (1..200 characters)."""
    errors: list[FieldError] = []
    if not TOPIC_CODE.fullmatch(code):
        errors.append(
            FieldError("code", "Een code bestaat uit kleine letters, cijfers en streepjes (maximaal 40 tekens)")
        )
    if not name.strip():
        errors.append(FieldError("name", "Vul de naam van het onderwerp in"))
    elif len(name.strip()) > TOPIC_NAME_MAX:
        errors.append(FieldError("name", f"De naam is te lang (maximaal {TOPIC_NAME_MAX} tekens)"))
    return errors


DEPARTMENT_PHONE_MESSAGE = (
    "Ongeldig telefoonnummer; gebruik een Nederlands nummer (bijvoorbeeld 070 353 7510) of een internationaal "
    "nummer met + (bijvoorbeeld +31 70 353 7510)"
)


@dataclass(frozen=True)
class DepartmentInput:
    """A department's details as entered, trimmed: the phone number as typed (like a service's and an employee's
    direct line), checked with the clients' phone rule (``directory.phones``)."""

    name: str
    phone: str
    hours: str


def check_department(name: str, phone: str, hours: str) -> tuple[DepartmentInput, list[FieldError]]:
    """A department's name (1..200 characters), phone (empty, or a valid Dutch or international number of at most
    40 characters) and opening hours (free text, at most 200): the cleaned input and the errors, one per field."""
    cleaned = DepartmentInput(name.strip(), phone.strip(), hours.strip())
    errors: list[FieldError] = []
    if not cleaned.name:
        errors.append(FieldError("name", "Vul de naam van de afdeling in"))
    elif len(cleaned.name) > DEPARTMENT_NAME_MAX:
        errors.append(FieldError("name", f"De naam is te lang (maximaal {DEPARTMENT_NAME_MAX} tekens)"))
    if len(cleaned.phone) > PHONE_MAX:
        errors.append(FieldError("phone", f"Het telefoonnummer is te lang (maximaal {PHONE_MAX} tekens)"))
    elif cleaned.phone and normalise_phone(cleaned.phone) is None:
        errors.append(FieldError("phone", DEPARTMENT_PHONE_MESSAGE))
    if len(cleaned.hours) > HOURS_MAX:
        errors.append(FieldError("hours", f"De openingstijden zijn te lang (maximaal {HOURS_MAX} tekens)"))
    return cleaned, errors


def _read(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput.single("file", f"{path.name}: niet te lezen ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput.single("file", f"{path.name}: geen geldig TOML ({exc})") from None


async def _services(session: AsyncSession) -> dict[str, Service]:
    return {s.code: s for s in (await session.scalars(select(Service))).all()}


async def load_topics(session: AsyncSession, path: Path = TOPICS_FILE) -> CatalogueReport:
    """Load the topics of ``path``: one table per service code, each key a topic code and its value the name."""
    document = _read(path)
    services = await _services(session)
    errors: list[FieldError] = []
    wanted: dict[str, tuple[Service, str]] = {}
    for code, topics in document.items():
        service = services.get(code.upper())
        if service is None or not isinstance(topics, dict):
            errors.append(FieldError(f"{path.name}: [{code}]", "onbekende dienst of geen tabel met onderwerpen"))
            continue
        for topic_code, name in topics.items():
            where = f"{path.name}: [{code}] {topic_code}"
            if not isinstance(name, str):
                errors.append(FieldError(where, "de naam moet tekst zijn"))
                continue
            errors += [FieldError(where, e.message) for e in check_topic(topic_code, name)]
            if topic_code in wanted:
                errors.append(FieldError(where, "deze code staat er twee keer in"))
            wanted[topic_code] = (service, name.strip())
    if errors:
        raise InvalidInput(errors)
    existing = {t.code: t for t in (await session.scalars(select(Topic))).all()}
    report = CatalogueReport()
    for topic_code, (service, name) in wanted.items():
        topic = existing.get(topic_code)
        if topic is None:
            session.add(Topic(service_id=service.id, code=topic_code, name=name, is_active=True))
            report.created.append(topic_code)
        elif (topic.service_id, topic.name) != (service.id, name):
            topic.service_id, topic.name = service.id, name
            report.updated.append(topic_code)
        else:
            report.unchanged.append(topic_code)
    await session.flush()
    return report


async def load_departments(session: AsyncSession, path: Path = DEPARTMENTS_FILE) -> CatalogueReport:
    """Load the departments of ``path``: an array of tables per service code, each with name, phone and hours."""
    document = _read(path)
    services = await _services(session)
    errors: list[FieldError] = []
    wanted: dict[tuple[int, str], tuple[str, str, str]] = {}
    for code, entries in document.items():
        service = services.get(code.upper())
        if service is None or not isinstance(entries, list):
            errors.append(FieldError(f"{path.name}: [[{code}]]", "onbekende dienst of geen lijst met afdelingen"))
            continue
        for number, entry in enumerate(entries, start=1):
            where = f"{path.name}: [[{code}]] nr. {number}"
            name = entry.get("name") if isinstance(entry, dict) else None
            phone = entry.get("phone", "") if isinstance(entry, dict) else ""
            hours = entry.get("hours", "") if isinstance(entry, dict) else ""
            if not all(isinstance(value, str) for value in (name, phone, hours)):
                errors.append(FieldError(where, "naam, telefoonnummer en openingstijden zijn tekst"))
                continue
            assert isinstance(name, str) and isinstance(phone, str) and isinstance(hours, str)
            cleaned, problems = check_department(name, phone, hours)
            errors += [FieldError(where, e.message) for e in problems]
            wanted[(service.id, cleaned.name)] = (f"{service.code}/{cleaned.name}", cleaned.phone, cleaned.hours)
    if errors:
        raise InvalidInput(errors)
    existing = {(d.service_id, d.name): d for d in (await session.scalars(select(Department))).all()}
    report = CatalogueReport()
    for (service_id, name), (label, phone, hours) in wanted.items():
        department = existing.get((service_id, name))
        if department is None:
            session.add(Department(service_id=service_id, name=name, phone=phone, hours=hours, is_active=True))
            report.created.append(label)
        elif (department.phone, department.hours) != (phone, hours):
            department.phone, department.hours = phone, hours
            report.updated.append(label)
        else:
            report.unchanged.append(label)
    await session.flush()
    return report


@dataclass(frozen=True)
class TopicChoice:
    code: str
    name: str
    service: str
    is_active: bool


async def topic_choices(session: AsyncSession, *, active_only: bool = True) -> list[TopicChoice]:
    """The topics by service code and name (for the contact form's select and the admin list)."""
    query = select(Topic.code, Topic.name, Service.code, Topic.is_active).join(Service, Service.id == Topic.service_id)
    if active_only:
        query = query.where(Topic.is_active)
    rows = (await session.execute(query.order_by(Service.code, Topic.name))).all()
    return [TopicChoice(*row) for row in rows]


@dataclass(frozen=True)
class DepartmentChoice:
    id: int
    service: str
    name: str
    phone: str
    hours: str


async def department_choices(session: AsyncSession) -> list[DepartmentChoice]:
    """The active departments by service code and name (for the contact form's transfer block)."""
    rows = (
        await session.execute(
            select(Department.id, Service.code, Department.name, Department.phone, Department.hours)
            .join(Service, Service.id == Department.service_id)
            .where(Department.is_active)
            .order_by(Service.code, Department.name)
        )
    ).all()
    return [DepartmentChoice(*row) for row in rows]
