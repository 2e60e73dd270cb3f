"""Imports every model so that the shared metadata (migrations, tests) knows all tables."""

from casemgmt.audit.models import AuditEvent
from casemgmt.auth.models import ApiToken, LoginFailure, SessionStoreEntry, User, UserRole, user_services
from casemgmt.clients.models import Client, Representative
from casemgmt.contacts.models import Contact
from casemgmt.db import metadata
from casemgmt.directory.models import Service
from casemgmt.dossiers.models import Dossier, DossierAssignment

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Client",
    "Contact",
    "Dossier",
    "DossierAssignment",
    "LoginFailure",
    "Representative",
    "Service",
    "SessionStoreEntry",
    "User",
    "UserRole",
    "metadata",
    "user_services",
]
