"""A console per test module and database kind (SQLite, PostgreSQL), each
with its own application database and tracker store. The app runs in this
process (tests/support/asgi.py); test_server.py keeps a real server process."""

import os

import pytest

from tests.support.console import InProcessConsole
from tests.support.databases import isolated_database_url, postgres_available


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def console(request, tmp_path_factory):
    if request.param == "postgresql" and not postgres_available():
        pytest.skip(
            "PostgreSQL is not reachable at " + os.environ.get("IOP_TEST_PG_URL", "127.0.0.1:5432")
        )
    workdir = tmp_path_factory.mktemp(f"console-{request.param}")
    with (
        isolated_database_url(request.param, workdir) as app_url,
        isolated_database_url(request.param, workdir) as tracker_url,
    ):
        server = InProcessConsole(app_url, tracker_url).start()
        try:
            yield server
        finally:
            server.stop()
