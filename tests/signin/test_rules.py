"""The sign-in rules without HTTP or a database: the group map, the claims an identity needs, the ID token's checks
(with keys made here, so every claim can be wrong in turn) and the audit text of a role change."""

from __future__ import annotations

import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from casemgmt.settings import Settings, parse_group_map_json
from casemgmt.signin.provider import verify_id_token
from casemgmt.signin.rules import (
    DEFAULT_GROUP_MAP,
    Refusal,
    SignInRefused,
    grant_for,
    identity_from_claims,
    parse_group_map,
    role_change,
)

ISSUER, CLIENT, NONCE = "https://login.gemeente.example/realms/medewerkers", "casemgmt", "n-123"
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
JWKS = KeySet([KEY]).as_dict(private=False)


def test_the_default_map_gives_roles_and_services() -> None:
    default = parse_group_map(DEFAULT_GROUP_MAP)
    grant = grant_for(["casemgmt-kcc", "casemgmt-casemanager", "casemgmt-szw", "Iedereen"], default)
    assert (grant.roles, grant.services) == (("kcc_agent", "casemanager"), ("KCC", "SZW"))
    assert grant_for(["casemgmt-szw", "casemgmt-ocw"], default).roles == ()
    assert grant_for([], default) == grant_for(["onbekend"], default)


def test_a_configured_map_replaces_the_default() -> None:
    raw = parse_group_map_json('{"KCC-medewerkers": ["kcc_agent", "service:kcc"], "Beheer": "admin"}')
    mapping = parse_group_map(raw)
    assert grant_for(["KCC-medewerkers"], mapping).services == ("KCC",)
    assert grant_for(["Beheer", "casemgmt-casemanager"], mapping).roles == ("admin",)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("niet-json", "not valid JSON"),
        ("[]", "JSON object"),
        ("{}", "JSON object"),
        ('{"g": 3}', "text or a list of texts"),
        ('{"g": ["kcc_agent", 1]}', "text or a list of texts"),
    ],
)
def test_a_group_map_that_is_not_a_map_is_refused_naming_the_setting(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_group_map_json(text)
    with pytest.raises(ValueError, match="CASEMGMT_OIDC_GROUP_MAP"):
        Settings(oidc_group_map=text)


@pytest.mark.parametrize("target", ["superuser", "service:", "dienst:SZW"])
def test_a_group_map_naming_no_role_or_service_is_refused(target: str) -> None:
    with pytest.raises(ValueError, match="neither a role"):
        parse_group_map({"g": [target]})


def test_the_settings_of_a_provider() -> None:
    with pytest.raises(ValueError, match="https"):
        Settings(oidc_issuer="http://login.gemeente.example", oidc_client_id="x")
    with pytest.raises(ValueError, match="CASEMGMT_OIDC_CLIENT_ID"):
        Settings(oidc_issuer=ISSUER)
    with pytest.raises(ValueError, match="0 to 300"):
        Settings(oidc_clock_skew_seconds=3600)
    assert Settings(oidc_issuer="http://localhost:8080/realms/x", oidc_client_id="x").oidc_enabled
    assert not Settings().oidc_enabled and Settings().password_login


def test_an_identity_from_claims() -> None:
    claims = {
        "iss": ISSUER,
        "sub": "abc",
        "email": "A.Jansen@Gemeente.nl",
        "given_name": "Anna",
        "family_name": "Jansen",
        "groups": ["casemgmt-kcc"],
    }
    identity = identity_from_claims(claims, "groups")
    assert (identity.subject, identity.email, identity.name, identity.groups) == (
        "abc",
        "a.jansen@gemeente.nl",
        "Anna Jansen",
        ("casemgmt-kcc",),
    )
    assert identity_from_claims({**claims, "roles": "casemgmt-admin"}, "roles").groups == ("casemgmt-admin",)
    assert identity_from_claims({**claims, "email_verified": False}, "groups").email is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"sub": None}, Refusal.MISSING_SUB),
        ({"sub": ""}, Refusal.MISSING_SUB),
        ({"sub": "x" * 256}, Refusal.MISSING_SUB),
        ({"groups": None}, Refusal.MISSING_GROUPS),
        ({"groups": [1, 2]}, Refusal.MISSING_GROUPS),
        ({"groups": ["g"] * 1001}, Refusal.MISSING_GROUPS),
    ],
)
def test_claims_without_a_usable_sub_or_groups_are_refused(change: dict[str, Any], reason: Refusal) -> None:
    claims = {"iss": ISSUER, "sub": "abc", "groups": ["casemgmt-kcc"], **change}
    with pytest.raises(SignInRefused) as refused:
        identity_from_claims({k: v for k, v in claims.items() if v is not None}, "groups")
    assert refused.value.reason is reason
    assert refused.value.status_code in (400, 403) and refused.value.message


def test_the_audit_text_of_a_role_change() -> None:
    assert role_change(["kcc_agent", "casemanager"], ["casemanager"], ["KCC"], ["KCC"]) == (
        "rollen: casemanager, kcc_agent → casemanager"
    )
    assert role_change([], ["admin"], [], ["SZW"]) == "rollen: – → admin; diensten: – → SZW"
    assert role_change(["admin"], ["admin"], [], []) == ""


def id_token(key: Any = KEY, alg: str = "RS256", **changes: Any) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "abc", "aud": CLIENT, "exp": now + 300, "iat": now, "nonce": NONCE, **changes}
    header = {"alg": alg, "kid": "k1"}
    return jwt.encode(header, {k: v for k, v in claims.items() if v is not None}, key)


def verify(token: str, now: float | None = None, skew: int = 60) -> dict[str, Any]:
    return verify_id_token(token, JWKS, issuer=ISSUER, client_id=CLIENT, nonce=NONCE, now=now or time.time(), skew=skew)


def test_a_good_id_token_is_accepted() -> None:
    assert verify(id_token(groups=["casemgmt-kcc"]))["groups"] == ["casemgmt-kcc"]
    assert verify(id_token(aud=[CLIENT, "other"], azp=CLIENT))["sub"] == "abc"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (lambda: id_token(key=RSAKey.generate_key(2048, parameters={"kid": "k1"})), Refusal.BAD_SIGNATURE),
        (lambda: id_token(key=OctKey.import_key("s" * 32), alg="HS256"), Refusal.BAD_SIGNATURE),
        (lambda: id_token().rsplit(".", 1)[0] + ".", Refusal.BAD_SIGNATURE),
        (lambda: "geen.token", Refusal.BAD_SIGNATURE),
        (lambda: id_token(iss="https://elders.example"), Refusal.UNKNOWN_ISSUER),
        (lambda: id_token(iss=None), Refusal.UNKNOWN_ISSUER),
        (lambda: id_token(aud="andere-app"), Refusal.WRONG_AUDIENCE),
        (lambda: id_token(aud=[CLIENT, "other"]), Refusal.WRONG_AUDIENCE),
        (lambda: id_token(azp="andere-app"), Refusal.WRONG_AUDIENCE),
        (lambda: id_token(aud=None), Refusal.WRONG_AUDIENCE),
        (lambda: id_token(exp=int(time.time()) - 61), Refusal.EXPIRED),
        (lambda: id_token(exp=None), Refusal.EXPIRED),
        (lambda: id_token(iat=int(time.time()) + 120), Refusal.NOT_YET_VALID),
        (lambda: id_token(nonce="andere"), Refusal.WRONG_NONCE),
        (lambda: id_token(nonce=None), Refusal.WRONG_NONCE),
        (lambda: id_token(sub=None), Refusal.MISSING_SUB),
    ],
    ids=[
        "other-key",
        "hmac",
        "no-signature",
        "garbage",
        "other-issuer",
        "no-issuer",
        "other-audience",
        "two-audiences-no-azp",
        "other-azp",
        "no-audience",
        "expired",
        "no-exp",
        "iat-in-future",
        "other-nonce",
        "no-nonce",
        "no-sub",
    ],
)
def test_a_bad_id_token_is_refused_naming_why(token: Any, reason: Refusal) -> None:
    with pytest.raises(SignInRefused) as refused:
        verify(token())
    assert refused.value.reason is reason, refused.value.detail


def test_the_clock_skew_is_bounded() -> None:
    expired_30s_ago = id_token(exp=int(time.time()) - 30)
    assert verify(expired_30s_ago, skew=60)["sub"] == "abc"
    with pytest.raises(SignInRefused):
        verify(expired_30s_ago, skew=0)
