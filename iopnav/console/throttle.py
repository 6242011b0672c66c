"""Sign-in throttling: nobody can guess passwords quickly, flood the console's
CPU, or lock a named colleague out from one address.

Failed sign-ins are counted (iopnav.ratelimit: Redis when IOP_RATE_LIMIT_URL
is set, so several consoles share the counts) at three levels:
- per client address: spraying many accounts from one place is stopped;
- per account, from all addresses together: it takes several addresses
  to reach (the default is over twice the per-address budget);
- per (address, account) pair: `max_failures` failures lock that pair for
  `minutes`, doubling with each further lockout; other addresses are unaffected.
A budget that runs out becomes a "blocked until" row in the throttle table, so
the next attempt is refused before any hashing. Finally a cap on all attempts
per minute bounds argon2's CPU and memory, whoever sends them.

Failed sign-ins without a session are audited up to a cap per period; beyond
it they are counted and the next itemised row says how many were left out.
Lockouts of real accounts are always audited (the limits above bound them).
"""

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import or_
from sqlalchemy.orm import Session

from iopnav.clock import utcnow
from iopnav.console import audit
from iopnav.console.config import LockoutPolicy
from iopnav.console.models import LoginThrottle
from iopnav.ratelimit import Limiter, parse_rate


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def network_of(address: str) -> str:
    """The unit an address budget counts: one IPv4 address, or an IPv6 /64
    (one subscriber usually holds a whole /64 and could rotate through it)."""
    try:
        ip = ipaddress.ip_address((address or "").strip("[]"))
    except ValueError:
        return address or ""
    if ip.version == 6 and not ip.ipv4_mapped:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip.ipv4_mapped or ip) if ip.version == 6 else str(ip)


def account_key(email: str) -> str:
    return _digest("account", (email or "").strip().lower())


def pair_key(address: str, email: str) -> str:
    return _digest("pair", network_of(address), (email or "").strip().lower())


def address_key(address: str) -> str:
    return _digest("address", network_of(address))


def _minutes(seconds: float) -> int:
    return max(1, round(seconds / 60 + 0.49))


@dataclass
class Refusal:
    """Why a sign-in attempt was not even checked, as the person sees it."""

    message: str
    retry_after: int  # seconds, for the Retry-After header
    reason: str  # for the audit log
    status: int = 429


class LoginGuard:
    def __init__(self, policy: LockoutPolicy, redis_url: str = ""):
        self.policy = policy

        # This app's own counters (not the process-wide registry): tests run
        # several apps in one process; with Redis, consoles share counts by name.
        def budget(name: str, rate: str) -> Limiter:
            return Limiter(name, parse_rate(rate), redis_url)

        self.per_address = budget("console_login_ip", policy.per_address)
        self.per_account = budget("console_login_account", policy.per_account)
        self.everyone = budget("console_login", policy.everyone)
        self.anonymous_rows = budget("console_login_audit", policy.audit_anonymous)
        self._left_out = 0  # failed sign-ins over the audit cap since the last itemised row

    async def admit(self, db: Session, address: str, email: str) -> Optional[Refusal]:
        now = utcnow()
        keys = {address_key(address): "address", account_key(email): "account"}
        keys[pair_key(address, email)] = "pair"
        blocks = (
            db.query(LoginThrottle)
            .filter(LoginThrottle.key.in_(list(keys)), LoginThrottle.locked_until > now)
            .all()
        )
        if blocks:
            wait = int(max(b.locked_until - now for b in blocks).total_seconds()) + 1
            if any(keys[b.key] == "address" for b in blocks):
                return Refusal(
                    "Too many failed sign-ins from your network. "
                    f"Try again in about {_minutes(wait)} minutes.",
                    wait,
                    "refused: address budget spent",
                )
            return Refusal(self.locked_message(_minutes(wait)), wait, "refused: locked")
        if not await self.everyone.hit_async("all"):
            return self.busy(self.everyone.retry_after("all"))
        return None

    @staticmethod
    def locked_message(minutes: int) -> str:
        return (
            "Too many failed attempts. Sign-in for this address is locked "
            f"for about {minutes} minutes."
        )

    @staticmethod
    def busy(wait: int) -> Refusal:
        return Refusal(
            "The console is receiving too many sign-in attempts right now. "
            f"Please try again in {max(1, wait)} seconds.",
            max(1, wait),
            "refused: console busy",
            503,
        )

    async def failed(self, db: Session, address: str, email: str) -> int:
        """Counts a failure; > 0: the pair is now locked for that many minutes.
        Adds to the caller's transaction."""
        now = utcnow()
        account = account_key(email)
        # (counter, its key, the block row's key, the account it belongs to)
        for counter, counted, block, owner in (
            (self.per_address, network_of(address), address_key(address), ""),
            (self.per_account, account, account, account),
        ):
            if not await counter.hit_async(counted):
                until = now + timedelta(seconds=counter.retry_after(counted))
                self._block(db, block, owner, until)
        key = pair_key(address, email)
        row = db.get(LoginThrottle, key)
        if row is None:
            row = LoginThrottle(key=key, account=account, failures=0, lockouts=0)
            db.add(row)
        quiet_for = timedelta(minutes=self.policy.max_minutes)
        if row.last_failure_at and now - row.last_failure_at > quiet_for:
            row.lockouts = 0  # a quiet day forgives earlier lockouts
        if not row.first_failure_at or now - row.first_failure_at > timedelta(
            minutes=self.policy.minutes
        ):
            row.failures, row.first_failure_at = 0, now
        row.failures += 1
        row.last_failure_at = now
        locked = 0
        if row.failures >= self.policy.max_failures:
            locked = min(self.policy.minutes * 2**row.lockouts, self.policy.max_minutes)
            row.locked_until = now + timedelta(minutes=locked)
            row.lockouts += 1
            row.failures, row.first_failure_at = 0, None
        self._prune(db, now, quiet_for)
        return locked

    @staticmethod
    def _block(db: Session, key: str, account: str, until: datetime) -> None:
        row = db.get(LoginThrottle, key) or LoginThrottle(
            key=key, account=account, failures=0, lockouts=0
        )
        row.locked_until, row.last_failure_at = until, utcnow()
        db.add(row)

    @staticmethod
    def _prune(db: Session, now, quiet_for: timedelta) -> None:
        """Rows idle for a day are forgotten, so random addresses cannot grow the table."""
        db.query(LoginThrottle).filter(
            LoginThrottle.last_failure_at < now - quiet_for,
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
        ).delete(synchronize_session=False)

    @staticmethod
    def succeeded(db: Session, address: str, email: str) -> None:
        db.query(LoginThrottle).filter_by(key=pair_key(address, email)).delete()

    async def audit_failure(
        self, db: Session, account: Optional[str], email: str, detail: Optional[str]
    ) -> None:
        """A failed or refused sign-in, in the caller's transaction. The actor is
        the account's address only when that account exists: typed text is
        never stored, just a digest to tell repeated tries apart."""
        actor = account or audit.UNKNOWN_ACCOUNT
        parts = [] if account else [f"email digest {account_key(email)[:12]}"]
        parts += [detail] if detail else []
        if not await self.anonymous_rows.hit_async("all"):
            self._left_out += 1
            return
        if self._left_out:
            parts.append(f"{self._left_out} earlier failed sign-ins not itemised (audit cap)")
            self._left_out = 0
        audit.record(db, actor, "login_failed", None, "; ".join(parts) or None, commit=False)

    def audit_lockout(self, db: Session, account: Optional[str], email: str, minutes: int) -> None:
        audit.record(
            db,
            account or audit.UNKNOWN_ACCOUNT,
            "login_locked",
            None,
            f"locked from one address for {minutes} min"
            + ("" if account else f"; email digest {account_key(email)[:12]}"),
            commit=False,
        )


def clear_account(db: Session, email: str) -> None:
    """A new password ends every lockout of the account (caller commits)."""
    db.query(LoginThrottle).filter_by(account=account_key(email)).delete()
