"""The JSON bodies of the dossier API. Types only: the domain rules (``rules.py``) give the Dutch 422 messages."""

from __future__ import annotations

from pydantic import BaseModel


class AssignmentIn(BaseModel):
    service: str = ""
    accountmanager_id: int | None = None


class DossierCreate(BaseModel):
    client_id: int | None = None
    subject: str | None = None
    casemanager_id: int | None = None
    assignments: list[AssignmentIn] = []


class DossierUpdate(BaseModel):
    version: int | None = None
    subject: str | None = None
    status: str | None = None
    outcome: str | None = None
    casemanager_id: int | None = None
    reason: str | None = None


class AccountmanagerAssignment(BaseModel):
    accountmanager_id: int | None = None
    reason: str | None = None
