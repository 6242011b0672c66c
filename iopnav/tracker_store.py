"""Rasa's SQL tracker store, configured by one URL (IOP_TRACKER_STORE_URL),
which also raises crisis flags from inside the Rasa server.

Flags are raised here, not only in a custom action, so a crisis is flagged
for staff even when the action server is down or slow. `save` hands the
conversation's crisis moments to the outbox (safety/outbox.py) BEFORE the
events are stored, so a tracker-store failure still flags; the outbox writes
the flag and the alert on its own thread, so the turn never waits on the
application database. A sweeper (every IOP_FLAG_SWEEP_SECONDS, 30) finds
crisis turns in the stored events that have no flag and enqueues them: a
crash between the hand-off and the flag, or a lost journal, still ends with
a flag.

Events are appended by iopnav.event_log (what the tracker gained since it was
read, each once), not by Rasa's count-based save, which drops a user message
when two turns of a conversation are saved at once. A database error is
raised, never hidden behind an in-memory stand-in (iopnav.refusing_store).
"""

import asyncio
import json
import logging
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Iterable, List, Optional, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import Engine

from iopnav import event_log, rasa_speedups, refusing_store, settings
from iopnav.console import tracker as stored
from iopnav.db import ensure_sqlite_dir, hardened_url, use_sqlite_pragmas
from iopnav.safety.flags import flagged_keys_of
from iopnav.safety.outbox import enqueue_flag, every, set_console_key
from iopnav.safety.session import HANDOFF_ACTION

logger = logging.getLogger(__name__)

MomentRow = Tuple[str, str, Optional[str], Optional[str]]
# Saves to a database server wait here, not in asyncio's shared pool: saves
# stuck on a database that hangs must not hold up other work there (the SMS
# opt-out checks).
_SAVES = ThreadPoolExecutor(max_workers=4, thread_name_prefix="iop-save")


def crisis_moments(tracker: DialogueStateTracker) -> List[MomentRow]:
    return crisis_moments_in(tracker.events)


def crisis_moments_in(events: Iterable[Event]) -> List[MomentRow]:
    """(event_key, category, channel, evidence) for each crisis moment: a user
    message classified `crisis`, or one answered with the hand-off (a "yes"
    to the screening question)."""
    moments: Dict[str, MomentRow] = {}
    last_user: Optional[UserUttered] = None
    for event in events:
        if isinstance(event, UserUttered):
            last_user = event
            if (event.intent or {}).get("name") == "crisis":
                safety = (event.parse_data or {}).get("safety") or {}
                key = event.message_id or f"ts:{event.timestamp}"
                moments[key] = (
                    key,
                    safety.get("category") or _category_entity(event) or "ml_detected",
                    event.input_channel,
                    json.dumps(safety.get("evidence") or []),
                )
        elif (
            isinstance(event, ActionExecuted) and event.action_name == HANDOFF_ACTION and last_user
        ):
            key = last_user.message_id or f"ts:{last_user.timestamp}"
            moments.setdefault(key, (key, "screening_yes", last_user.input_channel, None))
    return list(moments.values())


def _category_entity(event: UserUttered) -> Optional[str]:
    """A button payload such as the screening question's "Yes" skips NLU, so
    it carries its category as an entity instead of the screen's verdict."""
    for entity in event.entities or []:
        if entity.get("entity") == "crisis_category" and entity.get("value"):
            return str(entity["value"])
    return None


class _Seen:
    """Moments already handed to the outbox by this process (bounded), so a
    long conversation does not re-enqueue its old crisis on every turn."""

    def __init__(self, size: int = 20000):
        self.keys: "OrderedDict[Tuple[str, str], None]" = OrderedDict()
        self.size = size

    def add(self, sender: str, key: str) -> bool:
        """True if new."""
        if (sender, key) in self.keys:
            return False
        self.keys[(sender, key)] = None
        if len(self.keys) > self.size:
            self.keys.popitem(last=False)
        return True


def enqueue_moments(sender_id: str, moments: Iterable[MomentRow], seen: _Seen) -> int:
    added = 0
    for key, category, channel, evidence in moments:
        if seen.add(sender_id, key):
            enqueue_flag(sender_id, key, category, channel, evidence)
            added += 1
    return added


def sweep(eng: Engine, database_url: Optional[str], since: float, seen: _Seen) -> int:
    """Enqueue crisis moments stored since `since` (epoch seconds) that have
    no flag yet; returns how many. Reads only conversations with a crisis
    intent or a hand-off in that window."""
    if not stored.has_events_table(eng):
        return 0
    ev = stored.events
    crisis_turn = sa.or_(
        sa.and_(ev.c.type_name == "user", ev.c.intent_name == "crisis"),
        sa.and_(ev.c.type_name == "action", ev.c.action_name == HANDOFF_ACTION),
    )
    with eng.connect() as conn:
        senders = [
            s
            for (s,) in conn.execute(
                sa.select(ev.c.sender_id).where(crisis_turn, ev.c.timestamp >= since).distinct()
            )
        ]
        if not senders:
            return 0
        known = flagged_keys_of(senders, database_url)
        rows = conn.execute(
            sa.select(ev.c.sender_id, ev.c.data)
            .where(
                ev.c.sender_id.in_(senders),
                ev.c.type_name.in_(("user", "action")),
                ev.c.timestamp >= since,
            )
            .order_by(ev.c.sender_id, ev.c.id)
        ).fetchall()
    by_sender: Dict[str, List[Event]] = {}
    for sender, data in rows:
        try:
            by_sender.setdefault(sender, []).append(Event.from_parameters(json.loads(data)))
        except Exception:  # one unreadable event must not stop the sweep
            continue
    found = 0
    for sender, events in by_sender.items():
        missing = [m for m in crisis_moments_in(events) if m[0] not in known.get(sender, set())]
        for moment in missing:
            enqueue_flag(sender, *moment)
            seen.add(sender, moment[0])
        found += len(missing)
    if found:
        logger.warning("crisis flag sweeper: %d crisis moment(s) had no flag; enqueued", found)
    return found


class EnvSQLTrackerStore(SQLTrackerStore):
    # A failed save or read fails the turn (refusing_store.py).
    refuses_fallback = True
    engine: Engine

    def __init__(
        self, domain=None, host: Optional[str] = None, event_broker=None, **kwargs: Any
    ) -> None:
        refusing_store.install()
        rasa_speedups.install()
        url = settings.tracker_store_url()
        ensure_sqlite_dir(url)
        kwargs.pop("url", None)
        # Timeouts in the URL (review L6); Rasa builds the engine itself.
        super().__init__(domain=domain, host=hardened_url(url), event_broker=event_broker, **kwargs)
        if self.engine.dialect.name == "sqlite":
            self._keep_sqlite_connections()
        # No bound parameters (message text, sender ids) in error messages (M6).
        self.engine.hide_parameters = True
        self.seen = _Seen()
        self.schema_ready = self._ensure_schema()
        try:
            self._migrate_app_db()
            self._start_sweeper()
        except Exception as exc:  # Rasa (and the hand-off) must start regardless
            logger.error("crisis flag outbox not started (%s)", type(exc).__name__)
        logger.info("tracker store: %s", self.engine.url.__repr__())

    def _keep_sqlite_connections(self) -> None:
        """Rasa's SQLite engine opens a connection for every read and save and
        closes it after: closing the last connection checkpoints the
        write-ahead log into the database file and syncs it, once a turn
        (10% of the server's time under load, docs/performance.md). A pool
        keeps them open; SQLite then checkpoints every 1,000 pages."""
        rasas = self.engine
        self.engine = sa.create_engine(
            rasas.url,
            poolclass=sa.pool.QueuePool,
            connect_args={"check_same_thread": False},  # pooled across the worker threads
        )
        use_sqlite_pragmas(self.engine)
        self.sessionmaker.configure(bind=self.engine)
        rasas.dispose()

    def _start_sweeper(self) -> None:
        database_url = settings.database_url()
        set_console_key(lambda sender: stored.key_of(self.engine, sender))
        lookback = float(settings.env("IOP_FLAG_SWEEP_HOURS", "48")) * 3600
        every(
            float(settings.env("IOP_FLAG_SWEEP_SECONDS", "30")),
            "crisis flag sweeper",
            lambda: sweep(self.engine, database_url, time.time() - lookback, self.seen),
        )

    @staticmethod
    def _migrate_app_db() -> None:
        """The flags table must exist, but a down application database must
        not stop Rasa (and so the crisis hand-off) from starting: the outbox
        keeps the flags, and retries the migrations, until it is back."""
        from iopnav import migrate

        url = settings.database_url()
        try:
            migrate.upgrade(url)
        except Exception as exc:
            logger.error(
                "application database migrations failed (%s); Rasa starts anyway, "
                "crisis flags wait in the outbox",
                type(exc).__name__,
            )
            every(
                float(settings.env("IOP_FLAG_SWEEP_SECONDS", "30")),
                "application database migrations",
                lambda: migrate.upgrade(url),
                once=True,
            )

    def _ensure_schema(self) -> bool:
        """The event key column (event_log.py). If the database refuses, Rasa
        still starts: saves then fail and the channels answer by themselves."""
        try:
            event_log.ensure_schema(self.engine)
            return True
        except Exception as exc:
            logger.error("tracker store: event key column not added (%s)", type(exc).__name__)
            return False

    async def _retrieve(
        self, sender_id: str, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        """Rasa's read (the same rows, the same tracker), one Core query."""
        rows = event_log.session_data(self.engine, sender_id, fetch_events_from_all_sessions)
        if not (self.domain and rows):
            return None
        tracker = DialogueStateTracker.from_dict(
            sender_id, [json.loads(data) for data in rows], self.domain.slots
        )
        event_log.mark_stored(tracker)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        # First the flags (a local append each), then the events: a store
        # failure below must not lose the crisis for staff.
        try:
            enqueue_moments(tracker.sender_id, crisis_moments(tracker), self.seen)
        except Exception as exc:  # never lose the conversation over the flags
            logger.error("could not enqueue crisis flags (%s)", type(exc).__name__)
        if not self.schema_ready:
            self.schema_ready = self._ensure_schema()
        new_events = event_log.unsaved(tracker)
        if self.engine.dialect.name == "sqlite":
            # A commit to the write-ahead log takes well under a millisecond.
            stored = event_log.append(self.engine, tracker.sender_id, new_events)
        else:
            # Round trips to the server and its commit: on threads of their
            # own, so that other conversations' turns go on meanwhile (this
            # turn still waits, under its conversation's lock).
            stored = await asyncio.get_running_loop().run_in_executor(
                _SAVES, event_log.append, self.engine, tracker.sender_id, new_events
            )
        event_log.mark_stored(tracker)
        if self.event_broker and stored:
            # After the commit (Rasa streams before it): only stored events.
            await self._stream_new_events(self.event_broker, stored, tracker.sender_id)

    async def replies_to(self, sender_id: str, message_id: str) -> Optional[List[Dict]]:
        """What the dialogue answered to a stored message (a retry's answer)."""
        return event_log.stored_replies(self.engine, sender_id, message_id)

    async def outline(self, sender_id: str) -> List[Dict[str, Any]]:
        """The conversation's events, type, name and time only (the reminder's)."""
        return event_log.outline(self.engine, sender_id)
