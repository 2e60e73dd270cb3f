"""The JSON bodies of the contact API. Types only: ``rules.py`` gives the Dutch 422 messages."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class ContactIn(BaseModel):
    client_id: int | None = None
    dossier_id: int | None = None
    channel: str | None = None
    direction: str | None = None
    service: str | None = None
    outcome: str | None = None
    transfers: int | None = None
    summary: str | None = None
    occurred_at: datetime | None = None
    subject: str | None = None


class ContactLink(BaseModel):
    dossier_id: int | None = None
