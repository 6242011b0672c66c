"""Alembic environment: every model module is imported so autogenerate sees
all tables of the application database (not Rasa's tracker store)."""

from alembic import context
from sqlalchemy import create_engine, pool

from iopnav.db import hardened_url
from iopnav.models import Base  # noqa: F401  (imports every model)

config = context.config
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
            context.run_migrations()


run_migrations_online()
