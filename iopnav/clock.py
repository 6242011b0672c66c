"""The one clock for stored times: naive UTC datetimes.

Every table stores UTC without a timezone (SQLite has no timezone type and
PostgreSQL `timestamp without time zone` columns are what the migrations
create), so every module takes "now" from here rather than from a package it
otherwise has no business importing.
"""

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Now, in UTC, as a naive datetime (what the DateTime columns store)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
