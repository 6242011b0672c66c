"""Password hashing (argon2id) and verification off the event loop.

One argon2 verification takes about 64 MiB and 50-150 ms of CPU. On the
console's single event loop, a flood of sign-in attempts would stall every
page, so web sign-ins verify in a small thread pool (argon2 releases the GIL),
and attempts beyond a short queue are refused as "busy" instead of piling up.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
# Verified against when the email is unknown, to spend the same time.
DUMMY_HASH = _hasher.hash("not-a-real-password-" + "x" * 16)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


class Busy(Exception):
    """Too many sign-ins are waiting for a hashing thread."""


class HashPool:
    """`threads` workers for argon2, at most `waiting` more attempts queued."""

    def __init__(self, threads: int, waiting: int):
        self._threads = max(1, threads)
        self._limit = self._threads + max(0, waiting)
        self._in_flight = 0
        self._pool: Optional[ThreadPoolExecutor] = None

    async def run(self, func, *args):
        # A plain counter is enough: the event loop runs one coroutine at a time.
        if self._in_flight >= self._limit:
            raise Busy()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="argon2")
        self._in_flight += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, func, *args)
        finally:
            self._in_flight -= 1

    async def verify(self, password_hash: str, password: str) -> bool:
        return await self.run(verify, password_hash, password)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
