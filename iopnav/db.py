"""The application database (everything that is not Rasa's own tracker store).

One declarative Base for all packages so Alembic sees every table; one engine
per URL so tests can point at SQLite or PostgreSQL.
"""

from functools import lru_cache
from pathlib import Path
from typing import Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import declarative_base, sessionmaker

from iopnav import settings

Base = declarative_base()


def ensure_sqlite_dir(url: str) -> None:
    """Create the folder of a SQLite database file. SQLite creates the file
    but not its folder, and a fresh clone has no var/. Other URLs: nothing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def get_engine(url: Optional[str] = None) -> Engine:
    # Resolve the default first: the environment may change (tests, CLI flags).
    return _engine_for(url or settings.database_url())


@lru_cache(maxsize=None)
def _engine_for(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        ensure_sqlite_dir(url)
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def session_factory(url: Optional[str] = None) -> sessionmaker:
    return sessionmaker(bind=get_engine(url), future=True, expire_on_commit=False)
