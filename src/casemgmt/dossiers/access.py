"""Who may see and change a dossier (need to know): the plain rules. ``involvement.py`` applies them to the
assignment history and turns them into SQL.

- the current casemanager and current accountmanagers: read and write;
- earlier casemanagers and accountmanagers: read only;
- KCC agents: read, and log contacts (they route every caller);
- admins: read and write;
- everyone else (other employees, evaluators): nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import IntEnum

from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.roles import Role

NOT_INVOLVED = "U bent niet betrokken bij dit dossier"
READ_ONLY = (
    "U kunt dit dossier alleen inzien: wijzigen kan alleen de huidige casemanager, een huidige accountmanager "
    "of functioneel beheer"
)
NO_CONTACT = (
    "U kunt bij dit dossier geen contact vastleggen: dat kunnen KCC-medewerkers, de huidige casemanager en "
    "accountmanagers en functioneel beheer"
)


class Access(IntEnum):
    NONE = 0
    READ = 1
    CONTACT = 2  # read, and log contacts
    WRITE = 3


def dossier_access(user: CurrentUser, *, is_current_assignee: bool, was_assignee: bool) -> Access:
    """The access a user has to one dossier, given their involvement in it."""
    if Role.EVALUATOR in user.roles and len(user.roles) == 1:
        return Access.NONE
    if Role.ADMIN in user.roles or is_current_assignee:
        return Access.WRITE
    if Role.KCC_AGENT in user.roles:
        return Access.CONTACT
    if was_assignee:
        return Access.READ
    return Access.NONE


def access_from_assignments(
    user: CurrentUser, assignments: Iterable[tuple[int, datetime | None]], casemanager_id: int | None = None
) -> Access:
    """The access of ``user`` given the dossier's assignment history as ``(user_id, until)`` pairs (and the
    dossier's current casemanager, who is always a current assignee)."""
    mine = [until for user_id, until in assignments if user_id == user.id]
    current = casemanager_id == user.id or any(until is None for until in mine)
    return dossier_access(user, is_current_assignee=current, was_assignee=bool(mine))
