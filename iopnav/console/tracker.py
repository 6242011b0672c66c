"""Read access to Rasa's tracker store (the `events` table of SQLTrackerStore).

The console only reads here. The table is described with SQLAlchemy Core on
its own MetaData, so Alembic never tries to manage Rasa's table. Event
details live in the `data` column as JSON; SQLite's json_extract and
PostgreSQL's ->> reach into it so filters run in the database.
"""

import json
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine

from iopnav import settings
from iopnav.db import get_engine


def events_table(metadata: sa.MetaData, *extra: sa.Column) -> sa.Table:
    """Rasa's table (SQLTrackerStore.SQLEvent), plus `extra` columns that
    iopnav.event_log adds (the console reads none of them)."""
    return sa.Table(
        "events",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("type_name", sa.String(255), nullable=False),
        sa.Column("timestamp", sa.Float),
        sa.Column("intent_name", sa.String(255)),
        sa.Column("action_name", sa.String(255)),
        sa.Column("data", sa.Text),
        *extra,
    )


metadata = sa.MetaData()
events = events_table(metadata)

FALLBACK_INTENT = "nlu_fallback"
FALLBACK_ACTIONS = ("action_default_fallback", "action_two_stage_fallback")
INTAKE_INTENT = "start_intake"
LISTEN_ACTION = "action_listen"


def engine(url: Optional[str] = None) -> Engine:
    return get_engine(url or settings.tracker_store_url())


def has_events_table(eng: Engine) -> bool:
    """Before the first conversation Rasa has not created its table yet."""
    return sa.inspect(eng).has_table("events")


def json_field(eng: Engine, name: str):
    """SQL expression for data->name as text."""
    if eng.dialect.name == "postgresql":
        return sa.cast(events.c.data, postgresql.JSONB)[name].astext
    return sa.func.json_extract(events.c.data, f"$.{name}")


@dataclass
class Event:
    """One stored Rasa event, with its JSON decoded."""

    id: int
    sender_id: str
    type_name: str
    timestamp: float
    intent_name: Optional[str]
    action_name: Optional[str]
    data: Dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row) -> "Event":
        try:
            data = json.loads(row.data or "{}")
        except ValueError:
            data = {}
        return cls(
            row.id,
            row.sender_id,
            row.type_name,
            row.timestamp or 0.0,
            row.intent_name,
            row.action_name,
            data,
        )


def conversation_events(eng: Engine, sender_id: str) -> List[Event]:
    if not has_events_table(eng):
        return []
    query = sa.select(events).where(events.c.sender_id == sender_id).order_by(events.c.id)
    with eng.connect() as conn:
        return [Event.from_row(r) for r in conn.execute(query)]


def light_events_between(eng: Engine, start_ts: float, end_ts: float) -> Iterable:
    """Events without their JSON (enough for counting), in time order."""
    if not has_events_table(eng):
        return []
    query = (
        sa.select(
            events.c.id,
            events.c.sender_id,
            events.c.type_name,
            events.c.timestamp,
            events.c.intent_name,
            events.c.action_name,
        )
        .where(events.c.timestamp >= start_ts, events.c.timestamp < end_ts)
        .order_by(events.c.sender_id, events.c.id)
    )
    with eng.connect() as conn:
        return conn.execute(query).fetchall()


def channels(eng: Engine) -> List[str]:
    if not has_events_table(eng):
        return []
    channel = json_field(eng, "input_channel")
    query = sa.select(channel).where(events.c.type_name == "user", channel.isnot(None)).distinct()
    with eng.connect() as conn:
        return sorted(c for (c,) in conn.execute(query) if c)


def senders_with_text(
    eng: Engine, senders: List[str], limit_chars: int = 160
) -> Dict[str, Dict[str, str]]:
    """First user message and channel of each given conversation (for list rows)."""
    if not senders or not has_events_table(eng):
        return {}
    first_ids = (
        sa.select(sa.func.min(events.c.id))
        .where(events.c.sender_id.in_(senders), events.c.type_name == "user")
        .group_by(events.c.sender_id)
    )
    query = sa.select(events.c.sender_id, events.c.data).where(events.c.id.in_(first_ids))
    out: Dict[str, Dict[str, str]] = {}
    with eng.connect() as conn:
        for sender, raw in conn.execute(query):
            try:
                data = json.loads(raw or "{}")
            except ValueError:
                data = {}
            out[sender] = {
                "preview": (data.get("text") or "")[:limit_chars],
                "channel": data.get("input_channel") or "",
            }
    return out


def delete_conversation(eng: Engine, sender_id: str) -> int:
    """Only for forget-me and retention: the console otherwise never writes here."""
    if not has_events_table(eng):
        return 0
    with eng.begin() as conn:
        return conn.execute(sa.delete(events).where(events.c.sender_id == sender_id)).rowcount or 0


def first_event_ids(eng: Engine, senders: Iterable[str]) -> Dict[str, int]:
    """Each conversation's first event id: its key in console URLs, so phone
    numbers (SMS sender ids) never appear in links, history or logs. Stable,
    because Rasa only appends and deletions remove whole conversations."""
    senders = list(set(senders))
    if not senders or not has_events_table(eng):
        return {}
    query = (
        sa.select(events.c.sender_id, sa.func.min(events.c.id))
        .where(events.c.sender_id.in_(senders))
        .group_by(events.c.sender_id)
    )
    with eng.connect() as conn:
        return {row[0]: row[1] for row in conn.execute(query)}


def sender_of(eng: Engine, key: int) -> Optional[str]:
    if not has_events_table(eng):
        return None
    with eng.connect() as conn:
        return conn.execute(sa.select(events.c.sender_id).where(events.c.id == key)).scalar()


def key_of(eng: Engine, sender_id: str) -> Optional[int]:
    """The conversation's number (see first_event_ids), or None if it has no events."""
    return first_event_ids(eng, [sender_id]).get(sender_id)


@dataclass(frozen=True)
class ConversationRef:
    key: int  # the number in console URLs
    sender_id: str


def conversation_from(eng: Engine, raw: Optional[str]) -> Optional[ConversationRef]:
    """The conversation a URL argument or form field names by its number, or
    None. Any event id finds a sender; only the first one is the number."""
    if raw is None or not raw.isdigit():
        return None
    key = int(raw)
    sender = sender_of(eng, key)
    if sender is None or key_of(eng, sender) != key:
        return None
    return ConversationRef(key, sender)
