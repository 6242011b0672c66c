"""The conversation list: one row per sender, filtered and paged.

Event-based filters (dates, channel, fallback, text) run as SQL on the tracker
store; the ones that live in the application database (crisis flags, intake
requests, reviews) are applied to that result, since the two stores may be
different databases. Conversations with an open (unacknowledged) crisis flag
are pinned above everything else, newest first.

A burst (review H1: a flood of crisis flags from many fresh conversations
in a short time, usually automated) must not bury a real crisis: open flags
that follow each other within IOP_BURST_GAP_SECONDS (60) and span at least
IOP_BURST_MIN_CONVERSATIONS (10) conversations are collapsed into one pinned
row with their count. Its conversations are listed when staff open the
burst (?burst=<id>); every other open flag stays pinned on its own.
"""

import math
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Dict, List, Optional, Tuple
from urllib.parse import urlencode

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from iopnav import settings
from iopnav.console import config, tracker
from iopnav.console.models import ConversationReview
from iopnav.console.tracker import events
from iopnav.referrals import Referral
from iopnav.safety.flags import CrisisFlag

REVIEWED_CHOICES = ("", "yes", "no")
MAX_QUERY = 200


@dataclass
class ListFilters:
    start: Optional[date] = None
    end: Optional[date] = None
    channel: str = ""
    flagged: bool = False
    intake: bool = False
    fallback: bool = False
    reviewed: str = ""
    q: str = ""
    burst: int = 0  # a burst's id: only its conversations
    page: int = 1

    @classmethod
    def from_args(cls, args) -> Tuple["ListFilters", List[str]]:
        """Parse query arguments; bad values are dropped and explained."""
        errors: List[str] = []
        f = cls()
        for name in ("start", "end"):
            raw = (args.get(name) or "").strip()
            if raw:
                try:
                    setattr(f, name, date.fromisoformat(raw))
                except ValueError:
                    errors.append(f"'{raw}' is not a date; use YYYY-MM-DD.")
        if f.start and f.end and f.start > f.end:
            errors.append("The start date is after the end date; showing from the end date on.")
            f.start = f.end
        f.channel = (args.get("channel") or "").strip()[:64]
        f.flagged = args.get("flagged") == "1"
        f.intake = args.get("intake") == "1"
        f.fallback = args.get("fallback") == "1"
        reviewed = args.get("reviewed") or ""
        if reviewed not in REVIEWED_CHOICES:
            errors.append("Reviewed must be yes, no or empty.")
            reviewed = ""
        f.reviewed = reviewed
        f.q = (args.get("q") or "").strip()
        if len(f.q) > MAX_QUERY:
            errors.append(f"The search text was cut to {MAX_QUERY} characters.")
            f.q = f.q[:MAX_QUERY]
        raw_burst = (args.get("burst") or "").strip()
        if raw_burst:
            if raw_burst.isdigit():
                f.burst = int(raw_burst)
            else:
                errors.append(f"'{raw_burst[:20]}' is not a burst number; showing all.")
        f.page = parse_page(args.get("page"), errors)
        return f, errors

    def query_string(self, **changes) -> str:
        f = replace(self, **changes)
        params = {
            "start": f.start.isoformat() if f.start else "",
            "end": f.end.isoformat() if f.end else "",
            "channel": f.channel,
            "flagged": "1" if f.flagged else "",
            "intake": "1" if f.intake else "",
            "fallback": "1" if f.fallback else "",
            "reviewed": f.reviewed,
            "q": f.q,
            "burst": str(f.burst) if f.burst else "",
            "page": str(f.page) if f.page > 1 else "",
        }
        return urlencode({k: v for k, v in params.items() if v})


def parse_page(raw: Optional[str], errors: List[str]) -> int:
    if raw in (None, ""):
        return 1
    try:
        page = int(raw)
        if page < 1:
            raise ValueError
        return page
    except ValueError:
        errors.append(f"'{raw}' is not a page number; showing page 1.")
        return 1


def local_day_bounds(day: date) -> Tuple[float, float]:
    """Epoch seconds of the clinic-local day's start and the next day's start."""
    tz = config.timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start.timestamp(), (start + timedelta(days=1)).timestamp()


@dataclass
class Summary:
    sender_id: str
    key: int  # first event id: the conversation's id in URLs
    started: datetime
    last_active: datetime
    user_messages: int
    fallbacks: int
    intake_intent: bool
    channel: str = ""
    preview: str = ""
    flags: int = 0
    open_flags: int = 0
    referrals: int = 0
    reviewed: bool = False
    moments: int = 0  # crisis moments counted on its open flag
    burst: int = 0  # the burst its open flag belongs to, if any

    @property
    def intake(self) -> bool:
        return self.intake_intent or self.referrals > 0


@dataclass
class Burst:
    id: int  # its first flag's id
    start: datetime
    end: datetime
    flag_ids: List[int] = field(default_factory=list)
    senders: List[str] = field(default_factory=list)
    moments: int = 0

    @property
    def conversations(self) -> int:
        return len(self.senders)


@dataclass
class Page:
    rows: List[Summary] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    bursts: List[Burst] = field(default_factory=list)


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts or 0, tz=timezone.utc)


def _aggregate(eng: Engine, f: ListFilters) -> List[Summary]:
    is_user = sa.case((events.c.type_name == "user", 1), else_=0)
    is_fallback = sa.case(
        (
            sa.or_(
                events.c.intent_name == tracker.FALLBACK_INTENT,
                events.c.action_name.in_(tracker.FALLBACK_ACTIONS),
            ),
            1,
        ),
        else_=0,
    )
    is_intake = sa.case((events.c.intent_name == tracker.INTAKE_INTENT, 1), else_=0)
    first_ts, last_ts = sa.func.min(events.c.timestamp), sa.func.max(events.c.timestamp)
    query = (
        sa.select(
            events.c.sender_id,
            sa.func.min(events.c.id),
            first_ts,
            last_ts,
            sa.func.sum(is_user),
            sa.func.sum(is_fallback),
            sa.func.sum(is_intake),
        )
        .group_by(events.c.sender_id)
        .having(sa.func.sum(is_user) > 0)  # a widget that opened but never spoke is no conversation
    )
    if f.start:
        query = query.having(last_ts >= local_day_bounds(f.start)[0])
    if f.end:
        query = query.having(first_ts < local_day_bounds(f.end)[1])
    if f.fallback:
        query = query.having(sa.func.sum(is_fallback) > 0)
    if f.channel:
        on_channel = sa.select(events.c.sender_id).where(
            events.c.type_name == "user", tracker.json_field(eng, "input_channel") == f.channel
        )
        query = query.where(events.c.sender_id.in_(on_channel))
    if f.q:
        pattern = (
            "%" + f.q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        said = sa.select(events.c.sender_id).where(
            events.c.type_name.in_(("user", "bot")),
            sa.func.lower(tracker.json_field(eng, "text")).like(pattern, escape="\\"),
        )
        query = query.where(
            sa.or_(
                events.c.sender_id.in_(said),
                sa.func.lower(events.c.sender_id).like(pattern, escape="\\"),
            )
        )
    with eng.connect() as conn:
        return [
            Summary(
                sender,
                key,
                _utc(first),
                _utc(last),
                int(users or 0),
                int(fallbacks or 0),
                bool(intake),
            )
            for sender, key, first, last, users, fallbacks, intake in conn.execute(query)
        ]


def _flag_counts(db: Session) -> Dict[str, Tuple[int, int, int]]:
    """Per conversation: flags, open flags, moments counted on open flags."""
    is_open = CrisisFlag.acknowledged.is_(False)
    open_flag = sa.case((is_open, 1), else_=0)
    open_moments = sa.case((is_open, CrisisFlag.moments), else_=0)
    rows = db.query(
        CrisisFlag.sender_id,
        sa.func.count(CrisisFlag.id),
        sa.func.sum(open_flag),
        sa.func.sum(open_moments),
    ).group_by(CrisisFlag.sender_id)
    return {
        sender: (int(total), int(opened or 0), int(moments or 0))
        for sender, total, opened, moments in rows
    }


def open_bursts(db: Session) -> List[Burst]:
    """Open flags clustered by time; only clusters of many conversations count."""
    gap = timedelta(seconds=settings.env_int("IOP_BURST_GAP_SECONDS", 60))
    least = settings.env_int("IOP_BURST_MIN_CONVERSATIONS", 10)
    rows = (
        db.query(CrisisFlag.id, CrisisFlag.sender_id, CrisisFlag.created_at, CrisisFlag.moments)
        .filter(CrisisFlag.acknowledged.is_(False))
        .order_by(CrisisFlag.created_at, CrisisFlag.id)
    )
    clusters: List[Burst] = []
    for flag_id, sender, created, moments in rows:
        if not clusters or created - clusters[-1].end > gap:
            clusters.append(Burst(flag_id, created, created))
        burst = clusters[-1]
        burst.end = created
        burst.flag_ids.append(flag_id)
        burst.senders.append(sender)
        burst.moments += moments or 1
    return [b for b in clusters if b.conversations >= least]


def burst_by_id(db: Session, burst_id: int) -> Optional[Burst]:
    return next((b for b in open_bursts(db) if b.id == burst_id), None)


def list_conversations(
    db: Session, eng: Engine, f: ListFilters, per_page: int = config.PAGE_SIZE
) -> Page:
    if not tracker.has_events_table(eng):
        return Page()
    rows = _aggregate(eng, f)
    flags = _flag_counts(db)
    bursts = open_bursts(db)
    in_burst = {sender: b.id for b in bursts for sender in b.senders}
    referrals = dict(
        db.query(Referral.sender_id, sa.func.count(Referral.id)).group_by(Referral.sender_id).all()
    )
    reviewed = {s for (s,) in db.query(ConversationReview.sender_id)}
    kept = []
    for row in rows:
        row.flags, row.open_flags, row.moments = flags.get(row.sender_id, (0, 0, 0))
        row.burst = in_burst.get(row.sender_id, 0)
        row.referrals = int(referrals.get(row.sender_id, 0))
        row.reviewed = row.sender_id in reviewed
        if row.burst != f.burst:  # collapsed into its burst row, or not in the burst shown
            continue
        if f.flagged and not row.flags:
            continue
        if f.intake and not row.intake:
            continue
        if f.reviewed and row.reviewed != (f.reviewed == "yes"):
            continue
        kept.append(row)
    kept.sort(key=lambda r: (0 if r.open_flags else 1, -r.last_active.timestamp()))
    pages = max(1, math.ceil(len(kept) / per_page))
    page = min(f.page, pages)
    shown = kept[(page - 1) * per_page : page * per_page]
    details = tracker.senders_with_text(eng, [r.sender_id for r in shown])
    for row in shown:
        row.preview = details.get(row.sender_id, {}).get("preview", "")
        row.channel = details.get(row.sender_id, {}).get("channel", "")
    return Page(shown, len(kept), page, pages, [b for b in bursts if f.burst in (0, b.id)])
