"""The servers the fault suite breaks: real Rasa + action server + web page
processes, started once per run (a Rasa start costs 20-40 s here) and
shared by the scenarios, the fuzz test and the review probes.

sqlite_stack: SQLite stores (the `make run` default), for the action-server
  faults, the locked tracker database, the fuzz test and the review probes.
pg_stack: tracker store and application database on PostgreSQL (own schemas)
  and the Redis lock store (own db number and key prefix), each reached
  through a TcpProxy the test owns, so cutting them touches nobody else.
flood_stack: its own SQLite stack and staff-alert listener, so the flood
  counts only its own flags and alerts.
"""

import contextlib
import uuid

import pytest

from tests.faults.helpers import AlertListener
from tests.support.assistant import UNLIMITED_BUDGETS, RunningAssistant, model_path
from tests.support.databases import isolated_database_url, postgres_available
from tests.support.tcpproxy import TcpProxy

REDIS_DB = 7  # the fault suite's own Redis database number; keys carry a per-run prefix too


def _require_model() -> None:
    if not model_path().exists():
        pytest.fail("No trained model: run `make train` (make test does it first).")


@contextlib.contextmanager
def running_stack(workdir, **env: str):
    """Rasa + action server + web page, a staff-alert listener, and an own
    var/ directory (the flag outbox and web secrets live there)."""
    _require_model()
    alerts = AlertListener()
    stack = RunningAssistant(
        workdir,
        with_web=True,
        env={"IOP_VAR_DIR": str(workdir), "IOP_STAFF_ALERT_URL": alerts.url, **env},
    )
    stack.alerts = alerts
    try:
        yield stack.start()
    finally:
        stack.stop()
        alerts.stop()


# Alerts are collapsed per burst (60 s by default); the fault stacks space
# them 5 s apart so a probe waits seconds for its alert. The flood keeps 60 s.
# The scenarios and probes send many messages from one loopback address; the
# request budgets (iopnav/ratelimit.py) are raised so that a 429 never passes
# for a fault. The flood stack keeps the real budgets.
FAULT_STACK_ENV = {"IOP_ALERT_BURST_SECONDS": "5", **UNLIMITED_BUDGETS}


@pytest.fixture(scope="session")
def sqlite_stack(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("faults-sqlite"), **FAULT_STACK_ENV) as stack:
        yield stack


@pytest.fixture(scope="module")
def flood_stack(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("faults-flood")) as stack:
        yield stack


def _through(proxy: TcpProxy, url: str) -> str:
    return url.replace("@127.0.0.1:5432/", f"@127.0.0.1:{proxy.port}/", 1)


@pytest.fixture(scope="session")
def pg_stack(tmp_path_factory):
    if not postgres_available():
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    workdir = tmp_path_factory.mktemp("faults-pg")
    proxies = {
        name: TcpProxy(port).start()
        for name, port in (("tracker", 5432), ("app", 5432), ("redis", 6379))
    }
    try:
        with (
            isolated_database_url("postgresql", workdir) as tracker_url,
            isolated_database_url("postgresql", workdir) as app_url,
        ):
            with running_stack(
                workdir,
                IOP_TRACKER_STORE_URL=_through(proxies["tracker"], tracker_url),
                IOP_DATABASE_URL=_through(proxies["app"], app_url),
                IOP_LOCK_STORE_URL=f"redis://127.0.0.1:{proxies['redis'].port}/{REDIS_DB}",
                IOP_LOCK_STORE_PREFIX="faults" + uuid.uuid4().hex[:8],
                **FAULT_STACK_ENV,
            ) as stack:
                stack.proxies = proxies
                # Staff read flags straight from PostgreSQL, not through the proxy.
                stack.direct_database_url = app_url
                yield stack
    finally:
        for proxy in proxies.values():
            proxy.stop()
