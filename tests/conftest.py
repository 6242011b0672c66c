"""Shared fixtures: real databases (SQLite and PostgreSQL) and a real running
assistant (Rasa server + action server) for end-to-end tests."""

import os
import uuid

import pytest
import sanic  # noqa: F401  (see below)

from iopnav import migrate
from iopnav.db import session_factory
from iopnav.directory import csv_io
from iopnav.directory.cli import SAMPLE_CSV
from tests.support.assistant import RunningAssistant, model_path
from tests.support.databases import isolated_database_url, postgres_available

# Sanic adds filterwarnings("once", DeprecationWarning) when first imported,
# which would override pytest.ini's warning filters for every module imported
# after it during collection. Imported here, inside pytest's configuration
# step, that filter is dropped when the step ends.

DB_BACKENDS = ["sqlite", "postgresql"]

# Markers follow from the fixtures a test uses, so a new test is sorted into
# the right group without anyone remembering to mark it (make test-fast).
FIXTURE_MARKERS = {
    "assistant": "e2e",
    "assistant_without_actions": "e2e",
    "console": "e2e",
    "browser": "browser",
    # The fault suite's stacks (tests/faults/conftest.py).
    "sqlite_stack": "e2e",
    "flood_stack": "e2e",
    "pg_stack": ("e2e", "postgres"),
    # tests/scale: several servers behind HAProxy, PostgreSQL and Redis.
    "scale_cluster": ("e2e", "postgres", "slow"),
}


def pytest_collection_modifyitems(items):
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        for fixture, markers in FIXTURE_MARKERS.items():
            if fixture in fixtures:
                for marker in (markers,) if isinstance(markers, str) else markers:
                    item.add_marker(marker)
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("db_url") == "postgresql":
            item.add_marker("postgres")


@pytest.fixture(autouse=True)
def crisis_flag_outbox(tmp_path_factory, monkeypatch):
    """Each test's crisis-flag journals in its own folder, a fast worker, and
    no worker left running against a database the test dropped."""
    from iopnav.safety import outbox

    monkeypatch.setenv("IOP_OUTBOX_DIR", str(tmp_path_factory.mktemp("outbox")))
    monkeypatch.setenv("IOP_OUTBOX_TICK_SECONDS", "0.1")
    monkeypatch.setenv("IOP_OUTBOX_RETRY_SECONDS", "0.1")
    monkeypatch.setenv("IOP_OUTBOX_MAX_RETRY_SECONDS", "0.5")
    yield
    outbox.stop_all()


@pytest.fixture(params=DB_BACKENDS)
def db_url(request, tmp_path):
    """An empty, migrated-nothing database of each kind; PostgreSQL gets its
    own schema so parallel runs and developers never see each other's rows."""
    if request.param == "postgresql" and not postgres_available():
        pytest.skip(
            "PostgreSQL is not reachable at " + os.environ.get("IOP_TEST_PG_URL", "127.0.0.1:5432")
        )
    from iopnav.safety import outbox

    with isolated_database_url(request.param, tmp_path) as url:
        yield url
        outbox.stop_all()  # before the schema goes


# Migrated application databases of each kind, optionally holding the sample
# programs (the directory and referral tests use them).
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


@pytest.fixture(scope="session")
def assistant(tmp_path_factory):
    """The trained assistant on free loopback ports, with fresh SQLite stores."""
    if not model_path().exists():
        pytest.fail("No trained model: run `make train` (make test does it first).")
    workdir = tmp_path_factory.mktemp("assistant")
    running = RunningAssistant(workdir)
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def assistant_without_actions(tmp_path_factory):
    """The Rasa server with no action server behind it (crashed or not yet
    started): the crisis hand-off is a domain response and must still work."""
    if not model_path().exists():
        pytest.fail("No trained model: run `make train` (make test does it first).")
    running = RunningAssistant(tmp_path_factory.mktemp("no-actions"), with_actions=False)
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium (tests/support/browser.py), one per module:
    Playwright's sync API must not outlive a module into async tests."""
    from playwright.sync_api import sync_playwright

    from tests.support.browser import launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def sender_id():
    return "test-" + uuid.uuid4().hex
