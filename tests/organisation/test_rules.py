"""The employee administration's rules (``organisation/rules.py``), without HTTP or a database."""

from __future__ import annotations

from casemgmt.organisation import rules

SERVICES = {"KCC", "SZW", "OCW"}


def fields(errors) -> list[str]:  # type: ignore[no-untyped-def]
    return [error.field for error in errors]


def test_roles_must_be_known_and_at_least_one() -> None:
    assert rules.check_roles(["casemanager"], [], SERVICES) == []
    assert rules.check_roles([], [], SERVICES)[0].message == rules.ROLES_REQUIRED
    unknown = rules.check_roles(["casemanager", "superuser"], [], SERVICES)
    assert fields(unknown) == ["roles"] and "superuser" in unknown[0].message


def test_an_accountmanager_needs_a_known_service() -> None:
    assert rules.check_roles(["accountmanager"], ["SZW"], SERVICES) == []
    assert rules.check_roles(["accountmanager"], [], SERVICES)[0].message == rules.ACCOUNTMANAGER_SERVICE
    missing = rules.check_roles(["kcc_agent"], ["XYZ"], SERVICES)
    assert fields(missing) == ["services"] and "XYZ" in missing[0].message


def test_the_cap_is_a_whole_number_from_one_for_casemanagers_only() -> None:
    assert rules.check_caseload(None, ["kcc_agent"]) == []
    assert rules.check_caseload(1, ["casemanager"]) == []
    for bad in (0, -1, 2.5, True, "5", rules.MAX_CASELOAD + 1):
        assert fields(rules.check_caseload(bad, ["casemanager"])) == ["max_caseload"], bad
    assert rules.check_caseload(5, ["kcc_agent"])[0].message == rules.CASELOAD_NOT_CASEMANAGER
    assert rules.parse_caseload_text(" ") is None
    assert rules.parse_caseload_text("12") == 12
    assert isinstance(rules.parse_caseload_text("-3"), rules.FieldError)
    assert isinstance(rules.parse_caseload_text("1e9"), rules.FieldError)


def test_the_phone_is_empty_or_valid() -> None:
    assert rules.check_phone("") == []
    assert rules.check_phone("070 353 7510") == []
    assert fields(rules.check_phone("bel mij")) == ["phone"]
    assert fields(rules.check_phone("0" * 41)) == ["phone"]


def admin_change(**overrides: object) -> list[str]:
    values = {
        "actor_id": 1,
        "user_id": 2,
        "was_active_admin": True,
        "stays_active_admin": False,
        "deactivating": True,
        "other_active_admins": 0,
    }
    values.update(overrides)
    return [error.message for error in rules.check_admin_change(**values)]  # type: ignore[arg-type]


def test_the_last_active_admin_stays_one() -> None:
    assert admin_change() == [rules.LAST_ADMIN]  # deactivating the last admin
    assert admin_change(deactivating=False) == [rules.LAST_ADMIN]  # taking away the last admin's role
    assert admin_change(other_active_admins=1) == []
    assert admin_change(was_active_admin=False) == []  # not an admin: nothing to lose
    assert admin_change(stays_active_admin=True, deactivating=False) == []
    field = rules.check_admin_change(
        actor_id=1,
        user_id=2,
        was_active_admin=True,
        stays_active_admin=False,
        deactivating=False,
        other_active_admins=0,
    )[0].field
    assert field == "roles"


def test_nobody_deactivates_themselves() -> None:
    assert admin_change(actor_id=2, other_active_admins=3) == [rules.NOT_YOURSELF]
    assert admin_change(actor_id=2, was_active_admin=False) == [rules.NOT_YOURSELF]
    assert admin_change(actor_id=2, deactivating=False, stays_active_admin=True) == []


def test_role_changes_are_spelled_out_for_the_audit_log() -> None:
    assert rules.role_change_text(["casemanager"], ["casemanager", "admin"]) == "rollen: +admin"
    assert rules.role_change_text(["admin", "kcc_agent"], ["kcc_agent"]) == "rollen: -admin"
    assert rules.role_change_text(["kcc_agent"], ["kcc_agent"]) == ""


def test_a_token_label_has_a_limit() -> None:
    assert rules.check_token_label("rapportage") == []
    assert fields(rules.check_token_label("x" * (rules.TOKEN_LABEL_MAX + 1))) == ["name"]
