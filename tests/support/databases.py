"""Isolated test databases: a SQLite file, or a throwaway PostgreSQL schema."""

import contextlib
import os
import socket
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from iopnav import db

PG_BASE_URL = os.environ.get("IOP_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


REDIS = ("127.0.0.1", 6379)


def redis_available() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
        return True
    except OSError:
        return False


def postgres_available() -> bool:
    try:
        engine = create_engine(PG_BASE_URL, connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@contextlib.contextmanager
def isolated_database_url(kind: str, tmp_path: Path):
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / ('db-' + uuid.uuid4().hex[:8] + '.sqlite')}"
        return
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_BASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_BASE_URL else "?"
    # libpq's options parameter pins every connection's search_path to the schema.
    url = f"{PG_BASE_URL}{sep}options=-csearch_path%3D{schema}"
    yield url
    db.forget_engine(url)  # PostgreSQL takes 100 connections in all
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
