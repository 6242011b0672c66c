"""Staff command line for the program directory.

    python -m iopnav.directory.cli import programs.csv      add or update programs (all or nothing)
    python -m iopnav.directory.cli check programs.csv       report problems without importing
    python -m iopnav.directory.cli export programs.csv      write every program (edit, then import)
    python -m iopnav.directory.cli load-sample              import the fictional sample programs
    python -m iopnav.directory.cli search --location 33602 --insurance aetna --time-of-day evening

Every command takes --database-url (default: IOP_DATABASE_URL, else SQLite
under var/) and migrates that database first. The CSV format is described in
docs/program_csv.md.
"""

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from sqlalchemy import func, select

from iopnav import migrate, settings
from iopnav.db import session_factory
from iopnav.directory import csv_io, present
from iopnav.directory.models import Program
from iopnav.directory.search import DEFAULT_RADIUS_MILES, SearchQuery, search

SAMPLE_CSV = Path(__file__).resolve().parent / "sample_programs.csv"


def load_sample_if_empty(url: Optional[str] = None) -> int:
    """Import the sample programs into an empty directory (what `make run`
    does on a fresh machine); never touches a directory that has data.
    Returns the number of programs imported."""
    url = url or settings.database_url()
    with session_factory(url)() as session:
        if session.execute(select(func.count(Program.id))).scalar_one():
            return 0
        report = csv_io.import_csv(session, SAMPLE_CSV)
    print(f"Program directory was empty: loaded {len(report.created)} fictional sample programs.")
    return len(report.created)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m iopnav.directory.cli",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database-url", help="default: IOP_DATABASE_URL or sqlite under var/")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("import", "add or update programs from a CSV file"),
        ("check", "validate a CSV file without importing it"),
        ("export", "write every program to a CSV file"),
    ):
        sub.add_parser(name, help=text).add_argument("file")
    sub.add_parser("load-sample", help="import the fictional sample programs")
    s = sub.add_parser("search", help="search like the assistant does")
    s.add_argument("--location", help="city, state or 5-digit ZIP")
    s.add_argument("--radius", type=float, default=DEFAULT_RADIUS_MILES, help="miles (default 25)")
    for flag in (
        "condition",
        "insurance",
        "age-group",
        "program-type",
        "time-of-day",
        "delivery-mode",
        "language",
    ):
        s.add_argument(f"--{flag}")
    s.add_argument("--page", type=int, default=1)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    url = args.database_url or settings.database_url()
    migrate.upgrade(url)
    Session = session_factory(url)
    if args.command in ("import", "check"):
        if not Path(args.file).is_file():
            print(f"No such file: {args.file}", file=sys.stderr)
            return 2
        try:
            if args.command == "check":
                rows, errors = csv_io.validate_file(args.file)
                if errors:
                    raise csv_io.ImportFailed(errors)
                print(f"{args.file}: {len(rows)} program(s), no problems.")
                return 0
            with Session() as session:
                print(f"{args.file}: {csv_io.import_csv(session, args.file)}.")
        except csv_io.ImportFailed as failed:
            print(f"{args.file}: {failed}", file=sys.stderr)
            return 1
        return 0
    if args.command == "export":
        with Session() as session:
            count = csv_io.export_csv(session, args.file)
        print(f"Wrote {count} program(s) to {args.file}.")
        return 0
    if args.command == "load-sample":
        with Session() as session:
            print(f"Sample programs (fictional): {csv_io.import_csv(session, SAMPLE_CSV)}.")
        return 0
    query = SearchQuery(
        location=args.location,
        radius_miles=args.radius,
        condition=args.condition,
        insurance=args.insurance,
        age_group=args.age_group,
        program_type=args.program_type,
        time_of_day=args.time_of_day,
        delivery_mode=args.delivery_mode,
        language=args.language,
    )
    _, unknown = query.normalised()
    for name, value in unknown.items():
        print(f"Note: {value!r} is not a known {name.replace('_', ' ')}; searching without it.")
    with Session() as session:
        result = search(session, query, page=args.page)
        if result.location_not_found:
            print(present.location_not_found_text(args.location))
            return 1
        print(present.results_text(result) if result.matches else present.no_results_text(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
