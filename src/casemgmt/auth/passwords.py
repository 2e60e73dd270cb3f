"""Password hashing with argon2 (pwdlib), run in a worker thread, one hash at a time per process: argon2 is meant to
be costly, and a burst of logins must not take both cores from every other request; cheaper parameters in test mode
only."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import anyio.to_thread
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_PRODUCTION = PasswordHash((Argon2Hasher(),))
_TEST = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))

HASHES_AT_ONCE = 1
_hashing = threading.BoundedSemaphore(HASHES_AT_ONCE)

T = TypeVar("T")


async def _in_turn(work: Callable[..., T], *args: str) -> T:
    """``work(*args)`` on a worker thread once it is this thread's turn to hash (the event loop never waits)."""

    def in_turn() -> T:
        with _hashing:
            return work(*args)

    return await anyio.to_thread.run_sync(in_turn)


class Passwords:
    def __init__(self, *, cheap: bool = False) -> None:
        self._hash = _TEST if cheap else _PRODUCTION

    def hash_sync(self, password: str) -> str:
        return self._hash.hash(password)

    async def hash(self, password: str) -> str:
        return await _in_turn(self._hash.hash, password)

    async def verify(self, password: str, password_hash: str | None) -> bool:
        if not password_hash:
            # Spend the same time as a real check so unknown e-mails cannot be told apart by timing.
            await _in_turn(self._hash.hash, password)
            return False
        return await _in_turn(self._hash.verify, password, password_hash)


MIN_PASSWORD_LENGTH = 10
