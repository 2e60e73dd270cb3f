"""The rules for a service's own details (pure, no I/O): name, public phone, e-mail and its norms in business days
(the default callback term of a promise, the escalation norm). Used by Beheer > Diensten and ``PATCH
/api/v1/services/{code}``; the opening hours have their rules in ``directory.hours``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from casemgmt.directory.phones import normalise_phone
from casemgmt.errors import FieldError

NAME_MAX = 200
PHONE_MAX = 40
EMAIL_MAX = 254
NORM_MAX = 60
"""A norm longer than 60 business days (about three months) is a typing error rather than a service norm."""

_SHORT_NUMBER = re.compile(r"^14\s?0?\d{2,4}$")
"""The municipal short numbers (14 + area code: 14070, 14 020)."""
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class ServiceDetails:
    name: str
    phone: str
    email: str
    callback_term_days: int
    escalation_norm_days: int


def check_norm(value: object, field: str, label: str) -> tuple[int, list[FieldError]]:
    """A norm in whole business days, 1 to :data:`NORM_MAX` (a form's text or the API's number)."""
    text = str(value).strip() if not isinstance(value, bool) else ""
    if not re.fullmatch(r"-?\d{1,6}", text):
        return 0, [FieldError(field, f"Vul de {label} in als een geheel aantal werkdagen")]
    days = int(text)
    if days < 1:
        return days, [FieldError(field, f"De {label} is minstens 1 werkdag")]
    if days > NORM_MAX:
        return days, [FieldError(field, f"De {label} is hoogstens {NORM_MAX} werkdagen")]
    return days, []


def check_service_details(
    name: str, phone: str, email: str, callback_term_days: object, escalation_norm_days: object
) -> tuple[ServiceDetails, list[FieldError]]:
    """The cleaned details and one error per field: a name of 1..200 characters, a phone number that is valid (or a
    municipal 14-number) or empty, an e-mail address that looks like one or empty, and both norms 1..60 days."""
    errors: list[FieldError] = []
    name, phone, email = name.strip(), phone.strip(), email.strip()
    if not name:
        errors.append(FieldError("name", "Vul de naam van de dienst in"))
    elif len(name) > NAME_MAX:
        errors.append(FieldError("name", f"De naam is te lang (maximaal {NAME_MAX} tekens)"))
    if len(phone) > PHONE_MAX:
        errors.append(FieldError("phone", f"Het telefoonnummer is te lang (maximaal {PHONE_MAX} tekens)"))
    elif phone and not _SHORT_NUMBER.match(phone) and normalise_phone(phone) is None:
        errors.append(FieldError("phone", "Ongeldig telefoonnummer (bijvoorbeeld 070 353 7500 of 14070)"))
    if len(email) > EMAIL_MAX:
        errors.append(FieldError("email", f"Het e-mailadres is te lang (maximaal {EMAIL_MAX} tekens)"))
    elif email and not _EMAIL.match(email):
        errors.append(FieldError("email", "Ongeldig e-mailadres (bijvoorbeeld szw@gemeente.nl)"))
    callback, callback_errors = check_norm(callback_term_days, "callback_term_days", "terugbeltermijn")
    escalation, escalation_errors = check_norm(escalation_norm_days, "escalation_norm_days", "escalatienorm")
    errors += callback_errors + escalation_errors
    return ServiceDetails(name, phone, email, callback, escalation), errors
