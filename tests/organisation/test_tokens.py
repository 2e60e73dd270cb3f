"""Personal API tokens (issue 17): made in Mijn account or ``POST /api/v1/me/tokens`` with the value shown once
(only the hash kept, also not in the idempotency store), revoked by their owner or an admin, after which they answer
401 at once."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from casemgmt.audit.models import AuditEvent
from casemgmt.auth.models import ApiToken
from casemgmt.auth.tokens import token_hash
from casemgmt.web.idempotency import IdempotencyKey
from tests.worlds.personas import csrf_token, login

pytestmark = pytest.mark.anyio
TOKEN = re.compile(r"cm_[A-Za-z0-9_\-]{20,}")


async def stored_keys(db) -> list[bytes]:  # type: ignore[no-untyped-def]
    async with db() as session:
        return [row or b"" for row in (await session.scalars(select(IdempotencyKey.response_body))).all()]


async def test_a_token_made_through_the_api_is_shown_once_and_works(client, make_user, make_token, db) -> None:
    person = await make_user("evaluator")
    headers = await make_token(person)
    made = await client.post(
        "/api/v1/me/tokens", json={"name": "rapportage"}, headers={**headers, "Idempotency-Key": "tok-1"}
    )
    assert made.status_code == 201, made.text
    value = made.json()["token"]
    assert made.json()["name"] == "rapportage" and made.json()["owner"] == person.name
    assert (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {value}"})).status_code == 200
    # a repeat of the same request makes no second token and does not show the value again
    again = await client.post(
        "/api/v1/me/tokens", json={"name": "rapportage"}, headers={**headers, "Idempotency-Key": "tok-1"}
    )
    assert again.status_code == 409 and value not in again.text
    assert all(value.encode() not in body for body in await stored_keys(db))
    listed = await client.get("/api/v1/me/tokens", headers=headers)
    assert [t["name"] for t in listed.json()] == ["rapportage", "test"]
    assert value not in listed.text and "token" not in listed.json()[0]
    async with db() as session:
        hashes = (await session.scalars(select(ApiToken.token_hash))).all()
    assert token_hash(value) in hashes and value not in hashes


async def test_revoked_tokens_answer_401_at_once(client, make_user, make_token, db) -> None:
    person = await make_user("casemanager")
    admin = await make_user("admin")
    headers = await make_token(person)
    spare = (await client.post("/api/v1/me/tokens", json={"name": "script"}, headers=headers)).json()
    spare_headers = {"Authorization": f"Bearer {spare['token']}"}
    assert (await client.get("/api/v1/me", headers=spare_headers)).status_code == 200
    revoked = await client.delete(f"/api/v1/me/tokens/{spare['id']}", headers=headers)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert (await client.get("/api/v1/me", headers=spare_headers)).status_code == 401
    # another's token is not theirs to revoke: 404, as if it did not exist
    admin_headers = await make_token(admin)
    admins = (await client.get("/api/v1/me/tokens", headers=admin_headers)).json()
    assert (await client.delete(f"/api/v1/me/tokens/{admins[0]['id']}", headers=headers)).status_code == 404
    assert (await client.delete("/api/v1/me/tokens/999999", headers=headers)).status_code == 404
    # an admin sees every token (never a value) and revokes the casemanager's own
    everything = await client.get("/api/v1/tokens", headers=admin_headers)
    assert everything.status_code == 200
    theirs = [t for t in everything.json() if t["user_id"] == person.id]
    assert len(theirs) == 1 and not TOKEN.search(everything.text)
    assert (await client.delete(f"/api/v1/tokens/{theirs[0]['id']}", headers=admin_headers)).status_code == 200
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    assert (await client.get("/api/v1/tokens", headers=admin_headers)).status_code == 200
    async with db() as session:
        events = (
            await session.scalars(
                select(AuditEvent).where(AuditEvent.object_type == "api_token").order_by(AuditEvent.id)
            )
        ).all()
    assert [e.action for e in events] == ["create", "update", "update"]
    assert all(spare["token"] not in e.detail for e in events)


async def test_only_admins_see_and_revoke_all_tokens(client, make_user, make_token) -> None:
    person = await make_user("casemanager")
    headers = await make_token(person)
    assert (await client.get("/api/v1/tokens", headers=headers)).status_code == 403
    assert (await client.delete("/api/v1/tokens/1", headers=headers)).status_code == 403
    too_long = await client.post("/api/v1/me/tokens", json={"name": "x" * 101}, headers=headers)
    assert too_long.status_code == 422 and too_long.json()["extra"][0]["field"] == "name"


async def test_mijn_account_shows_a_new_token_once_and_revokes_it(client, make_user, db) -> None:
    person = await make_user("kcc_agent", services=["KCC"], name="Kees Kcc")
    assert (await login(client, person.email)).status_code == 303
    page = await client.get("/account")
    assert page.status_code == 200 and "Kees Kcc" in page.text and "KCC-medewerker" in page.text
    assert "U heeft geen API-tokens" in page.text
    key = re.search(r'name="_submission_key" value="([^"]+)"', page.text)
    assert key
    form = {"name": "mijn script", "_csrf_token": await csrf_token(client, "/account"), "_submission_key": key.group(1)}
    made = await client.post("/account/tokens", data=form, follow_redirects=False)
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    [value] = TOKEN.findall(made.text)
    assert "maar één keer getoond" in made.text
    # the same form sent again (a reload): one token, and the value is not shown again
    again = await client.post("/account/tokens", data=form, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/account"
    assert all(value.encode() not in body for body in await stored_keys(db))
    listed = await client.get("/account")
    assert "mijn script" in listed.text and value not in listed.text
    async with db() as session:
        [token] = (await session.scalars(select(ApiToken).where(ApiToken.user_id == person.id))).all()
    assert (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {value}"})).status_code == 200
    revoke = await client.post(
        f"/account/tokens/{token.id}/intrekken",
        data={"_csrf_token": await csrf_token(client, "/account")},
        follow_redirects=True,
    )
    assert "ingetrokken" in revoke.text
    assert (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {value}"})).status_code == 401


async def test_beheer_api_tokens_lists_owners_never_values(client, make_user, make_token) -> None:
    admin = await make_user("admin")
    person = await make_user("casemanager", name="Carla Casemanager")
    await make_token(person)
    assert (await login(client, admin.email)).status_code == 303
    page = await client.get("/beheer/api-tokens")
    assert page.status_code == 200 and "Carla Casemanager" in page.text and not TOKEN.search(page.text)
    token_id = re.search(r"/beheer/api-tokens/(\d+)/intrekken", page.text)
    assert token_id
    revoked = await client.post(
        f"/beheer/api-tokens/{token_id.group(1)}/intrekken",
        data={"_csrf_token": await csrf_token(client, "/beheer/api-tokens")},
        follow_redirects=True,
    )
    assert "ingetrokken" in revoked.text and "Carla Casemanager" in revoked.text
