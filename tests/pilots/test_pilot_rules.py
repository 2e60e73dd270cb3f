"""Pilot rules without a database: the reproducible draw, enrolment choices, cohort changes, time entries."""

from __future__ import annotations

from datetime import date

import pytest

from casemgmt.pilots import rules


def test_the_draw_depends_only_on_seed_and_dossier():
    assert rules.draw_value(2026, 17) == rules.draw_value(2026, 17)
    assert rules.draw_value(2026, 17) != rules.draw_value(2027, 17)
    assert 0 <= rules.draw_value(2026, 17) < 1
    # a pinned value: the draw must never change between releases, or past lotteries could not be re-checked
    assert rules.draw_value(20260202, 1) == pytest.approx(0.629885, abs=1e-6)  # sha256("20260202:1")
    assert rules.draw_cohort(20260202, 0.5, 1) == "control"
    assert rules.draw_cohort(20260202, 0.7, 1) == "pilot"


def test_the_draw_honours_the_pilot_share():
    drawn = [rules.draw_cohort(99, 0.3, dossier_id) for dossier_id in range(1, 5001)]
    share = drawn.count("pilot") / len(drawn)
    assert 0.27 < share < 0.33
    assert {rules.draw_cohort(99, 0.3, d) for d in range(1, 50)} == {"pilot", "control"}


def test_enrolment_choice_random_versus_manual():
    assert rules.check_enrolment_choice("random", None, None) == []
    assert [e.field for e in rules.check_enrolment_choice("random", "pilot", None)] == ["cohort"]
    assert rules.check_enrolment_choice("manual", "control", "Klant wil geen casemanager") == []
    assert [e.field for e in rules.check_enrolment_choice("manual", "control", "  ")] == ["reason"]
    assert [e.field for e in rules.check_enrolment_choice("manual", "anders", "x")] == ["cohort"]


@pytest.mark.parametrize(
    ("had_contact", "is_admin", "is_casemanager", "refused"),
    [
        (False, False, True, False),  # before the first contact the casemanager may
        (False, True, False, False),
        (True, False, True, True),  # after it only an admin
        (True, True, False, False),
        (False, False, False, True),  # someone else never
    ],
)
def test_who_may_change_a_cohort(had_contact, is_admin, is_casemanager, refused):
    errors, refusal = rules.cohort_change_errors(
        current="control",
        new="pilot",
        reason="Klant vraagt om een vaste contactpersoon",
        had_contact=had_contact,
        is_admin=is_admin,
        is_casemanager=is_casemanager,
    )
    assert (refusal is not None) is refused
    assert errors == []


def test_a_cohort_change_needs_a_reason_and_another_cohort():
    errors, refusal = rules.cohort_change_errors(
        current="pilot", new="pilot", reason="", had_contact=True, is_admin=True, is_casemanager=False
    )
    assert refusal is None
    assert [e.field for e in errors] == ["cohort", "reason"]


def test_role_on_the_dossier_prices_the_entry():
    assert rules.role_on_dossier(was_casemanager=True, was_accountmanager=True, roles=["accountmanager"]) == (
        "casemanager"
    )
    assert rules.role_on_dossier(was_casemanager=False, was_accountmanager=True, roles=["casemanager"]) == (
        "accountmanager"
    )
    assert rules.role_on_dossier(was_casemanager=False, was_accountmanager=False, roles=["kcc_agent", "admin"]) == (
        "admin"
    )


def test_time_entry_checks():
    today = date(2026, 11, 27)
    ok = rules.check_time_entry(minutes=45, activity="travel", entry_date=today, today=today, opened_on=today)
    assert ok == []
    fields = [
        e.field
        for e in rules.check_time_entry(
            minutes=0, activity="koffie", entry_date=date(2026, 11, 28), today=today, opened_on=today
        )
    ]
    assert fields == ["minutes", "activity", "date"]
    before = rules.check_time_entry(
        minutes=1441, activity="other", entry_date=date(2026, 1, 1), today=today, opened_on=date(2026, 2, 1)
    )
    assert [e.field for e in before] == ["minutes", "date"]


def test_the_day_total_names_the_total():
    assert rules.day_total_error(already=1400, adding=40, entry_date=date(2026, 11, 27)) is None
    error = rules.day_total_error(already=1400, adding=41, entry_date=date(2026, 11, 27))
    assert error is not None and error.field == "minutes"
    assert "24 uur 1 minuut" in error.message and "1441 minuten" in error.message
    assert rules.format_minutes(90) == "1 uur 30 minuten"
    assert rules.format_minutes(0) == "0 minuten"
