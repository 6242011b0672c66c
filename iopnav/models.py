"""Every table of the application database, imported in one place for Alembic
and for tests that build the schema."""

from iopnav.channels.optout import SmsOptOut  # noqa: F401
from iopnav.console.models import (  # noqa: F401
    AuditEntry,
    ConsoleSession,
    ConsoleUser,
    ConversationNote,
    ConversationReview,
    IntentCorrection,
    LoginThrottle,
)
from iopnav.db import Base  # noqa: F401
from iopnav.directory.models import Program  # noqa: F401
from iopnav.referrals import Referral  # noqa: F401
from iopnav.safety.flags import CrisisFlag  # noqa: F401
