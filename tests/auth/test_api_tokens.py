"""Personal API tokens on ``/api/v1``."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from casemgmt.auth.models import ApiToken
from casemgmt.auth.tokens import token_hash

pytestmark = pytest.mark.anyio


async def test_token_gives_the_users_profile(client, make_user, make_token, db) -> None:
    person = await make_user("accountmanager", "casemanager", services=["SZW"], name="Bram de Vries")
    headers = await make_token(person)
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200
    assert response.json() == {
        "id": person.id,
        "name": "Bram de Vries",
        "email": person.email,
        "phone": "070 123 4567",
        "roles": ["casemanager", "accountmanager"],
        "services": ["SZW"],
    }
    token = headers["Authorization"].split()[1]
    async with db() as session:
        stored = (await session.scalars(select(ApiToken.token_hash))).all()
    assert stored == [token_hash(token)]  # only the hash is kept


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer cm_wrong"}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer "}],
)
async def test_missing_or_wrong_token_answers_401_json(client, headers) -> None:
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["status_code"] == 401


async def test_token_of_deactivated_user_is_refused(client, make_user, make_token, db) -> None:
    from casemgmt.auth.models import User

    person = await make_user("casemanager")
    headers = await make_token(person)
    async with db() as session, session.begin():
        (await session.get(User, person.id)).is_active = False
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_session_cookie_is_not_accepted_on_the_api(client, make_user) -> None:
    from tests.worlds.personas import login

    person = await make_user("casemanager")
    await login(client, person.email)
    assert (await client.get("/api/v1/me")).status_code == 401
