"""Appending a conversation's events to Rasa's `events` table so that two
turns saved at once never drop or duplicate an event.

Rasa's SQLTrackerStore.save stores `tracker.events[n:]`, n being the number
of events stored *at save time*. When another server stored a turn after this
tracker was read, n counts that turn too, and as many of this turn's events,
its user message first, are silently skipped. Here a save appends what the
tracker gained since it was read (counted when it was read), and every new
row carries a key that is unique within its conversation:

- a user message: its message id, so a message is stored once however often
  it is processed (a retry that reached another server, a turn that outlived
  its lock). The copy saved second is left out, with the bot events that
  followed it: the transcript holds one answer to each message;
- any other event: a digest of its JSON (type, time to the microsecond,
  content), so saving the same tracker twice stores nothing twice.

A save is one transaction, and a conversation's rows are written by one save
at a time (PostgreSQL: a per-conversation advisory lock; SQLite: one writer
per database file), so a turn's events get consecutive ids, and Rasa, which
reads events in id order, sees each turn whole and in order.
"""

import hashlib
import json
import logging
from typing import Any, Dict, List, Optional

import sqlalchemy as sa
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from iopnav.console.tracker import events_table

logger = logging.getLogger(__name__)

# Rasa's table plus our key column; on its own MetaData, so neither Rasa's
# create_all nor Alembic ever creates it.
events = events_table(sa.MetaData(), sa.Column("event_key", sa.String(80)))
KEY_INDEX = "ix_events_sender_event_key"
CREATE_INDEX = f"CREATE UNIQUE INDEX IF NOT EXISTS {KEY_INDEX} ON events (sender_id, event_key)"
# First half of the two-number advisory lock key ("iop" events): the
# one-number lock space, which other code may use, does not overlap it.
PG_LOCK_SPACE = 0x10E7
# Set on a tracker when it is read or saved: (events then, the last of them).
_MARK = "_iop_stored"


# ---- the schema ---------------------------------------------------------------


def ensure_schema(engine: Engine) -> None:
    """Add the key column and its unique index to a table Rasa created. Safe
    to run from several servers at once; rows stored before have no key
    (NULLs never clash in a unique index)."""
    inspector = sa.inspect(engine)
    postgres = engine.dialect.name == "postgresql"
    if "event_key" not in {c["name"] for c in inspector.get_columns("events")}:
        add = "ALTER TABLE events ADD COLUMN {}event_key VARCHAR(80)"
        try:
            with engine.begin() as conn:
                conn.execute(sa.text(add.format("IF NOT EXISTS " if postgres else "")))
        except sa.exc.OperationalError as exc:  # SQLite: another server added it first
            if "duplicate column" not in str(exc.orig):
                raise
    if KEY_INDEX in {i["name"] for i in inspector.get_indexes("events")}:
        return
    try:
        with engine.begin() as conn:
            if postgres:
                # Once, on upgrade: building it on a long table outlasts the
                # 5 s statement limit the engine otherwise keeps.
                conn.execute(sa.text("SET LOCAL statement_timeout = 0"))
            conn.execute(sa.text(CREATE_INDEX))
    except (sa.exc.IntegrityError, sa.exc.ProgrammingError):
        # PostgreSQL: two servers creating it at the same moment; one wins.
        if KEY_INDEX not in {i["name"] for i in sa.inspect(engine).get_indexes("events")}:
            raise


# ---- which events a save appends -------------------------------------------------


def mark_stored(tracker: DialogueStateTracker) -> None:
    """Remember what this tracker holds that the store holds too (after a
    read, after a save): a later save appends only what comes after."""
    setattr(tracker, _MARK, (len(tracker.events), tracker.events[-1] if tracker.events else None))


def unsaved(tracker: DialogueStateTracker) -> List[Event]:
    """The events this tracker gained since it was read or saved. A tracker
    that was not read here (a new conversation, Rasa's "replace events" API)
    gives all its events: the keys skip the ones already stored."""
    current = list(tracker.events)
    count, last = getattr(tracker, _MARK, (0, None))
    if 0 < count <= len(current) and current[count - 1] is last:
        return current[count:]
    return current


# ---- keys and rows ------------------------------------------------------------------


def user_key(message_id: str) -> str:
    if len(message_id) <= 64:
        return "user:" + message_id
    return "user~" + hashlib.sha256(message_id.encode()).hexdigest()


def _row(sender_id: str, event: Event) -> Dict[str, Any]:
    data = event.as_dict()
    serialised = json.dumps(data)
    if isinstance(event, UserUttered) and event.message_id:
        key = user_key(event.message_id)
    else:
        key = "sha256:" + hashlib.sha256(serialised.encode()).hexdigest()[:64]
    # The other columns as Rasa's SQLTrackerStore.save fills them.
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": ((data.get("parse_data") or {}).get("intent") or {}).get("name"),
        "action_name": data.get("name"),
        "data": serialised,
        "event_key": key,
    }


def _insert_once(dialect: str) -> Any:
    """INSERT that does nothing when the conversation already has the key."""
    build = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return build(events).on_conflict_do_nothing(index_elements=["sender_id", "event_key"])


# ---- append ----------------------------------------------------------------------------


def append(engine: Engine, sender_id: str, new_events: List[Event]) -> List[Event]:
    """Store `new_events` in order, each once; returns the ones stored now.
    Raises on any database error (nothing of this save is then stored)."""
    if not new_events:
        return []
    stored: List[Event] = []
    with engine.begin() as conn:
        _one_writer_per_conversation(conn, sender_id)
        insert = _insert_once(conn.dialect.name)
        skipping = False  # the turn of a message stored before
        for event in new_events:
            is_user = isinstance(event, UserUttered)
            if skipping and not is_user:
                continue
            inserted = conn.execute(insert, _row(sender_id, event)).rowcount == 1
            if is_user:
                skipping = not inserted
                if skipping:
                    logger.warning(
                        "message %s of a conversation was already stored (processed twice: "
                        "a retry or a turn past its lock); this copy's turn is not stored",
                        event.message_id,
                    )
            if inserted:
                stored.append(event)
    return stored


def _one_writer_per_conversation(conn: Connection, sender_id: str) -> None:
    """PostgreSQL hands out ids as rows are inserted, so two saves of one
    conversation could interleave theirs; the lock ends with the transaction.
    SQLite needs nothing: its first INSERT takes the database's write lock."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(:space, hashtext(:sender))"),
            {"space": PG_LOCK_SPACE, "sender": sender_id},
        )


# ---- what a stored turn answered -----------------------------------------------------


def stored_replies(engine: Engine, sender_id: str, message_id: str) -> Optional[List[Dict]]:
    """The bot messages that followed the user message `message_id`, as the
    dialogue sent them (BotUttered.message()); None if it is not stored."""
    ev = events
    with engine.connect() as conn:
        first = conn.execute(
            sa.select(ev.c.id).where(
                ev.c.sender_id == sender_id, ev.c.event_key == user_key(message_id)
            )
        ).scalar()
        if first is None:
            return None
        next_user = (
            sa.select(sa.func.min(ev.c.id))
            .where(ev.c.sender_id == sender_id, ev.c.type_name == "user", ev.c.id > first)
            .scalar_subquery()
        )
        rows = conn.execute(
            sa.select(ev.c.data)
            .where(
                ev.c.sender_id == sender_id,
                ev.c.type_name == "bot",
                ev.c.id > first,
                sa.or_(next_user.is_(None), ev.c.id < next_user),
            )
            .order_by(ev.c.id)
        ).fetchall()
    return [Event.from_parameters(json.loads(data)).message() for (data,) in rows]


def session_data(engine: Engine, sender_id: str, all_sessions: bool = False) -> List[str]:
    """The JSON of each event of the conversation's latest session (of every
    session with `all_sessions`), in id order: the rows Rasa's
    SQLTrackerStore reads to build a tracker, and the same session rule
    (events stamped at or after the latest `session_started`), without its
    ORM objects, which cost more than the query itself."""
    ev = events
    query = sa.select(ev.c.data).where(ev.c.sender_id == sender_id)
    if not all_sessions:
        started = (
            sa.select(sa.func.max(ev.c.timestamp))
            .where(ev.c.sender_id == sender_id, ev.c.type_name == "session_started")
            .scalar_subquery()
        )
        query = query.where(sa.or_(ev.c.timestamp >= started, started.is_(None)))
    with engine.connect() as conn:
        return [data for (data,) in conn.execute(query.order_by(ev.c.id))]


def outline(engine: Engine, sender_id: str) -> List[Dict[str, Any]]:
    """Every event of the conversation, across sessions, with only its type,
    name and time ({"event", "name", "timestamp"}, as the tracker's dicts
    name them), for slot events the slot's name and value, and for user
    events the intent: what the crisis reminder, the conversation's language
    and a channel's general answer read, without the JSON of every event or
    a tracker built from it."""
    ev = events
    slot_data = sa.case((ev.c.type_name == "slot", ev.c.data), else_=None)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(ev.c.type_name, ev.c.action_name, ev.c.timestamp, slot_data, ev.c.intent_name)
            .where(ev.c.sender_id == sender_id)
            .order_by(ev.c.id)
        ).fetchall()
    return [_outline_row(*row) for row in rows]


def _outline_row(kind: str, name: Any, ts: Any, data: Any, intent: Any = None) -> Dict[str, Any]:
    if kind == "user":
        return {"event": kind, "name": name, "timestamp": ts, "intent": intent}
    if kind != "slot" or not data:
        return {"event": kind, "name": name, "timestamp": ts}
    slot = json.loads(data)
    return {"event": kind, "name": slot.get("name"), "value": slot.get("value"), "timestamp": ts}
