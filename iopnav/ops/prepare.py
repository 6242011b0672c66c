"""The one-off step before a deployment's servers start (compose's `prepare`
service, the Kubernetes Job in deploy/k8s/prepare.yaml):

  python -m iopnav.ops.prepare [--sample-programs]

1. migrate the application database (Alembic);
2. create the tracker store's PostgreSQL database if it is missing (Rasa
   creates only the table), and its table.
So N servers that start at once find both ready instead of racing to create
them. --sample-programs loads the fictional sample programs into an empty
directory, as `make run` does (a demo; a clinic imports its own CSV).
"""

import argparse
import logging
import sys
from typing import List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from iopnav import migrate, settings
from iopnav.db import hardened_url


def ensure_postgres_database(url: str) -> None:
    """CREATE DATABASE for a PostgreSQL URL whose database does not exist yet."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        return
    server = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            found = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": parsed.database},
            ).first()
            if not found:
                # A name cannot be a bound parameter; quote it as an identifier.
                quoted = server.dialect.identifier_preparer.quote(parsed.database)
                conn.execute(sa.text(f"CREATE DATABASE {quoted}"))
    finally:
        server.dispose()


def create_tracker_store() -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    url = settings.tracker_store_url()
    ensure_postgres_database(url)
    store = SQLTrackerStore(host=hardened_url(url))  # creates the events table
    store.engine.dispose()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m iopnav.ops.prepare")
    parser.add_argument("--sample-programs", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    ensure_postgres_database(settings.database_url())
    migrate.upgrade(settings.database_url())
    create_tracker_store()
    if args.sample_programs:
        from iopnav.directory import cli

        cli.load_sample_if_empty()
    print("prepared: application database migrated, tracker store created")
    return 0


if __name__ == "__main__":
    sys.exit(main())
