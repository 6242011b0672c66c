"""Programs in and out of CSV, the format clinic staff edit in a spreadsheet.

Import is all or nothing: every row is checked first, every problem is
reported with its line and column, and only a file without a single problem
is written, in one transaction (a half-imported directory would answer
visitors from a mix of old and new data). Rows are matched by `slug`, so
importing an edited export updates programs instead of duplicating them.
The format is documented in docs/program_csv.md.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Dict, Iterable, List, Optional, TextIO, Tuple, Union

from sqlalchemy import select
from sqlalchemy.orm import Session

from iopnav import phones
from iopnav.directory import geo, vocab
from iopnav.directory.models import LIST_SEPARATOR, Program

COLUMNS = (
    "slug",
    "name",
    "organization",
    "program_type",
    "age_groups",
    "conditions",
    "therapies",
    "insurances",
    "delivery_modes",
    "schedule_times",
    "days_per_week",
    "hours_per_week",
    "typical_weeks",
    "schedule_text",
    "languages",
    "address",
    "city",
    "state",
    "zip_code",
    "latitude",
    "longitude",
    "phone",
    "intake_hours",
    "website",
    "accepting_new",
    "last_verified",
    "description",
)
REQUIRED = (
    "slug",
    "name",
    "program_type",
    "age_groups",
    "delivery_modes",
    "city",
    "state",
    "zip_code",
)
# Columns whose values must come from the search vocabulary, so that every
# value staff type can actually be found by a visitor.
VOCAB_LISTS = {
    "age_groups": "age_group",
    "conditions": "condition",
    "insurances": "insurance",
    "delivery_modes": "delivery_mode",
    "schedule_times": "time_of_day",
}
FREE_LISTS = ("therapies", "languages")
INT_RANGES = {"days_per_week": (1, 7), "hours_per_week": (1, 40), "typical_weeks": (1, 52)}
MAX_LENGTHS = {
    "slug": 120,
    "name": 200,
    "organization": 200,
    "schedule_text": 300,
    "address": 300,
    "city": 120,
    "intake_hours": 120,
    "website": 300,
    "description": 4000,
}
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
TRUE_WORDS = {"yes", "y", "true", "1"}
FALSE_WORDS = {"no", "n", "false", "0"}


@dataclass(frozen=True)
class RowError:
    line: int
    column: Optional[str]
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class ImportFailed(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, errors: List[RowError]):
        self.errors = errors
        super().__init__(
            f"{len(errors)} problem(s), nothing imported:\n" + "\n".join(map(str, errors))
        )


@dataclass
class ImportReport:
    created: List[str] = field(default_factory=list)
    updated: List[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{len(self.created)} program(s) added, {len(self.updated)} updated"


def _split(value: str) -> List[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def _phone(value: str) -> Tuple[Optional[str], Optional[str]]:
    number = phones.parse(value)
    if number is None:
        return None, f"{value!r} is not a valid phone number (e.g. (813) 555-0101)"
    return phones.display(number), None


def validate_row(line: int, row: Dict[str, str]) -> Tuple[Dict, List[RowError]]:
    """The row as Program attributes, and what is wrong with it (if anything)."""
    errors: List[RowError] = []
    values: Dict = {}

    def err(column: Optional[str], message: str) -> None:
        errors.append(RowError(line, column, message))

    raw = {k: (row.get(k) or "").strip() for k in COLUMNS}
    for column in REQUIRED:
        if not raw[column]:
            err(column, "is required")
    for column, limit in MAX_LENGTHS.items():
        if len(raw[column]) > limit:
            err(column, f"is {len(raw[column])} characters; the limit is {limit}")

    if raw["slug"] and not SLUG_RE.match(raw["slug"]):
        err("slug", f"{raw['slug']!r} may contain only lowercase letters, digits and hyphens")
    for column in (
        "slug",
        "name",
        "organization",
        "schedule_text",
        "address",
        "city",
        "intake_hours",
        "description",
    ):
        values[column] = raw[column] or None
    values["therapies"] = LIST_SEPARATOR.join(_split(raw["therapies"]))
    values["languages"] = LIST_SEPARATOR.join(_split(raw["languages"]))

    if raw["program_type"]:
        ptype = vocab.normalise("program_type", raw["program_type"])
        if ptype is None:
            err(
                "program_type",
                f"{raw['program_type']!r} is not one of: {', '.join(vocab.PROGRAM_TYPES)}",
            )
        values["program_type"] = ptype

    for column, kind in VOCAB_LISTS.items():
        found, unknown = vocab.normalise_list(kind, _split(raw[column]))
        for item in unknown:
            err(
                column,
                f"{item!r} is not a known value; use one of: {', '.join(vocab.CANONICAL[kind])}",
            )
        values[column] = LIST_SEPARATOR.join(found)

    for column, (low, high) in INT_RANGES.items():
        values[column] = None
        if raw[column]:
            try:
                number = int(raw[column])
            except ValueError:
                err(column, f"{raw[column]!r} is not a whole number")
                continue
            if not low <= number <= high:
                err(column, f"{number} is outside {low}-{high}")
            values[column] = number

    state = raw["state"].upper()
    if state and state not in geo.STATES:
        err("state", f"{raw['state']!r} is not a two-letter US state code (e.g. FL)")
    values["state"] = state
    values["zip_code"] = raw["zip_code"]
    zip_row = None
    if raw["zip_code"]:
        zip_row = geo.zip_info(raw["zip_code"])
        if zip_row is None:
            err("zip_code", f"{raw['zip_code']!r} is not a known 5-digit US ZIP code")
        elif state in geo.STATES and zip_row["state"] != state:
            err("zip_code", f"ZIP {raw['zip_code']} is in {zip_row['state']}, not {state}")

    # Coordinates are optional: the ZIP's centre is close enough for "miles
    # away", and staff rarely know latitude and longitude.
    values["latitude"] = values["longitude"] = None
    if raw["latitude"] or raw["longitude"]:
        try:
            lat, lon = float(raw["latitude"]), float(raw["longitude"])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
            values["latitude"], values["longitude"] = lat, lon
        except ValueError:
            err("latitude", "latitude and longitude must both be decimal degrees, or both empty")
    elif zip_row:
        values["latitude"], values["longitude"] = float(zip_row["lat"]), float(zip_row["long"])

    values["phone"] = None
    if raw["phone"]:
        values["phone"], problem = _phone(raw["phone"])
        if problem:
            err("phone", problem)

    values["website"] = raw["website"] or None
    if raw["website"] and not re.match(r"^https?://[^\s/]+\.[^\s]+$", raw["website"]):
        err("website", f"{raw['website']!r} must be a full address starting with https://")

    accepting = raw["accepting_new"].lower()
    if accepting and accepting not in TRUE_WORDS | FALSE_WORDS:
        err("accepting_new", f"{raw['accepting_new']!r} must be yes or no")
    values["accepting_new"] = accepting not in FALSE_WORDS

    values["last_verified"] = None
    if raw["last_verified"]:
        try:
            values["last_verified"] = date.fromisoformat(raw["last_verified"])
        except ValueError:
            err("last_verified", f"{raw['last_verified']!r} is not a date like 2026-10-15")
    return values, errors


def read_rows(
    source: Union[str, Path, TextIO],
) -> Tuple[List[Tuple[int, Dict[str, str]]], List[RowError]]:
    """(line number, row) pairs and header problems. Accepts a path or an open file."""
    if isinstance(source, (str, Path)):
        # utf-8-sig: Excel puts a byte-order mark in front of the header.
        with open(source, newline="", encoding="utf-8-sig") as handle:
            return read_rows(io.StringIO(handle.read()))
    reader = csv.DictReader(source)
    header = [h.strip() for h in (reader.fieldnames or [])]
    errors = []
    if not header:
        return [], [RowError(1, None, "the file is empty; the first line must be the column names")]
    reader.fieldnames = header
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if missing:
        errors.append(RowError(1, None, f"missing column(s): {', '.join(missing)}"))
    if unknown:
        # A misspelt header would otherwise drop that column's data silently.
        errors.append(
            RowError(
                1,
                None,
                f"unknown column(s): {', '.join(unknown)}; known columns: {', '.join(COLUMNS)}",
            )
        )
    rows = []
    for row in reader:
        if None in row:
            errors.append(RowError(reader.line_num, None, "has more values than there are columns"))
            continue
        if not any((v or "").strip() for v in row.values()):
            continue  # blank line
        rows.append((reader.line_num, row))
    return rows, errors


def validate_file(source: Union[str, Path, TextIO]) -> Tuple[List[Dict], List[RowError]]:
    rows, errors = read_rows(source)
    if errors and any(e.line == 1 for e in errors):
        return [], errors
    seen: Dict[str, int] = {}
    valid = []
    for line, row in rows:
        values, row_errors = validate_row(line, row)
        errors.extend(row_errors)
        slug = values.get("slug")
        if slug in seen:
            errors.append(RowError(line, "slug", f"{slug!r} is already used on line {seen[slug]}"))
        elif slug:
            seen[slug] = line
        valid.append(values)
    if not rows and not errors:
        errors.append(RowError(2, None, "the file has no programs"))
    return valid, errors


def import_csv(session: Session, source: Union[str, Path, TextIO]) -> ImportReport:
    """Validate everything, then upsert by slug in the caller's session and
    commit. Raises ImportFailed (and writes nothing) on any problem."""
    rows, errors = validate_file(source)
    if errors:
        raise ImportFailed(errors)
    report = ImportReport()
    existing = {p.slug: p for p in session.execute(select(Program)).scalars()}
    try:
        for values in rows:
            program = existing.get(values["slug"])
            if program is None:
                session.add(Program(**values))
                report.created.append(values["slug"])
            else:
                for key, value in values.items():
                    setattr(program, key, value)
                report.updated.append(values["slug"])
        session.commit()
    except Exception:
        session.rollback()
        raise
    return report


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def export_rows(programs: Iterable[Program]) -> List[Dict[str, str]]:
    return [{c: _cell(getattr(p, c)) for c in COLUMNS} for p in programs]


def export_csv(session: Session, target: Union[str, Path, TextIO]) -> int:
    """Write every program (sorted by slug, so diffs between exports are
    readable); returns how many."""
    programs = session.execute(select(Program).order_by(Program.slug)).scalars().all()
    if isinstance(target, (str, Path)):
        with open(target, "w", newline="", encoding="utf-8") as handle:
            return export_csv(session, handle)
    writer = csv.DictWriter(target, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(export_rows(programs))
    return len(programs)
