"""Prometheus metrics of this process (prometheus-client's default registry).

Every server is a single process (Sanic, workers=1), so each instance keeps
its own counters and Prometheus scrapes each instance's /metrics; nothing
needs prometheus-client's multiprocess mode. Label values come from small
fixed sets (channel, kind of danger, error kind, action name): never a
sender id or any text a person wrote.
"""

from typing import Optional

from prometheus_client import Counter, Gauge, Histogram

# A turn answers in 0.05-2 s when healthy; the channels answer by themselves
# at 10 s (web) and 12 s (SMS), and Twilio gives up at 15 s.
TURN_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 12.0, 15.0, 30.0)
# A lock is free at once unless the person double-texted; a dead server's
# ticket blocks for up to the lock lifetime (20 s).
LOCK_BUCKETS = (0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0)

TURN_SECONDS = Histogram(
    "iop_turn_seconds",
    "Time to answer one message, from request to reply, by channel (rest, sms, web).",
    ["channel"],
    buckets=TURN_BUCKETS,
)
LOCK_WAIT_SECONDS = Histogram(
    "iop_lock_wait_seconds",
    "Time a turn waited for its conversation's lock.",
    buckets=LOCK_BUCKETS,
)
HANDOFFS = Counter(
    "iop_handoffs",
    "Crisis hand-offs sent, by kind of danger and by what sent them "
    "(dialogue, channel: the channel's own screen, web_page: the page's own screen).",
    ["kind", "source"],
)
FLAGS_WRITTEN = Counter(
    "iop_flags_written",
    "Crisis moments written to the flags table: a new flag, or counted on an open one.",
    ["outcome"],
)
ERRORS = Counter("iop_errors", "Errors by kind (docs/operations.md lists them).", ["kind"])
ACTION_SECONDS = Histogram(
    "iop_action_seconds",
    "Time the action server took for one action call, by action.",
    ["action"],
    buckets=TURN_BUCKETS,
)
REQUEST_SECONDS = Histogram(
    "iop_request_seconds",
    "Time to answer one staff console request, by route.",
    ["route"],
    buckets=TURN_BUCKETS,
)
CHECK_UP = Gauge(
    "iop_ready_check", "1 if the readiness check passed on its latest run, else 0.", ["check"]
)
FLAGS_PENDING = Gauge(
    "iop_flags_pending", "Crisis moments in this process's outbox, not yet in the flags table."
)


def error(kind: str) -> None:
    ERRORS.labels(kind).inc()


def handoff(kind: Optional[str], source: str) -> None:
    HANDOFFS.labels(kind or "general", source).inc()
