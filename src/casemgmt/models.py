"""Imports every model so that the shared metadata (migrations, tests) knows all tables."""

from casemgmt.audit.models import AuditEvent
from casemgmt.auth.models import ApiToken, LoginFailure, SessionStoreEntry, User, UserRole, user_services
from casemgmt.clients.models import Client, ClientChange, ClientRepresentative, Representative
from casemgmt.commitments.models import Commitment, CommitmentDueChange, CommitmentOwnerChange
from casemgmt.contacts.models import Contact, ContactTransfer
from casemgmt.db import metadata
from casemgmt.directory.models import Department, Service, ServiceHours, Topic, service_coordinators
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.escalations.models import Escalation, ReusableAnswer
from casemgmt.handoffs.models import Handoff
from casemgmt.knowledge.models import KnowledgeArticle, KnowledgeArticleVersion, KnowledgeFlag, contact_articles
from casemgmt.mail.models import MailAttempt, OutboxMail
from casemgmt.notifications.models import Notification, NotificationPreference
from casemgmt.pilots.models import Pilot, PilotEnrolment, TimeEntry, pilot_services
from casemgmt.references.models import ExternalReference
from casemgmt.reminders.models import DigestRun
from casemgmt.surveys.models import SurveyResponse, survey_reasons
from casemgmt.web.idempotency import IdempotencyKey

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Client",
    "ClientChange",
    "ClientRepresentative",
    "Commitment",
    "CommitmentDueChange",
    "CommitmentOwnerChange",
    "Contact",
    "ContactTransfer",
    "Department",
    "DigestRun",
    "Dossier",
    "DossierAssignment",
    "Escalation",
    "ExternalReference",
    "Handoff",
    "IdempotencyKey",
    "KnowledgeArticle",
    "KnowledgeArticleVersion",
    "KnowledgeFlag",
    "LoginFailure",
    "MailAttempt",
    "Notification",
    "NotificationPreference",
    "OutboxMail",
    "Pilot",
    "PilotEnrolment",
    "Representative",
    "ReusableAnswer",
    "Service",
    "ServiceHours",
    "SessionStoreEntry",
    "SurveyResponse",
    "TimeEntry",
    "Topic",
    "User",
    "UserRole",
    "contact_articles",
    "metadata",
    "pilot_services",
    "service_coordinators",
    "survey_reasons",
    "user_services",
]
