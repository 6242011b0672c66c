"""python -m iopnav.ops.prepare, the one-off step before a deployment's
servers start (compose's `prepare`, the Kubernetes Job): databases created
when missing, migrations applied, the tracker store's table made; twice in a
row is harmless."""

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from iopnav.db import get_engine
from iopnav.ops import prepare
from tests.support.databases import PG_BASE_URL, postgres_available


def tables(url: str):
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_prepare_on_sqlite(tmp_path, monkeypatch):
    app, tracker = f"sqlite:///{tmp_path / 'iop.db'}", f"sqlite:///{tmp_path / 'tracker.db'}"
    monkeypatch.setenv("IOP_DATABASE_URL", app)
    monkeypatch.setenv("IOP_TRACKER_STORE_URL", tracker)
    assert prepare.main(["--sample-programs"]) == 0
    assert prepare.main([]) == 0  # again: nothing to do, nothing breaks
    assert {"alembic_version", "crisis_flags", "programs"} <= tables(app)
    assert "events" in tables(tracker)
    get_engine(app).dispose()


@pytest.mark.postgres
@pytest.mark.skipif(not postgres_available(), reason="PostgreSQL is not reachable")
def test_prepare_creates_missing_postgres_databases(monkeypatch):
    suffix = uuid.uuid4().hex[:10]
    base = make_url(PG_BASE_URL)
    app = base.set(database=f"iop_prep_{suffix}").render_as_string(hide_password=False)
    tracker = base.set(database=f"rasa_prep_{suffix}").render_as_string(hide_password=False)
    monkeypatch.setenv("IOP_DATABASE_URL", app)
    monkeypatch.setenv("IOP_TRACKER_STORE_URL", tracker)
    admin = sa.create_engine(PG_BASE_URL, isolation_level="AUTOCOMMIT")
    try:
        assert prepare.main([]) == 0
        assert prepare.main([]) == 0
        assert "alembic_version" in tables(app) and "events" in tables(tracker)
    finally:
        get_engine(app).dispose()
        with admin.connect() as conn:
            for name in (f"iop_prep_{suffix}", f"rasa_prep_{suffix}"):
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
