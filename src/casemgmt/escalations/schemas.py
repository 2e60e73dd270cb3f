"""Request bodies of the escalation API."""

from __future__ import annotations

from pydantic import BaseModel, Field


class EscalationCreate(BaseModel):
    service: str = Field(min_length=1, max_length=10)
    question: str
    client_id: int | None = None
    dossier_id: int | None = None
    commitment_id: int | None = None


class EscalationAnswer(BaseModel):
    answer: str
    reusable: bool = False
