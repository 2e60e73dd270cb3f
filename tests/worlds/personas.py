"""Personas: the people tests log in as (made by the ``make_user`` fixture), and logging in through the pages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from litestar.testing import AsyncTestClient

PASSWORD = "correct-horse-battery"
_CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')


@dataclass
class Person:
    id: int
    email: str
    name: str
    roles: list[str]
    services: list[str]
    password: str = PASSWORD


def csrf_from(html: str) -> str:
    match = _CSRF_INPUT.search(html)
    assert match, "page has no CSRF input"
    return match.group(1)


async def login(client: AsyncTestClient[Any], email: str, password: str = PASSWORD) -> Any:
    form = await client.get("/login")
    token = csrf_from(form.text)
    return await client.post(
        "/login",
        data={"email": email, "password": password, "_csrf_token": token},
        follow_redirects=False,
    )


async def csrf_token(client: AsyncTestClient[Any], path: str = "/start") -> str:
    response = await client.get(path)
    return csrf_from(response.text)
