"""The demo municipality: reference services and one employee per role, safe to load again and again.

Later concepts add their demo data (clients, dossiers, commitments, pilots) here.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.auth.models import User
from casemgmt.auth.passwords import Passwords
from casemgmt.auth.services import Accounts
from casemgmt.directory.reference import load_reference_services

DEMO_PASSWORD = "demo-wachtwoord"  # noqa: S105 (printed for the local demo only)

DEMO_USERS: tuple[tuple[str, str, list[str], list[str], str], ...] = (
    ("kcc@demo.casemgmt.nl", "Kim de Klantcontact", ["kcc_agent"], ["KCC"], "070 353 1001"),
    ("casemanager@demo.casemgmt.nl", "Cas Manager", ["casemanager"], [], "070 353 1002"),
    ("accountmanager@demo.casemgmt.nl", "Anouk Accountmanager", ["accountmanager"], ["SZW"], "070 353 1003"),
    ("evaluator@demo.casemgmt.nl", "Eva Luator", ["evaluator"], [], ""),
    ("admin@demo.casemgmt.nl", "Ad Beheer", ["admin"], [], "070 353 1005"),
)


async def load_demo(session: AsyncSession, passwords: Passwords) -> list[tuple[str, str]]:
    """Load the demo municipality; returns (e-mail, role) of the demo users."""
    await load_reference_services(session)
    accounts = Accounts(session, passwords)
    existing = set((await session.scalars(select(User.email))).all())
    for email, name, roles, services, phone in DEMO_USERS:
        if email not in existing:
            await accounts.create_user(
                email=email, name=name, roles=roles, service_codes=services, phone=phone, password=DEMO_PASSWORD
            )
    return [(email, roles[0]) for email, _name, roles, _services, _phone in DEMO_USERS]
