"""The staff CSV: the sample imports, export and import round-trip, and every
kind of bad row is reported by line and column with nothing half-imported.
Run against SQLite and PostgreSQL."""

import csv
import io

import pytest
from sqlalchemy import func, select

from iopnav.db import session_factory
from iopnav.directory import csv_io
from iopnav.directory.cli import SAMPLE_CSV
from iopnav.directory.models import Program

GOOD = {
    "slug": "test-iop",
    "name": "Test IOP",
    "organization": "Test Org (fictional)",
    "program_type": "mental health",
    "age_groups": "adult",
    "conditions": "depression|anxiety",
    "therapies": "CBT",
    "insurances": "Aetna|self-pay",
    "delivery_modes": "in person",
    "schedule_times": "evening",
    "days_per_week": "3",
    "hours_per_week": "9",
    "typical_weeks": "8",
    "schedule_text": "Mon, Tue, Thu 6-9 pm",
    "languages": "English",
    "address": "1 Main St",
    "city": "Tampa",
    "state": "FL",
    "zip_code": "33602",
    "latitude": "",
    "longitude": "",
    "phone": "813-555-0199",
    "intake_hours": "Mon-Fri 9-5",
    "website": "https://test.example.org",
    "accepting_new": "yes",
    "last_verified": "2026-10-01",
    "description": "FICTIONAL",
}


def csv_text(*rows, columns=csv_io.COLUMNS):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def count(url):
    with session_factory(url)() as s:
        return s.execute(select(func.count(Program.id))).scalar_one()


def test_sample_file_is_valid_and_broad():
    rows, errors = csv_io.validate_file(SAMPLE_CSV)
    assert errors == []
    assert len(rows) >= 32
    assert len({r["state"] for r in rows}) >= 10
    assert {r["program_type"] for r in rows} == {
        "mental health",
        "addiction",
        "dual diagnosis",
        "eating disorder",
    }
    ages = set("|".join(r["age_groups"] for r in rows).split("|"))
    assert ages == {"teen", "young adult", "adult", "older adult"}
    # Fictional and recognisably so: 555-01xx numbers, example.org sites.
    for r in rows:
        assert r["phone"][-8:-2] == "555-01" and ".example.org" in r["website"]
        assert "FICTIONAL" in r["description"]


def test_import_fills_coordinates_from_the_zip(sample_db):
    with session_factory(sample_db)() as s:
        p = s.execute(
            select(Program).where(Program.slug == "bayview-teen-evening-iop")
        ).scalar_one()
    assert p.latitude == pytest.approx(27.96, abs=0.05) and p.longitude == pytest.approx(
        -82.46, abs=0.05
    )
    assert p.list_of("insurances") == [
        "Aetna",
        "Blue Cross Blue Shield",
        "Cigna",
        "Medicaid",
        "self-pay",
    ]
    assert p.phone == "(813) 555-0101" and p.accepting_new is True


def test_export_then_import_round_trips(sample_db, tmp_path):
    first = tmp_path / "first.csv"
    second = tmp_path / "second.csv"
    with session_factory(sample_db)() as s:
        assert csv_io.export_csv(s, first) == count(sample_db)
        report = csv_io.import_csv(s, first)
        assert report.created == [] and len(report.updated) == count(sample_db)
        csv_io.export_csv(s, second)
    assert first.read_text() == second.read_text()


def test_import_updates_by_slug_instead_of_duplicating(empty_db):
    with session_factory(empty_db)() as s:
        csv_io.import_csv(s, io.StringIO(csv_text(GOOD)))
        changed = dict(GOOD, name="Renamed IOP", insurances="bcbs|aetnna")
        report = csv_io.import_csv(s, io.StringIO(csv_text(changed)))
        assert report.updated == ["test-iop"] and report.created == []
    with session_factory(empty_db)() as s:
        p = s.execute(select(Program)).scalar_one()
        # Staff spellings are stored as the search vocabulary's names.
        assert (p.name, p.insurances) == ("Renamed IOP", "Aetna|Blue Cross Blue Shield")


@pytest.mark.parametrize(
    "change, column, words",
    [
        ({"name": ""}, "name", "required"),
        ({"slug": "Has Spaces"}, "slug", "lowercase"),
        ({"program_type": "spa retreat"}, "program_type", "not one of"),
        ({"insurances": "Aetna|Oscar"}, "insurances", "'Oscar' is not a known value"),
        ({"age_groups": "toddlers"}, "age_groups", "not a known value"),
        ({"schedule_times": "midnight"}, "schedule_times", "not a known value"),
        ({"delivery_modes": ""}, "delivery_modes", "required"),
        ({"zip_code": "00000"}, "zip_code", "not a known 5-digit US ZIP"),
        ({"state": "GA"}, "zip_code", "is in FL, not GA"),
        ({"state": "XX"}, "state", "two-letter"),
        ({"phone": "12345"}, "phone", "not a valid phone number"),
        ({"hours_per_week": "lots"}, "hours_per_week", "not a whole number"),
        ({"days_per_week": "9"}, "days_per_week", "outside 1-7"),
        ({"website": "example.org"}, "website", "https://"),
        ({"accepting_new": "maybe"}, "accepting_new", "yes or no"),
        ({"last_verified": "10/01/2026"}, "last_verified", "not a date"),
        ({"latitude": "north"}, "latitude", "decimal degrees"),
    ],
)
def test_each_kind_of_bad_row_is_named_by_line_and_column(empty_db, change, column, words):
    other = dict(GOOD, slug="other-iop")
    text = csv_text(other, dict(GOOD, **change))
    with session_factory(empty_db)() as s, pytest.raises(csv_io.ImportFailed) as failed:
        csv_io.import_csv(s, io.StringIO(text))
    [error] = failed.value.errors
    assert (error.line, error.column) == (3, column)
    assert words in error.message
    assert f"line 3, column {column}" in str(failed.value)
    # All or nothing: the good row on line 2 was not imported either.
    assert count(empty_db) == 0


def test_duplicate_slug_in_a_file(empty_db):
    with pytest.raises(csv_io.ImportFailed) as failed, session_factory(empty_db)() as s:
        csv_io.import_csv(s, io.StringIO(csv_text(GOOD, GOOD)))
    assert (
        str(failed.value.errors[0]) == "line 3, column slug: 'test-iop' is already used on line 2"
    )


@pytest.mark.parametrize(
    "text, words",
    [
        ("", "the file is empty"),
        (csv_text(columns=csv_io.COLUMNS), "no programs"),
        (
            csv_text(GOOD, columns=[c for c in csv_io.COLUMNS if c != "zip_code"]),
            "missing column(s): zip_code",
        ),
        (
            csv_text(GOOD, columns=list(csv_io.COLUMNS) + ["insurance_plans"]),
            "unknown column(s): insurance_plans",
        ),
        (
            csv_text(GOOD) + "extra,values," + "x," * len(csv_io.COLUMNS) + "\n",
            "more values than there are columns",
        ),
    ],
)
def test_bad_files(empty_db, text, words):
    with pytest.raises(csv_io.ImportFailed) as failed, session_factory(empty_db)() as s:
        csv_io.import_csv(s, io.StringIO(text))
    assert words in str(failed.value)
    assert count(empty_db) == 0


def test_failed_import_leaves_existing_programs_untouched(sample_db):
    before = count(sample_db)
    bad = dict(GOOD, slug="bayview-teen-evening-iop", name="Overwritten", phone="not a phone")
    with pytest.raises(csv_io.ImportFailed), session_factory(sample_db)() as s:
        csv_io.import_csv(s, io.StringIO(csv_text(bad)))
    with session_factory(sample_db)() as s:
        p = s.execute(
            select(Program).where(Program.slug == "bayview-teen-evening-iop")
        ).scalar_one()
    assert p.name == "Bayview Teen Evening IOP" and count(sample_db) == before


def test_excel_byte_order_mark_is_accepted(empty_db, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(csv_text(GOOD), encoding="utf-8-sig")
    with session_factory(empty_db)() as s:
        assert csv_io.import_csv(s, path).created == ["test-iop"]
