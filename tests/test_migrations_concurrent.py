"""Several servers starting at once on a fresh PostgreSQL database migrate
it once: Alembic runs under a PostgreSQL advisory lock (iopnav/migrations/
env.py), so one process upgrades and the others wait, then find nothing to
do. Without the lock the same start fails: the fault is real."""

import subprocess
import sys
import time
from typing import List

import pytest
from alembic.script import ScriptDirectory

from iopnav.migrate import alembic_config
from iopnav.services import base_env
from tests.support.databases import isolated_database_url, postgres_available

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not postgres_available(), reason="PostgreSQL is not reachable"),
]

# Each child imports everything first, then waits for a shared start time,
# so the three upgrades begin within milliseconds of each other.
CHILD = """
import logging, sys, time
import sqlalchemy
import iopnav.models  # noqa: F401  (what env.py imports)
from iopnav import migrate

url, start, lock = sys.argv[1], float(sys.argv[2]), sys.argv[3] == "lock"
if not lock:
    # The fault: env.py's advisory lock statement becomes a no-op.
    real_text = sqlalchemy.text
    sqlalchemy.text = lambda s: real_text("SELECT 1" if "pg_advisory" in s else s)
logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")
while time.time() < start:
    time.sleep(0.002)
migrate.upgrade(url)
"""

REVISIONS = sorted(
    s.revision for s in ScriptDirectory.from_config(alembic_config("sqlite://")).walk_revisions()
)


def migrate_at_once(url: str, processes: int, lock: bool) -> List[subprocess.CompletedProcess]:
    start = str(time.time() + 4)  # past every child's imports
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, url, start, "lock" if lock else "none"],
            env=base_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(processes)
    ]
    outputs = [c.communicate(timeout=120)[0] for c in children]
    return [
        subprocess.CompletedProcess(c.args, c.returncode, out)
        for c, out in zip(children, outputs, strict=True)
    ]


def upgrades_run(results: List[subprocess.CompletedProcess]) -> List[str]:
    """Each 'Running upgrade ... -> <revision>' line Alembic logged, over all processes."""
    return sorted(
        line.split("-> ")[1].split(",")[0].strip()
        for r in results
        for line in r.stdout.splitlines()
        if "Running upgrade" in line
    )


def test_three_servers_migrating_at_once_upgrade_once(tmp_path):
    with isolated_database_url("postgresql", tmp_path) as url:
        results = migrate_at_once(url, 3, lock=True)
    assert [r.returncode for r in results] == [0, 0, 0], [r.stdout[-2000:] for r in results]
    assert upgrades_run(results) == REVISIONS  # each migration once, by one of them


def test_without_the_lock_the_same_start_breaks(tmp_path):
    with isolated_database_url("postgresql", tmp_path) as url:
        results = migrate_at_once(url, 3, lock=False)
    failed = [r for r in results if r.returncode != 0]
    # Some process errors out, or a migration ran twice.
    assert failed or upgrades_run(results) != REVISIONS
