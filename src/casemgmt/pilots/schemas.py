"""The JSON bodies of the pilot API. Types only: ``rules.py`` gives the Dutch 422 messages."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class EnrolmentIn(BaseModel):
    dossier_id: int | None = None
    cohort: str | None = None
    reason: str | None = None


class CohortChangeIn(BaseModel):
    cohort: str | None = None
    reason: str | None = None


class TimeEntryIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    dossier_id: int | None = None
    minutes: int | None = None
    activity: str | None = None
    entry_date: date | None = Field(default=None, alias="date")
    employee_id: int | None = None
