"""The generator: deterministic per seed, calibrated to the seed report, valid data only, bulk-written."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time

import pytest
from sqlalchemy import and_, func, select

from casemgmt.auth.models import User
from casemgmt.clients.models import Client
from casemgmt.clients.rules import is_valid_bsn
from casemgmt.commitments.models import Commitment
from casemgmt.contacts.models import Contact
from casemgmt.dossiers.models import Dossier, DossierAssignment
from casemgmt.escalations.models import Escalation
from casemgmt.exchange.schema import ParsedLine, parse_line
from casemgmt.handoffs.models import Handoff
from casemgmt.pilots.models import PilotEnrolment, TimeEntry
from casemgmt.surveys.models import SurveyResponse, survey_reasons
from casemgmt.synthetic.generator import SIZES, Quota, generate
from casemgmt.synthetic.numbers import bsn_from
from tests.exchange.conftest import AS_OF, export_lines, reset

pytestmark = pytest.mark.anyio

HISTORY_END = datetime.combine(AS_OF, time(0), tzinfo=UTC)


async def test_same_seed_same_export_other_seed_other_export(db) -> None:
    exports = []
    for seed in (21, 21, 22):
        async with db() as session, session.begin():
            await reset(session, pilots=False)
            report = await generate(session, "small", seed=seed, as_of=AS_OF)
        async with db() as session:
            exports.append(await export_lines(session))
        assert report.counts["dossiers"] == 100 and report.counts["klantcontacten"] == 2_000
    assert exports[0] == exports[1]
    assert exports[0] != exports[2]


def in_status_quo(column):  # type: ignore[no-untyped-def]
    """Rows of dossiers not in the pilot cohort, or without a dossier."""
    pilot_cohort = select(PilotEnrolment.dossier_id).where(PilotEnrolment.cohort == "pilot")
    return column.is_(None) | column.not_in(pilot_cohort)


async def shares(session, pilot_cohort: bool) -> dict[str, float]:  # type: ignore[no-untyped-def]
    cohort = select(PilotEnrolment.dossier_id).where(PilotEnrolment.cohort == "pilot")
    contact_filter = Contact.dossier_id.in_(cohort) if pilot_cohort else in_status_quo(Contact.dossier_id)
    row = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(and_(Contact.outcome == "resolved", Contact.transfers == 0)),
                func.count().filter(Contact.transfers >= 1),
                func.count().filter(Contact.transfers >= 2),
            ).where(Contact.direction == "in", contact_filter)
        )
    ).one()
    inbound, helped, transferred, more = row
    survey_filter = SurveyResponse.dossier_id.in_(cohort) if pilot_cohort else in_status_quo(SurveyResponse.dossier_id)
    graded, satisfied = (
        await session.execute(
            select(func.count(), func.count().filter(SurveyResponse.grade >= 7)).where(
                SurveyResponse.grade.is_not(None), survey_filter
            )
        )
    ).one()
    due_filter = Commitment.dossier_id.in_(cohort) if pilot_cohort else in_status_quo(Commitment.dossier_id)
    due, not_kept = (
        await session.execute(
            select(
                func.count(),
                func.count().filter((Commitment.status == "missed") | (Commitment.status == "open")),
            ).where(Commitment.kind == "callback", Commitment.due_at <= HISTORY_END, due_filter)
        )
    ).one()
    return {
        "helped": helped / inbound,
        "transferred": transferred / inbound,
        "more_of_transferred": more / transferred,
        "satisfied": satisfied / graded,
        "callbacks_not_kept": not_kept / due,
        "inbound": inbound,
        "graded": graded,
    }


async def test_calibrated_to_the_seed_report(db) -> None:
    async with db() as session, session.begin():
        await reset(session, pilots=False)
        await generate(session, "small", seed=2013, as_of=AS_OF)
    async with db() as session:
        status_quo = await shares(session, pilot_cohort=False)
        pilot = await shares(session, pilot_cohort=True)
        reasons = Counter(
            (
                await session.scalars(
                    select(survey_reasons.c.code)
                    .join(SurveyResponse, SurveyResponse.id == survey_reasons.c.response_id)
                    .where(in_status_quo(SurveyResponse.dossier_id))
                )
            ).all()
        )
        dissatisfied = await session.scalar(
            select(func.count()).where(SurveyResponse.grade <= 6, in_status_quo(SurveyResponse.dossier_id))
        )
    assert status_quo["inbound"] > 1000 and status_quo["graded"] > 300
    assert status_quo["helped"] == pytest.approx(1 / 3, abs=0.01)
    assert status_quo["transferred"] == pytest.approx(0.40, abs=0.01)
    assert status_quo["more_of_transferred"] == pytest.approx(0.60, abs=0.02)
    assert status_quo["satisfied"] == pytest.approx(0.72, abs=0.01)
    assert status_quo["callbacks_not_kept"] == pytest.approx(0.10, abs=0.04)
    # reasons among the dissatisfied in the seed's proportions (210 respondents; a few points of sampling noise)
    assert reasons["niet_in_een_keer"] / dissatisfied == pytest.approx(0.20, abs=0.07)
    assert reasons["niet_deskundig"] / dissatisfied == pytest.approx(0.19, abs=0.07)
    assert reasons["anders"] / dissatisfied == pytest.approx(0.16, abs=0.07)
    assert sum(reasons.values()) / dissatisfied == pytest.approx(1.15, abs=0.08)
    # the pilot cohort is better, modestly
    assert pilot["helped"] > status_quo["helped"] + 0.04
    assert pilot["transferred"] < status_quo["transferred"] - 0.04


async def test_only_valid_data(db) -> None:
    async with db() as session, session.begin():
        await reset(session, pilots=False)
        await generate(session, "small", seed=99, as_of=AS_OF)
    async with db() as session:
        bsns = (await session.scalars(select(Client.bsn).where(Client.bsn.is_not(None)))).all()
        assert bsns and all(is_valid_bsn(bsn) for bsn in bsns) and len(set(bsns)) == len(bsns)
        latest = await session.scalar(select(func.max(Contact.occurred_at)))
        assert latest < HISTORY_END
        commitments = (
            await session.execute(
                select(Commitment.status, Commitment.closed_at, Commitment.due_at, Commitment.kept_on_time)
            )
        ).all()
        for status, closed_at, due_at, kept in commitments:
            if status == "fulfilled":
                assert kept is (closed_at <= due_at)
            elif status == "missed":
                assert kept is False and closed_at is not None
            else:
                assert kept is None
            assert closed_at is None or closed_at < HISTORY_END
        assert {status for status, *_ in commitments} == {"open", "fulfilled", "missed", "cancelled"}
        escalations = (
            await session.execute(
                select(Escalation.answered_at, Escalation.due_at, Escalation.within_norm, Escalation.status)
            )
        ).all()
        for answered_at, due_at, within, status in escalations:
            assert (status == "answered") is (answered_at is not None)
            assert within is (None if answered_at is None else answered_at <= due_at)
        handoffs = (await session.execute(select(Handoff.status, Handoff.decided_at, Handoff.decision_reason))).all()
        for status, decided_at, reason in handoffs:
            assert (status == "requested") is (decided_at is None)
            assert status != "declined" or reason
        active = (
            await session.execute(
                select(DossierAssignment.dossier_id, DossierAssignment.service_id, func.count())
                .where(DossierAssignment.role == "accountmanager", DossierAssignment.until.is_(None))
                .group_by(DossierAssignment.dossier_id, DossierAssignment.service_id)
            )
        ).all()
        assert max(n for *_, n in active) == 1
        spans = (await session.execute(select(DossierAssignment.since, DossierAssignment.until))).all()
        assert all(until is None or until >= since for since, until in spans)
        # every generated dossier passes the import's own rules (contract, consistency, moments, 11-proof)
        for number, line in enumerate(await export_lines(session), start=1):
            assert isinstance(parse_line(line, number, HISTORY_END), ParsedLine), parse_line(line, number, HISTORY_END)
        day_totals = (
            (
                await session.execute(
                    select(func.sum(TimeEntry.minutes)).group_by(TimeEntry.employee_id, TimeEntry.entry_date)
                )
            )
            .scalars()
            .all()
        )
        assert day_totals and max(day_totals) <= 24 * 60
        closed_open = await session.scalar(
            select(func.count())
            .select_from(Commitment)
            .join(Dossier, Dossier.id == Commitment.dossier_id)
            .where(Dossier.status == "closed", Commitment.status == "open")
        )
        assert closed_open == 0
        assert await session.scalar(select(func.count()).select_from(User).where(User.password_hash.is_not(None))) == 0
        enrolled = await session.execute(
            select(PilotEnrolment.cohort, func.count()).group_by(PilotEnrolment.cohort).order_by(PilotEnrolment.cohort)
        )
        cohorts = dict(enrolled.tuples().all())
        assert sum(cohorts.values()) == 50 and cohorts["pilot"] > 10 and cohorts["control"] > 10


async def test_generating_twice_adds_a_second_municipality_and_the_app_can_insert_after(db) -> None:
    async with db() as session, session.begin():
        await reset(session, pilots=False)
        await generate(session, "small", seed=1, as_of=AS_OF, pilot_dossiers=0)
    async with db() as session, session.begin():
        await generate(session, "small", seed=1, as_of=AS_OF, pilot_dossiers=0)
    async with db() as session, session.begin():
        refs = (await session.scalars(select(Dossier.ref))).all()
        assert len(refs) == 200 and len(set(refs)) == 200
        client_id = await session.scalar(select(Client.id).limit(1))
        user_id = await session.scalar(select(User.id).limit(1))
        service_id = await session.scalar(select(Contact.service_id).limit(1))
        latest = await session.scalar(select(func.max(Contact.occurred_at)))
        contact = Contact(
            client_id=client_id,
            channel="phone",
            direction="in",
            service_id=service_id,
            employee_id=user_id,
            occurred_at=latest,
            outcome="resolved",
            transfers=0,
            summary="Na de generator",
        )
        session.add(contact)
        await session.flush()  # PostgreSQL: the id sequence was moved past the generated ids
        assert contact.id == await session.scalar(select(func.max(Contact.id)))


def test_quota_follows_the_shares_in_small_takes() -> None:
    import numpy as np

    quota = Quota({"a": 1 / 3, "b": 0.4, "c": 1 - 1 / 3 - 0.4}, np.random.default_rng(1))
    drawn: Counter[str] = Counter()
    for size in [1, 7, 3, 50, 1, 1, 200, 13] * 20:
        drawn.update(quota.take(size))
        total = sum(drawn.values())
        assert abs(drawn["a"] - total / 3) < 1.5 and abs(drawn["b"] - total * 0.4) < 1.5


def test_bsn_from_passes_the_11_proof() -> None:
    numbers = [bsn_from(n) for n in range(12_345_600, 12_345_700)]
    valid = [n for n in numbers if n is not None]
    assert len(valid) > 80 and all(is_valid_bsn(n) for n in valid)
    assert SIZES["large"].contacts == 1_000_000 and SIZES["medium"].dossiers == 2_000
