"""Imports every model so that the shared metadata (migrations, tests) knows all tables."""

from casemgmt.audit.models import AuditEvent
from casemgmt.auth.models import ApiToken, LoginFailure, SessionStoreEntry, User, UserRole, user_services
from casemgmt.db import metadata
from casemgmt.directory.models import Service

__all__ = [
    "ApiToken",
    "AuditEvent",
    "LoginFailure",
    "Service",
    "SessionStoreEntry",
    "User",
    "UserRole",
    "metadata",
    "user_services",
]
