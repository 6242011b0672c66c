"""Command line of the staff console.

    python -m iopnav.console [serve] [--host H] [--port P]   run the console
    python -m iopnav.console create-user [--role admin|reviewer] EMAIL
    python -m iopnav.console set-password EMAIL
    python -m iopnav.console retention [--days N] [--crisis-days M] [--dry-run]

Passwords come from IOP_CONSOLE_PASSWORD or a prompt; never from the command
line, where they would land in shell history and the process list.
"""

import argparse
import getpass
import os
import sys
from typing import List, Optional

from iopnav import settings
from iopnav.console import config


class CliError(Exception):
    pass


def _password() -> str:
    env = os.environ.get("IOP_CONSOLE_PASSWORD")
    if env:
        return env
    if not sys.stdin.isatty():
        raise CliError("No terminal to ask for the password: set IOP_CONSOLE_PASSWORD.")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise CliError("The two passwords differ.")
    return first


def _accounts_session():
    from iopnav import migrate
    from iopnav.db import session_factory

    migrate.upgrade()
    return session_factory()()


def create_user(args) -> str:
    from iopnav.console import accounts, audit

    with _accounts_session() as db:
        user = accounts.create_user(
            db, args.email, _password(), args.role, created_by="command line"
        )
        audit.record(db, "command line", "user_create", f"user {user.email}", f"role {user.role}")
        return f"Created {user.role} account {user.email}."


def set_password(args) -> str:
    from iopnav.console import accounts, audit

    with _accounts_session() as db:
        user = accounts.set_password(db, args.email, _password())
        audit.record(db, "command line", "user_update", f"user {user.email}", "password reset")
        return f"Password changed for {user.email}; their open sessions were ended."


def serve(args) -> None:
    import logging

    from iopnav import migrate
    from iopnav.console.app import create_app
    from iopnav.console.config import ConsoleSettings

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # fpdf2's font subsetting logs every table at INFO; nothing in it is useful here.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    try:
        console_settings = ConsoleSettings.from_env(host=args.host)
    except ValueError as exc:  # a malformed setting: say which, without a traceback
        raise CliError(str(exc)) from None
    migrate.upgrade(console_settings.database_url)
    app = create_app(console_settings)
    from iopnav.ops import jsonlog

    jsonlog.configure("console")  # after Sanic has set up its own loggers
    # No access log: request paths carry conversation ids, which can be phone numbers.
    app.run(host=args.host, port=args.port, access_log=False, motd=False, workers=1)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m iopnav.console", description="IOP assistant staff console."
    )
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("serve", help="run the console (the default)")
    # Not IOP_HOST: exposing the assistant must not expose the staff console too.
    run.add_argument("--host", default=config.console_host())
    run.add_argument("--port", type=int, default=settings.CONSOLE_PORT)
    create = sub.add_parser("create-user", help="create an account")
    create.add_argument("--role", choices=config.ROLES, default="reviewer")
    create.add_argument("email")
    reset = sub.add_parser("set-password", help="set a new password for an account")
    reset.add_argument("email")
    sub.add_parser("retention", help="delete old conversations (see --help after it)")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "retention":
        from iopnav.console import retention

        return retention.main(argv[1:])
    args = parser().parse_args(argv or ["serve"])
    from iopnav.console.accounts import AccountError

    try:
        if args.command == "create-user":
            print(create_user(args))
        elif args.command == "set-password":
            print(set_password(args))
        else:
            serve(args)
    except (AccountError, CliError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
