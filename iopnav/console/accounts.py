"""Console accounts: argon2id password hashes, and checking a sign-in.

A failed sign-in always takes one argon2 verification, so the timing does not
tell an attacker which addresses have accounts. Throttling and lockout live
in throttle.py; hashing in passwords.py.
"""

from dataclasses import dataclass
from typing import Awaitable, Callable, Optional

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from iopnav.clock import utcnow
from iopnav.console import config, passwords, throttle
from iopnav.console.models import ConsoleSession, ConsoleUser


class AccountError(ValueError):
    """Bad input for an account operation; the message is shown to the user."""


def normalise_email(email: str) -> str:
    email = (email or "").strip()
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError(f"Not a valid email address: {exc}") from None


def login_name(email: str) -> str:
    """The address as throttling counts it: spelling variants of one account count together."""
    try:
        return normalise_email(email)
    except AccountError:
        return (email or "").strip().lower()


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
    db: Session,
    email: str,
    password: str,
    role: str,
    created_by: Optional[str] = None,
    commit: bool = True,
) -> ConsoleUser:
    email = normalise_email(email)
    check_role(role)
    check_password(password)
    if db.query(ConsoleUser.id).filter_by(email=email).first():
        raise AccountError(f"An account for {email} already exists.")
    user = ConsoleUser(
        email=email,
        role=role,
        password_hash=passwords.hash_password(password),
        active=True,
        created_by=created_by,
    )
    db.add(user)
    if commit:
        db.commit()
    return user


def set_password(db: Session, email: str, password: str, commit: bool = True) -> ConsoleUser:
    user = db.query(ConsoleUser).filter_by(email=normalise_email(email)).first()
    if user is None:
        raise AccountError(f"No account for {email}.")
    check_password(password)
    user.password_hash = passwords.hash_password(password)
    # A new password ends every open session and any lockout.
    db.query(ConsoleSession).filter_by(user_id=user.id).delete()
    throttle.clear_account(db, user.email)
    if commit:
        db.commit()
    return user


@dataclass
class LoginResult:
    user: Optional[ConsoleUser] = None  # set when the sign-in succeeded
    account: Optional[str] = None  # the account's email when one exists, even on failure

    @property
    def ok(self) -> bool:
        return self.user is not None


Verifier = Callable[[str, str], Awaitable[bool]]


async def authenticate(db: Session, email: str, password: str, verify: Verifier) -> LoginResult:
    """`verify(hash, password)` runs argon2 (web: in a thread pool). The caller
    commits: a successful sign-in records last_login_at."""
    try:
        email = normalise_email(email)
    except AccountError:
        await verify(passwords.DUMMY_HASH, password or "")
        return LoginResult()
    user = db.query(ConsoleUser).filter_by(email=email).first()
    valid = await verify(user.password_hash if user else passwords.DUMMY_HASH, password or "")
    if not (valid and user is not None and user.active):
        return LoginResult(account=user.email if user else None)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    return LoginResult(user=user, account=user.email)
