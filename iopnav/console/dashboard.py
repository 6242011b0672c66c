"""Dashboard numbers: conversations per day, crisis hand-offs and flags,
intake requests, fallback rate and top intents, for the last N days
(clinic-local days)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Dict, List, Optional

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from iopnav.console import config, tracker
from iopnav.console.conversations import local_day_bounds
from iopnav.referrals import Referral
from iopnav.safety.flags import CrisisFlag
from iopnav.safety.session import HANDOFF_ACTION

RANGES = (7, 30, 90)


@dataclass
class Series:
    title: str
    values: Dict[date, int]

    @property
    def total(self) -> int:
        return sum(self.values.values())

    @property
    def peak(self) -> int:
        return max(self.values.values(), default=0)


@dataclass
class Stats:
    days: List[date]
    series: List[Series] = field(default_factory=list)
    user_messages: int = 0
    fallback_messages: int = 0
    top_intents: List[tuple] = field(default_factory=list)
    open_flags: int = 0  # unacknowledged crisis flags of any age: work waiting now

    @property
    def fallback_rate(self) -> float:
        return self.fallback_messages / self.user_messages if self.user_messages else 0.0


def _local_day(ts: float) -> date:
    return datetime.fromtimestamp(ts, tz=timezone.utc).astimezone(config.timezone()).date()


def _naive_utc_day(value: datetime) -> date:
    return value.replace(tzinfo=timezone.utc).astimezone(config.timezone()).date()


def compute(db: Session, eng: Engine, span_days: int, today: Optional[date] = None) -> Stats:
    today = today or datetime.now(config.timezone()).date()
    days = [today - timedelta(days=i) for i in range(span_days - 1, -1, -1)]
    start_ts, end_ts = local_day_bounds(days[0])[0], local_day_bounds(today)[1]
    conversations: Dict[date, set] = {d: set() for d in days}
    handoffs = dict.fromkeys(days, 0)
    intents: Counter = Counter()
    users = fallbacks = 0
    last_user_fell_back = True  # no open user message yet
    sender = None
    for row in tracker.light_events_between(eng, start_ts, end_ts):
        if row.sender_id != sender:
            sender, last_user_fell_back = row.sender_id, True
        day = _local_day(row.timestamp)
        if day not in handoffs:
            continue
        if row.type_name == "user":
            users += 1
            conversations[day].add(row.sender_id)
            if row.intent_name:
                intents[row.intent_name] += 1
            last_user_fell_back = row.intent_name == tracker.FALLBACK_INTENT
            fallbacks += last_user_fell_back
        elif row.type_name == "action":
            if row.action_name == HANDOFF_ACTION:
                handoffs[day] += 1
            # A core fallback after an understood message still means the bot could not answer it.
            if row.action_name in tracker.FALLBACK_ACTIONS and not last_user_fell_back:
                fallbacks += 1
                last_user_fell_back = True
    start_naive = datetime.fromtimestamp(start_ts, tz=timezone.utc).replace(tzinfo=None)
    end_naive = datetime.fromtimestamp(end_ts, tz=timezone.utc).replace(tzinfo=None)
    flags = dict.fromkeys(days, 0)
    for (created,) in db.query(CrisisFlag.created_at).filter(
        CrisisFlag.created_at >= start_naive, CrisisFlag.created_at < end_naive
    ):
        flags[_naive_utc_day(created)] = flags.get(_naive_utc_day(created), 0) + 1
    intake = dict.fromkeys(days, 0)
    for (created,) in db.query(Referral.created_at).filter(
        Referral.created_at >= start_naive, Referral.created_at < end_naive
    ):
        intake[_naive_utc_day(created)] = intake.get(_naive_utc_day(created), 0) + 1
    return Stats(
        days=days,
        series=[
            Series("Conversations", {d: len(s) for d, s in conversations.items()}),
            Series("Crisis hand-offs", handoffs),
            Series("Crisis flags", flags),
            Series("Intake requests", intake),
        ],
        user_messages=users,
        fallback_messages=fallbacks,
        top_intents=intents.most_common(10),
        open_flags=db.query(CrisisFlag).filter(CrisisFlag.acknowledged.is_(False)).count(),
    )
