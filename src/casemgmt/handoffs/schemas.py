"""Request bodies of the handoff API."""

from __future__ import annotations

from pydantic import BaseModel


class HandoffCreate(BaseModel):
    dossier_id: int
    to_service: str
    to_employee_id: int | None = None
    reason: str = ""
    context: str = ""
    from_service: str | None = None


class HandoffDecline(BaseModel):
    reason: str = ""
