"""Database migrations (Alembic), usable from code and the command line.

    python -m iopnav.migrate upgrade [URL]     apply every migration
    python -m iopnav.migrate current [URL]     show the applied revision
    python -m iopnav.migrate revision "msg"    autogenerate a new migration

URL defaults to IOP_DATABASE_URL (SQLite under var/ when unset).
"""

import sys
from pathlib import Path
from typing import Optional

from alembic import command
from alembic.config import Config

from iopnav import settings
from iopnav.db import ensure_sqlite_dir

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: Optional[str] = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation would choke on "%" in passwords.
    cfg.set_main_option("sqlalchemy.url", (url or settings.database_url()).replace("%", "%%"))
    return cfg


def upgrade(url: Optional[str] = None) -> None:
    url = url or settings.database_url()
    ensure_sqlite_dir(url)
    command.upgrade(alembic_config(url), "head")


def main(argv) -> int:
    if not argv or argv[0] not in ("upgrade", "current", "revision"):
        print(__doc__)
        return 2
    if argv[0] == "upgrade":
        upgrade(argv[1] if len(argv) > 1 else None)
    elif argv[0] == "current":
        command.current(alembic_config(argv[1] if len(argv) > 1 else None), verbose=True)
    else:
        command.revision(
            alembic_config(), message=argv[1] if len(argv) > 1 else "change", autogenerate=True
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
