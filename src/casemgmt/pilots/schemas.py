"""The JSON bodies of the pilot API. Types only: ``rules.py`` gives the Dutch 422 messages."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import msgspec
from pydantic import BaseModel, ConfigDict, Field

from casemgmt.pilots.rules import ACTIVITIES, COHORTS, MAX_REASON_LENGTH, MINUTES_PER_DAY
from casemgmt.web.limits import limited, required_text
from casemgmt.web.parameters import Count, Day, OptionalRecordId, RecordId
from casemgmt.web.structs import copied


class EnrolmentIn(BaseModel):
    dossier_id: RecordId
    cohort: str | None = None
    reason: str | None = limited(MAX_REASON_LENGTH, None)


class CohortChangeIn(BaseModel):
    cohort: str = Field(..., json_schema_extra={"enum": list(COHORTS)})
    reason: str = required_text(MAX_REASON_LENGTH)


class TimeEntryIn(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    dossier_id: OptionalRecordId = None
    minutes: Count = Field(..., json_schema_extra={"minimum": 1, "maximum": MINUTES_PER_DAY})
    activity: str = Field(..., json_schema_extra={"enum": list(ACTIVITIES)})
    entry_date: Day | None = Field(default=None, alias="date")
    employee_id: OptionalRecordId = None


if TYPE_CHECKING:
    from casemgmt.pilots.models import Pilot
    from casemgmt.pilots.services import EnrolmentView


class PilotOut(msgspec.Struct):
    """A pilot: its period, its services and its primary outcome measure."""

    slug: str
    name: str
    start: date
    end: date
    services: list[str]
    primary_outcome: str

    @classmethod
    def of(cls, pilot: Pilot) -> PilotOut:
        return copied(cls, pilot, start=pilot.start_date, end=pilot.end_date, services=pilot.service_codes)


class EnrolmentOut(msgspec.Struct):
    """A dossier's place in a pilot: cohort, how it was assigned (lot or choice), by whom and why."""

    dossier_id: int
    pilot: str
    cohort: str
    method: str
    reason: str | None
    assigned_by: int | None
    assigned_by_name: str | None
    assigned_at: datetime

    @classmethod
    def of(cls, view: EnrolmentView) -> EnrolmentOut:
        e = view.enrolment
        return copied(
            cls,
            e,
            pilot=view.pilot_slug,
            reason=e.reason or None,
            assigned_by=e.assigned_by_id,
            assigned_by_name=view.assigned_by_name,
        )


class TimeEntryOut(msgspec.Struct):
    """Time spent on a dossier; ``role`` is the role whose rate prices it."""

    id: int
    dossier_id: int
    employee_id: int
    role: str
    date: date
    minutes: int
    activity: str
    registered_by: int | None

    @classmethod
    def of(cls, entry: Any) -> TimeEntryOut:
        return copied(cls, entry, date=entry.entry_date, registered_by=entry.registered_by_id)
