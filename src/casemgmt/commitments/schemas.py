"""Request bodies of the commitment API."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel


class CommitmentCreate(BaseModel):
    client_id: int
    dossier_id: int | None = None
    contact_id: int | None = None
    kind: str
    description: str
    owner_id: int
    due_at: AwareDatetime | None = None
    service: str | None = None


class CommitmentFulfil(BaseModel):
    note: str = ""
    contact_id: int | None = None


class CommitmentMiss(BaseModel):
    note: str = ""


class CommitmentCancel(BaseModel):
    reason: str = ""


class CommitmentReassign(BaseModel):
    owner_id: int
    reason: str = ""


__all__ = [
    "CommitmentCancel",
    "CommitmentCreate",
    "CommitmentFulfil",
    "CommitmentMiss",
    "CommitmentReassign",
    "datetime",
]
