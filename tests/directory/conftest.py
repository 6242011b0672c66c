"""Directory fixtures: a migrated database of each kind (SQLite and
PostgreSQL, from the shared `db_url` fixture), optionally holding the sample
programs, and the action server's view of it (IOP_DATABASE_URL)."""

import pytest

from iopnav import migrate
from iopnav.db import session_factory
from iopnav.directory import csv_io
from iopnav.directory.cli import SAMPLE_CSV


@pytest.fixture
def empty_db(db_url):
    migrate.upgrade(db_url)
    return db_url


@pytest.fixture
def sample_db(empty_db):
    with session_factory(empty_db)() as session:
        csv_io.import_csv(session, SAMPLE_CSV)
    return empty_db


@pytest.fixture
def session(sample_db):
    with session_factory(sample_db)() as s:
        yield s


@pytest.fixture
def actions_db(sample_db, monkeypatch):
    """The actions read the database URL from the environment, as the action
    server process does."""
    monkeypatch.setenv("IOP_DATABASE_URL", sample_db)
    return sample_db
