"""Password hashing with argon2 (pwdlib), run in a worker thread; cheaper parameters in test mode only."""

from __future__ import annotations

import anyio.to_thread
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_PRODUCTION = PasswordHash((Argon2Hasher(),))
_TEST = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))


class Passwords:
    def __init__(self, *, cheap: bool = False) -> None:
        self._hash = _TEST if cheap else _PRODUCTION

    def hash_sync(self, password: str) -> str:
        return self._hash.hash(password)

    async def hash(self, password: str) -> str:
        return await anyio.to_thread.run_sync(self._hash.hash, password)

    async def verify(self, password: str, password_hash: str | None) -> bool:
        if not password_hash:
            # Spend the same time as a real check so unknown e-mails cannot be told apart by timing.
            await anyio.to_thread.run_sync(self._hash.hash, password)
            return False
        return await anyio.to_thread.run_sync(self._hash.verify, password, password_hash)


MIN_PASSWORD_LENGTH = 10
