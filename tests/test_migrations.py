"""The Alembic migrations build exactly the schema the models describe, on
SQLite and PostgreSQL, and running them twice is harmless (make run does)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from iopnav import migrate
from iopnav.models import Base


def test_migrations_match_the_models(db_url):
    migrate.upgrade(db_url)
    migrate.upgrade(db_url)  # idempotent
    engine = create_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    assert {"programs", "referrals", "crisis_flags"} <= tables
    assert diff == [], f"models and migrations differ; add a migration: {diff}"
