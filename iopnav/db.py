"""The application database (everything that is not Rasa's own tracker store).

One declarative Base for all packages so Alembic sees every table; one engine
per URL so tests can point at SQLite or PostgreSQL.
"""

from pathlib import Path
from typing import Dict, Optional

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


def hardened_url(url: str) -> str:
    """The URL with timeouts, so a locked or unreachable database fails fast
    instead of stalling every conversation (review L6): SQLite waits at most
    IOP_SQLITE_BUSY_SECONDS (2) for a lock; PostgreSQL connects within
    IOP_PG_CONNECT_TIMEOUT (3 s) and runs no statement longer than
    IOP_PG_STATEMENT_TIMEOUT_MS (5000). Values already in the URL win."""
    parsed = make_url(url)
    query = dict(parsed.query)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        query.setdefault("timeout", settings.env("IOP_SQLITE_BUSY_SECONDS", "2"))
    elif backend == "postgresql":
        query.setdefault("connect_timeout", settings.env("IOP_PG_CONNECT_TIMEOUT", "3"))
        options = query.get("options", "")
        if "statement_timeout" not in options:
            limit = settings.env("IOP_PG_STATEMENT_TIMEOUT_MS", "5000")
            query["options"] = f"{options} -c statement_timeout={limit}".strip()
    else:
        return url
    return parsed.set(query=query).render_as_string(hide_password=False)


def use_sqlite_pragmas(engine: Engine) -> None:
    """Foreign keys on, and write-ahead logging: a commit then syncs the log
    once instead of the rollback journal and the database file (8.7 ms ->
    0.3 ms a commit here, docs/performance.md), with the same durability, and
    readers (the console) never block the writer. Other databases: nothing."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.close()


def get_engine(url: Optional[str] = None) -> Engine:
    # Resolve the default first: the environment may change (tests, CLI flags).
    return _engine_for(url or settings.database_url())


# One engine (and connection pool) per database URL, for the process's life.
_ENGINES: Dict[str, Engine] = {}


def _engine_for(url: str) -> Engine:
    engine = _ENGINES.get(url)
    if engine is None:
        engine = _ENGINES.setdefault(url, _new_engine(url))
    return engine


def forget_engine(url: str) -> None:
    """Close the pooled connections of the engine kept for `url` and drop it:
    for a database that goes away (the tests' throwaway schemas), whose idle
    connections would otherwise count against PostgreSQL's connection limit
    for as long as the process runs."""
    engine = _ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()


def _new_engine(url: str) -> Engine:
    # hide_parameters: error messages must not carry phone numbers or crisis
    # evidence from bound parameters into the logs (review M6).
    if url.startswith("sqlite:///"):
        ensure_sqlite_dir(url)
        engine = create_engine(
            hardened_url(url),
            future=True,
            hide_parameters=True,
            connect_args={"check_same_thread": False},
        )
        use_sqlite_pragmas(engine)
        return engine
    return create_engine(hardened_url(url), future=True, pool_pre_ping=True, hide_parameters=True)


def session_factory(url: Optional[str] = None) -> sessionmaker:
    return sessionmaker(bind=get_engine(url), future=True, expire_on_commit=False)
