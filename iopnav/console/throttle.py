"""Sign-in throttling: nobody can guess passwords quickly, flood the console's
CPU, or lock a named colleague out from one address.

Four limits, checked before any password is hashed:
- per client address: attempts per period (iopnav.ratelimit, Redis when configured);
- per account: failures from all addresses together, so spraying one account
  from many addresses is slowed (it takes several addresses to reach);
- per (address, account) pair: `max_failures` failures lock that pair, for
  `minutes`, doubling with each further lockout; other addresses are unaffected;
- for everyone: attempts per minute, which bounds argon2's CPU and memory.

Failed sign-ins without a session are audited up to a cap per period; beyond
it they are counted and the next itemised row says how many were left out.
Lockouts of real accounts are always audited (the limits above bound them).
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from typing import Optional

from sqlalchemy import or_
from sqlalchemy.orm import Session

from iopnav.clock import utcnow
from iopnav.console import audit
from iopnav.console.config import LockoutPolicy
from iopnav.console.models import LoginThrottle
from iopnav.ratelimit import limiter


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def account_key(email: str) -> str:
    return _digest("account", (email or "").strip().lower())


def pair_key(address: str, email: str) -> str:
    return _digest("pair", address or "", (email or "").strip().lower())


def _minutes(seconds: float) -> int:
    return max(1, round(seconds / 60 + 0.49))


@dataclass
class Refusal:
    """Why a sign-in attempt was not even checked, as the person sees it."""

    message: str
    retry_after: int  # seconds, for the Retry-After header
    status: int = 429


class LoginGuard:
    def __init__(self, policy: LockoutPolicy):
        self.policy = policy
        self.per_address = limiter("console_login_ip", policy.per_address)
        self.per_account = limiter("console_login_account", policy.per_account)
        self.everyone = limiter("console_login", policy.everyone)
        self.anonymous_rows = limiter("console_login_audit", policy.audit_anonymous)
        self._left_out = 0  # failed sign-ins over the audit cap since the last itemised row

    async def admit(self, db: Session, address: str, email: str) -> Optional[Refusal]:
        if not await self.per_address.hit_async(address):
            wait = self.per_address.retry_after(address)
            return Refusal(
                "Too many sign-in attempts from your network. "
                f"Try again in about {_minutes(wait)} minutes.",
                wait,
            )
        account = account_key(email)
        wait = self.per_account.retry_after(account)
        if wait > 0:
            return Refusal(self.locked_message(_minutes(wait)), wait)
        row = db.get(LoginThrottle, pair_key(address, email))
        now = utcnow()
        if row is not None and row.locked_until and row.locked_until > now:
            wait = int((row.locked_until - now).total_seconds()) + 1
            return Refusal(self.locked_message(_minutes(wait)), wait)
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
            503,
        )

    async def failed(self, db: Session, address: str, email: str) -> int:
        """Counts a failure; > 0: the pair is now locked for that many minutes.
        Adds to the caller's transaction."""
        await self.per_account.hit_async(account_key(email))
        now = utcnow()
        key = pair_key(address, email)
        row = db.get(LoginThrottle, key)
        if row is None:
            row = LoginThrottle(key=key, account=account_key(email), failures=0, lockouts=0)
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
