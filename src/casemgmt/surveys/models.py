"""A survey response (tevredenheidsmeting) and its reasons for dissatisfaction.

One row per respondent, the answer codes of ``questionnaire.py`` stored as they are. The reasons (multiple choice)
are a child table ``survey_reasons(response_id, code)`` so the measures can count them in SQL. ``dossier_id`` links
the response to a dossier (and through its enrolment to a pilot cohort). ``import_batch`` names the CSV import a row
came from (None when entered by hand or through the single-response API), so a batch can be traced as a whole.
"""

from __future__ import annotations

from datetime import date, datetime

from advanced_alchemy.base import BigIntAuditBase, orm_registry
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, SmallInteger, String, Table
from sqlalchemy.orm import Mapped, mapped_column

from casemgmt.surveys.csv_format import COMMENT_MAX_LENGTH, RESPONDENT_ID_MAX_LENGTH
from casemgmt.surveys.questionnaire import CODED_FIELDS

survey_reasons = Table(
    "survey_reasons",
    orm_registry.metadata,
    Column("response_id", ForeignKey("survey_responses.id", ondelete="CASCADE"), primary_key=True),
    Column("code", String(30), primary_key=True),
)


class SurveyResponse(BigIntAuditBase):
    __tablename__ = "survey_responses"
    __table_args__ = (
        Index("ix_survey_responses_contact_date", "contact_date"),
        Index("ix_survey_responses_dossier", "dossier_id"),
    )

    respondent_id: Mapped[str] = mapped_column(String(RESPONDENT_ID_MAX_LENGTH), unique=True)
    contact_date: Mapped[date] = mapped_column(Date)
    remembered_contact: Mapped[bool] = mapped_column(Boolean)
    grade: Mapped[int | None] = mapped_column(SmallInteger, default=None)
    helped_at_once: Mapped[str | None] = mapped_column(String(20), default=None)
    transfer_count: Mapped[str | None] = mapped_column(String(12), default=None)
    respondent_type: Mapped[str | None] = mapped_column(String(10), default=None)
    gender: Mapped[str | None] = mapped_column(String(10), default=None)
    age_band: Mapped[str | None] = mapped_column(String(10), default=None)
    education: Mapped[str | None] = mapped_column(String(20), default=None)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossiers.id", ondelete="RESTRICT"), default=None)
    comment: Mapped[str | None] = mapped_column(String(COMMENT_MAX_LENGTH), default=None)
    imported_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    import_batch: Mapped[str | None] = mapped_column(String(36), default=None)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), default=None)

    def coded_answers(self) -> dict[str, str | None]:
        """The single-choice answers as stored (``questionnaire.CODED_FIELDS``), in the questionnaire's order."""
        return {field: getattr(self, field) for field in CODED_FIELDS}
