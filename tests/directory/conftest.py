"""Directory fixtures: the action server's view of the sample database
(IOP_DATABASE_URL); the databases themselves are in tests/conftest.py."""

import pytest


@pytest.fixture
def actions_db(sample_db, monkeypatch):
    """The actions read the database URL from the environment, as the action
    server process does."""
    monkeypatch.setenv("IOP_DATABASE_URL", sample_db)
    return sample_db
