"""Retention: delete conversations older than the clinic's limit.

    python -m iopnav.console retention [--days N] [--crisis-days M] [--dry-run]
    python -m iopnav.console.retention ...   (the same; `make retention` uses it)

A conversation's age is the time since its last event. Older than --days
(IOP_RETENTION_DAYS, default 90) means deleted: events, reviews, notes,
intent tags. A crisis-flagged conversation is kept until it is older than
--crisis-days (IOP_CRISIS_RETENTION_DAYS, default 365), because staff may
still need it to follow up or to answer for what the assistant said.
Crisis flag rows themselves are never deleted (safety rule: nothing removes
a flag), so the record that a crisis happened (category, time, channel,
count) outlives the transcript. After --crisis-days they are anonymised, as
"forget me" does: a random id instead of the sender id (a phone number on
SMS) and no quoted evidence. An open (unacknowledged) flag is never
anonymised: it would drop out of the console before anyone followed it up.
Closed intake requests older than --days are deleted too; open ones (new,
contacted) stay until staff close them: someone is still waiting for a call.
The run is written to the audit log; nothing about the people is printed.
"""

import argparse
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import List, Optional

import sqlalchemy as sa

from iopnav.console import audit, config, forget, tracker
from iopnav.db import session_factory
from iopnav.referrals import Referral
from iopnav.safety.flags import FORGOTTEN, CrisisFlag, anonymise


@dataclass
class Outcome:
    deleted_conversations: int = 0
    deleted_events: int = 0
    kept_crisis: int = 0
    deleted_referrals: int = 0
    anonymised_flags: int = 0
    kept_open_flags: int = 0

    def summary(self, dry_run: bool = False) -> str:
        verb = "Would delete" if dry_run else "Deleted"
        anonymised = "would anonymise" if dry_run else "anonymised"
        return (
            f"{verb} {self.deleted_conversations} conversation(s) "
            f"({self.deleted_events} events) and {self.deleted_referrals} closed intake "
            f"request(s); kept {self.kept_crisis} crisis-flagged conversation(s) within crisis "
            f"retention; {anonymised} {self.anonymised_flags} crisis flag(s) past it "
            f"({self.kept_open_flags} still open, kept). Crisis flags are never deleted by "
            "retention."
        )


def validate(days: int, crisis_days: int) -> None:
    if days < 1:
        raise ValueError("--days must be at least 1.")
    if crisis_days < days:
        raise ValueError(
            f"--crisis-days ({crisis_days}) must be at least --days ({days}): "
            "crisis-flagged conversations are never deleted sooner than others."
        )


def run(
    days: int,
    crisis_days: int,
    dry_run: bool = False,
    now: Optional[float] = None,
    database_url: Optional[str] = None,
    tracker_url: Optional[str] = None,
) -> Outcome:
    validate(days, crisis_days)
    now = now if now is not None else time.time()
    cutoff, crisis_cutoff = now - days * 86400, now - crisis_days * 86400
    eng = tracker.engine(tracker_url)
    Session = session_factory(database_url)
    outcome = Outcome()
    with Session() as db:
        flagged = {s for (s,) in db.query(CrisisFlag.sender_id).distinct()}
        expired: List[tuple] = []
        if tracker.has_events_table(eng):
            last = sa.func.max(tracker.events.c.timestamp)
            query = (
                sa.select(tracker.events.c.sender_id, last, sa.func.count())
                .group_by(tracker.events.c.sender_id)
                .having(last < cutoff)
            )
            with eng.connect() as conn:
                expired = conn.execute(query).fetchall()
        for sender, last_ts, n_events in expired:
            if sender in flagged and last_ts >= crisis_cutoff:
                outcome.kept_crisis += 1
                continue
            outcome.deleted_conversations += 1
            outcome.deleted_events += n_events
            if not dry_run:
                # Intake requests follow their own rule below; flags are never deleted here.
                forget.app_data_delete(db, sender, with_referrals=False, with_crisis_flags=False)
                db.commit()
                tracker.delete_conversation(eng, sender)
        naive = lambda ts: datetime.fromtimestamp(ts, tz=timezone.utc).replace(tzinfo=None)  # noqa: E731
        _expire_flags(db, naive(crisis_cutoff), outcome, dry_run)
        closed = db.query(Referral).filter(
            Referral.status == "closed", Referral.created_at < naive(cutoff)
        )
        outcome.deleted_referrals = closed.count()
        if not dry_run:
            closed.delete(synchronize_session=False)
            db.commit()
            audit.record(
                db,
                "system",
                "retention",
                None,
                f"days={days} crisis_days={crisis_days}: " + outcome.summary(),
            )
    return outcome


def _expire_flags(db, cutoff: datetime, outcome: Outcome, dry_run: bool) -> None:
    """M9: flags past crisis retention keep no link to the person."""
    old = db.query(CrisisFlag).filter(
        CrisisFlag.created_at < cutoff, ~CrisisFlag.sender_id.like(f"{FORGOTTEN}%")
    )
    outcome.kept_open_flags = old.filter(CrisisFlag.acknowledged.is_(False)).count()
    expired = old.filter(CrisisFlag.acknowledged.is_(True)).all()
    outcome.anonymised_flags = len(expired)
    if not dry_run and expired:
        anonymise(db, expired)
        db.commit()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m iopnav.console retention",
        description="Delete conversations older than the retention period.",
    )
    parser.add_argument("--days", type=int, default=None, help="default: IOP_RETENTION_DAYS or 90")
    parser.add_argument(
        "--crisis-days", type=int, default=None, help="default: IOP_CRISIS_RETENTION_DAYS or 365"
    )
    parser.add_argument("--dry-run", action="store_true", help="count only, delete nothing")
    args = parser.parse_args(argv)
    days = args.days if args.days is not None else config.retention_days()
    crisis_days = (
        args.crisis_days
        if args.crisis_days is not None
        else max(config.crisis_retention_days(), days)
    )
    from iopnav import migrate

    try:
        validate(days, crisis_days)
        migrate.upgrade()  # the audit table must exist
        outcome = run(days, crisis_days, args.dry_run)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(outcome.summary(args.dry_run))
    return 0


if __name__ == "__main__":
    sys.exit(main())
