"""A Redis lock store that several Rasa servers can share safely.

Rasa 3.6's RedisLockStore reads a conversation's whole lock, edits it in
Python and writes it back, so two servers can be issued the same ticket and
both run a turn of one conversation at once (rasa issue #9213; the fix ships
in Rasa Pro only). Here every step is one Redis command or one Lua script
(iopnav/lock_scripts.py), which Redis runs without interleaving.

What it guarantees, per conversation:
- one turn at a time, in the order the tickets were issued, as long as each
  turn finishes within the lifetime;
- a ticket lives `lifetime` past its server's last sign of life (a poll while
  waiting, or the start of its turn), so a server killed mid-turn, or while
  waiting, blocks the conversation for at most one lifetime;
- ticket numbers only grow, so a turn that overran its lifetime and releases
  late can only drop its own ticket, never a newer turn's (Rasa's stores
  restart numbering at 0 once the lock is empty).
"""

import asyncio
import logging
import time
from collections import deque
from contextlib import asynccontextmanager
from typing import AsyncGenerator, List, Optional

import redis
from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LockError, LockStore

from iopnav import lock_scripts

logger = logging.getLogger(__name__)

# Rasa's default is 60 s, as long as a web proxy commonly waits for an answer
# (nginx's default read timeout), so when a server is killed mid-turn the
# person's next message waits behind the dead ticket until the proxy gives up.
# 20 s frees the conversation well inside that; it is
# still twice the longest turn with healthy dependencies (database connect 3 s
# + statement 5 s; the channels answer by themselves at 10 s web / 12 s SMS).
# A turn stuck longer (a hung action server: Rasa waits 300 s) loses its hold
# and the next turn goes ahead, rather than the conversation stalling minutes.
DEFAULT_LIFETIME_SECONDS = 20.0

# How often a waiting turn asks whether it is its turn (Rasa polls every 1 s,
# which adds up to a second to every double-texted message). A poll is one
# small script, well under a millisecond of Redis time.
DEFAULT_POLL_SECONDS = 0.05

# The numbering outlives the tickets by this much, so a late release (a turn
# that overran its lifetime) never meets a reissued number.
NUMBERING_KEPT_SECONDS = 24 * 3600

# Lock store calls run on Rasa's event loop; a stuck Redis must fail the turn
# (the channels then answer by themselves) rather than freeze the server.
SOCKET_TIMEOUT_SECONDS = 2.0


class AtomicRedisLockStore(LockStore):
    """Rasa's ticket lock (FIFO per conversation) with atomic steps in Redis."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 6379,
        db: int = 1,
        username: Optional[str] = None,
        password: Optional[str] = None,
        use_ssl: bool = False,
        key_prefix: str = "iop",
        lifetime: float = DEFAULT_LIFETIME_SECONDS,
        socket_timeout: float = SOCKET_TIMEOUT_SECONDS,
    ) -> None:
        # `red`, as in Rasa's RedisLockStore.
        self.red = redis.Redis(
            host=host,
            port=int(port),
            db=int(db),
            username=username,
            password=password,
            ssl=use_ssl,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_timeout,
        )
        # Not Rasa's "<prefix>:lock:" (a JSON string key): servers of both
        # kinds during a rolling upgrade must not read each other's keys.
        self.key_prefix = f"{key_prefix}:tickets:"
        self.lifetime = float(lifetime)
        self._issue = self.red.register_script(lock_scripts.ISSUE)
        self._take = self.red.register_script(lock_scripts.TAKE)
        self._snapshot = self.red.register_script(lock_scripts.SNAPSHOT)
        self._replace = self.red.register_script(lock_scripts.REPLACE)
        super().__init__()

    def _key(self, conversation_id: str) -> str:
        return self.key_prefix + conversation_id

    @staticmethod
    def _ms(seconds: float) -> int:
        return max(1, int(seconds * 1000))

    # --- what a turn uses: lock() ------------------------------------------
    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: Optional[float] = None,
        wait_time_in_seconds: float = DEFAULT_POLL_SECONDS,
    ) -> AsyncGenerator[TicketLock, None]:
        """Rasa's contract (MessageProcessor, Agent, server): wait for this
        conversation's turn, hold it for the body, release it. Raises
        LockError if Redis fails or the ticket expired while waiting."""
        lifetime = self.lifetime if lock_lifetime is None else float(lock_lifetime)
        ticket = self.issue_ticket(conversation_id, lifetime)
        try:
            yield await self._wait_for_turn(conversation_id, ticket, lifetime, wait_time_in_seconds)
        finally:
            self._release(conversation_id, ticket)

    def issue_ticket(self, conversation_id: str, lock_lifetime: Optional[float] = None) -> int:
        """A new ticket at the end of the conversation's queue."""
        lifetime = self.lifetime if lock_lifetime is None else float(lock_lifetime)
        try:
            return int(
                self._issue(
                    keys=[self._key(conversation_id)],
                    args=[self._ms(lifetime), NUMBERING_KEPT_SECONDS],
                )
            )
        except Exception as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    async def _wait_for_turn(
        self, conversation_id: str, ticket: int, lifetime: float, poll: float
    ) -> TicketLock:
        # A poll renews the ticket, so polls must come well within the lifetime.
        poll = min(poll, lifetime / 4)
        while True:
            try:
                ahead = int(
                    self._take(
                        keys=[self._key(conversation_id)],
                        args=[ticket, self._ms(lifetime)],
                    )
                )
            except Exception as e:
                raise LockError(f"Error while acquiring lock. Error:\n{e}") from e
            if ahead == 0:
                return TicketLock(conversation_id, deque([Ticket(ticket, time.time() + lifetime)]))
            if ahead < 0:
                raise LockError(
                    f"Could not acquire lock for conversation_id '{conversation_id}': "
                    f"ticket {ticket} expired while waiting."
                )
            await asyncio.sleep(poll)

    def _release(self, conversation_id: str, ticket: int) -> None:
        # A failed release costs at most one lifetime of waiting for the next
        # turn (the ticket expires); raising here would turn a turn whose
        # replies are made into an error, or hide the error that ended it.
        try:
            self.cleanup(conversation_id, ticket)
        except Exception:
            logger.warning(
                "Could not release ticket %s of a conversation; it expires by itself.",
                ticket,
                exc_info=True,
            )

    # --- the rest of Rasa's LockStore interface ------------------------------
    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Drops the ticket: one HDEL, nothing read first."""
        self.red.hdel(self._key(conversation_id), str(ticket_number))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Rasa's cleanup also deletes the lock when nobody waits (a second
        read-then-write race). Here there is nothing to delete: the key keeps
        only the numbering and expires by itself."""
        self.finish_serving(conversation_id, ticket_number)

    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        """The live tickets, read in one script (expired ones dropped); None if none."""
        flat = self._snapshot(keys=[self._key(conversation_id)])
        tickets = _tickets(flat)
        return TicketLock(conversation_id, deque(tickets)) if tickets else None

    def update_lock(self, conversation_id: str) -> None:
        """Drops expired tickets (every script does that on its way)."""
        self._snapshot(keys=[self._key(conversation_id)])

    def is_someone_waiting(self, conversation_id: str) -> bool:
        return self.get_lock(conversation_id) is not None

    def save_lock(self, lock: TicketLock) -> None:
        """Replaces the conversation's tickets with `lock`'s in one script.
        A whole-lock write is Rasa's interface, not this store's way: its own
        steps never call it. Expiries are this machine's clock."""
        args: List = [NUMBERING_KEPT_SECONDS]
        for ticket in lock.tickets:
            args += [int(ticket.number), int(ticket.expires * 1000)]
        self._replace(keys=[self._key(lock.conversation_id)], args=args)

    def delete_lock(self, conversation_id: str) -> None:
        """Forgets the conversation's tickets and numbering (unused by Rasa here)."""
        deleted = self.red.delete(self._key(conversation_id))
        self._log_deletion(conversation_id, bool(deleted))


def _tickets(flat: List) -> List[Ticket]:
    """[number, expiry ms, ...] -> Tickets (expiry in seconds, Redis clock)."""
    return [Ticket(int(flat[i]), int(flat[i + 1]) / 1000) for i in range(0, len(flat), 2)]
