"""The survey service: one response entered by hand (form or API) and the CSV import, for admins and evaluators.

Both paths validate with ``csv_format`` (the same rules and Dutch messages) and then check the database: the
respondent id must be new and a ``dossier_ref`` must name an existing dossier. Errors of one response are
``InvalidInput`` (422, nothing written); a respondent id that already exists is a 422 on ``respondent_id`` as well,
like in the import report. Every response and every import writes an audit event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from casemgmt.audit.services import Action, AuditLog
from casemgmt.auth.identity import CurrentUser
from casemgmt.auth.roles import Role
from casemgmt.clients.models import Client
from casemgmt.dossiers.models import Dossier
from casemgmt.errors import FieldError, Forbidden, InvalidInput
from casemgmt.surveys.csv_format import ParsedRow, RowError, parse_survey_bytes, survey_row_from_json
from casemgmt.surveys.importer import (
    DossierRefs,
    ImportReport,
    Progress,
    duplicate_error,
    existing_respondents,
    import_survey_rows,
    response_values,
    unknown_dossier_error,
)
from casemgmt.surveys.models import SurveyResponse, survey_reasons

SURVEY_ROLES = frozenset({Role.ADMIN, Role.EVALUATOR})
ONLY_SURVEY_ROLES = "Alleen functioneel beheer en evaluatoren leggen enquêteantwoorden vast."


def response_json(response: SurveyResponse, reasons: Iterable[str], dossier_ref: str | None) -> dict[str, Any]:
    """A response in the shape of the CSV contract (``reasons`` as a list)."""
    return {
        "id": response.id,
        "respondent_id": response.respondent_id,
        "contact_date": response.contact_date,
        "remembered_contact": "ja" if response.remembered_contact else "nee",
        "grade": response.grade,
        "reasons": list(reasons),
        **response.coded_answers(),
        "dossier_ref": dossier_ref,
        "comment": response.comment,
    }


def _invalid(errors: Iterable[RowError]) -> InvalidInput:
    return InvalidInput([FieldError(error.field or "response", error.message) for error in errors])


class SurveyService:
    def __init__(self, session: AsyncSession, actor: CurrentUser, audit: AuditLog) -> None:
        self.session = session
        self.actor = actor
        self.audit = audit

    def _require_role(self) -> None:
        if not self.actor.roles & SURVEY_ROLES:
            raise Forbidden(ONLY_SURVEY_ROLES)

    async def create(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Record one response given as the CSV columns (``reasons`` a list). Returns it as JSON."""
        self._require_role()
        parsed = survey_row_from_json(answers)
        if isinstance(parsed, list):
            raise _invalid(parsed)
        return await self.create_parsed(parsed)

    async def create_parsed(self, row: ParsedRow) -> dict[str, Any]:
        self._require_role()
        errors: list[RowError] = []
        if await existing_respondents(self.session, [row.respondent_id]):
            errors.append(duplicate_error(None, row.respondent_id))
        dossier_id: int | None = None
        if row.dossier_ref:
            dossier_id = (await DossierRefs(self.session).resolve([row.dossier_ref]))[row.dossier_ref]
            if dossier_id is None:
                errors.append(unknown_dossier_error(None, row.dossier_ref))
        if errors:
            raise _invalid(errors)
        response = SurveyResponse(
            **response_values(row, dossier_id), imported_at=datetime.now(UTC), entered_by_id=self.actor.id
        )
        self.session.add(response)
        try:
            await self.session.flush()
        except IntegrityError as exc:  # the same respondent id recorded at the same moment
            raise _invalid([duplicate_error(None, row.respondent_id)]) from exc
        if row.reasons:
            await self.session.execute(
                insert(survey_reasons), [{"response_id": response.id, "code": code} for code in row.reasons]
            )
        pseudonym = None
        if dossier_id is not None:
            pseudonym = await self.session.scalar(
                select(Client.pseudonym).join(Dossier, Dossier.client_id == Client.id).where(Dossier.id == dossier_id)
            )
        self.audit.record(
            Action.CREATE,
            "survey_response",
            response.id,
            client_pseudonym=pseudonym,
            detail=f"respondent {row.respondent_id}" + (f"; dossier {row.dossier_ref}" if row.dossier_ref else ""),
        )
        return response_json(response, row.reasons, row.dossier_ref)

    async def import_csv(
        self,
        data: bytes,
        *,
        skip_invalid: bool,
        source: str = "",
        progress: Progress | None = None,
    ) -> ImportReport:
        """Import a whole CSV file given as bytes. Raises ``SurveyImportRejected`` (roll back!) when not skipping
        and any row is invalid."""
        self._require_role()
        return await import_survey_rows(
            self.session,
            parse_survey_bytes(data),
            skip_invalid=skip_invalid,
            entered_by_id=self.actor.id,
            audit=self.audit,
            source=source,
            progress=progress,
        )
