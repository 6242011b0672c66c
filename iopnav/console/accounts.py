"""Console accounts: argon2id password hashes, login with lockout.

Lockout is counted per email address whether or not an account exists, and a
failed login always takes one argon2 verification, so neither the messages
nor the timing tell an attacker which addresses have accounts.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from iopnav.clock import utcnow
from iopnav.console import config
from iopnav.console.models import ConsoleSession, ConsoleUser, LoginThrottle

_hasher = PasswordHasher()
# Verified against when the email is unknown, to spend the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password-" + "x" * 16)


class AccountError(ValueError):
    """Bad input for an account operation; the message is shown to the user."""


def normalise_email(email: str) -> str:
    email = (email or "").strip()
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError(f"Not a valid email address: {exc}") from None


def check_password(password: str) -> None:
    if len(password or "") < config.MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"The password must be at least {config.MIN_PASSWORD_LENGTH} characters long."
        )


def check_role(role: str) -> str:
    if role not in config.ROLES:
        raise AccountError(f"Unknown role {role!r}; choose one of: {', '.join(config.ROLES)}.")
    return role


def create_user(
    db: Session, email: str, password: str, role: str, created_by: Optional[str] = None
) -> ConsoleUser:
    email = normalise_email(email)
    check_role(role)
    check_password(password)
    if db.query(ConsoleUser.id).filter_by(email=email).first():
        raise AccountError(f"An account for {email} already exists.")
    user = ConsoleUser(
        email=email,
        role=role,
        password_hash=_hasher.hash(password),
        active=True,
        created_by=created_by,
    )
    db.add(user)
    db.commit()
    return user


def set_password(db: Session, email: str, password: str) -> ConsoleUser:
    user = db.query(ConsoleUser).filter_by(email=normalise_email(email)).first()
    if user is None:
        raise AccountError(f"No account for {email}.")
    check_password(password)
    user.password_hash = _hasher.hash(password)
    # A new password ends every open session and any lockout.
    db.query(ConsoleSession).filter_by(user_id=user.id).delete()
    db.query(LoginThrottle).filter_by(email=user.email).delete()
    db.commit()
    return user


@dataclass
class LoginResult:
    user: Optional[ConsoleUser] = None
    locked_minutes: int = 0  # > 0: the address is locked out for about this long

    @property
    def ok(self) -> bool:
        return self.user is not None


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def authenticate(
    db: Session, email: str, password: str, lockout: config.LockoutPolicy
) -> LoginResult:
    try:
        email = normalise_email(email)
    except AccountError:
        _verify(_DUMMY_HASH, password or "")
        return LoginResult()
    now = utcnow()
    throttle = db.get(LoginThrottle, email)
    if throttle and throttle.locked_until and throttle.locked_until > now:
        remaining = (throttle.locked_until - now).total_seconds() / 60
        return LoginResult(locked_minutes=max(1, round(remaining + 0.49)))
    user = db.query(ConsoleUser).filter_by(email=email).first()
    valid = _verify(user.password_hash if user else _DUMMY_HASH, password or "")
    if valid and user is not None and user.active:
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.last_login_at = now
        if throttle:
            db.delete(throttle)
        db.commit()
        return LoginResult(user=user)
    return LoginResult(locked_minutes=_record_failure(db, email, throttle, now, lockout))


def _record_failure(
    db: Session,
    email: str,
    throttle: Optional[LoginThrottle],
    now,
    lockout: config.LockoutPolicy,
) -> int:
    window = timedelta(minutes=lockout.minutes)
    if throttle is None:
        throttle = LoginThrottle(email=email, failures=0)
        db.add(throttle)
    if not throttle.first_failure_at or now - throttle.first_failure_at > window:
        throttle.failures, throttle.first_failure_at, throttle.locked_until = 0, now, None
    throttle.failures += 1
    locked = 0
    if throttle.failures >= lockout.max_failures:
        throttle.locked_until = now + window
        throttle.failures, throttle.first_failure_at = 0, None
        locked = lockout.minutes
    db.commit()
    return locked
