"""Alembic environment: every model module is imported so autogenerate sees
all tables of the application database (not Rasa's tracker store)."""

from alembic import context
from sqlalchemy import create_engine, pool, text

from iopnav.db import hardened_url
from iopnav.models import Base  # noqa: F401  (imports every model)

config = context.config
MIGRATION_LOCK = 7301_2026  # any constant shared by every process of this project
target_metadata = Base.metadata


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    assert url, "iopnav.migrate sets sqlalchemy.url"
    # Timeouts: Rasa runs this at start, and a down database must not hang it.
    connectable = create_engine(
        hardened_url(url), poolclass=pool.NullPool, future=True, hide_parameters=True
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Several Rasa servers starting together: one migrates, the
                # others wait here, then find nothing left to do (review L6).
                # Migrations may run longer than the app's 5 s statement limit.
                connection.execute(text("SET LOCAL statement_timeout = '300s'"))
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
            context.run_migrations()


run_migrations_online()
