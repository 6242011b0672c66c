"""The staff command line, as staff would run it (`main(argv)`), against
SQLite and PostgreSQL."""

from sqlalchemy import func, select

from iopnav.db import session_factory
from iopnav.directory import cli
from iopnav.directory.models import Program


def programs(url):
    with session_factory(url)() as s:
        return s.execute(select(func.count(Program.id))).scalar_one()


def test_load_sample_if_empty_only_fills_an_empty_directory(empty_db, capsys):
    assert cli.load_sample_if_empty(empty_db) >= 32
    assert "fictional sample programs" in capsys.readouterr().out
    assert cli.load_sample_if_empty(empty_db) == 0
    assert programs(empty_db) >= 32


def test_export_edit_import(sample_db, tmp_path, capsys):
    path = tmp_path / "programs.csv"
    assert cli.main(["--database-url", sample_db, "export", str(path)]) == 0
    edited = path.read_text().replace("Bayview Teen Evening IOP", "Bayview Teen Evening Program")
    path.write_text(edited)
    assert cli.main(["--database-url", sample_db, "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"0 program(s) added, {programs(sample_db)} updated" in out
    with session_factory(sample_db)() as s:
        assert (
            s.execute(
                select(Program.name).where(Program.slug == "bayview-teen-evening-iop")
            ).scalar_one()
            == "Bayview Teen Evening Program"
        )


def test_bad_file_is_refused_with_line_and_column(empty_db, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    sample = cli.SAMPLE_CSV.read_text().splitlines()
    path.write_text(
        "\n".join([sample[0], sample[1], sample[2].replace(",FL,33602,", ",FL,3360,")]) + "\n"
    )
    assert cli.main(["--database-url", empty_db, "check", str(path)]) == 1
    assert cli.main(["--database-url", empty_db, "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "line 3, column zip_code: '3360' is not a known 5-digit US ZIP code" in err
    assert "nothing imported" in err and programs(empty_db) == 0


def test_missing_file(empty_db, capsys):
    assert cli.main(["--database-url", empty_db, "import", "/nonexistent/programs.csv"]) == 2
    assert "No such file" in capsys.readouterr().err


def test_search_command(sample_db, capsys):
    assert (
        cli.main(
            [
                "--database-url",
                sample_db,
                "search",
                "--location",
                "33602",
                "--age-group",
                "teen",
                "--time-of-day",
                "evening",
                "--insurance",
                "aetna",
            ]
        )
        == 0
    )
    assert "1. Bayview Teen Evening IOP" in capsys.readouterr().out
    assert cli.main(["--database-url", sample_db, "search", "--location", "Narnia"]) == 1
    assert "couldn't find a US place" in capsys.readouterr().out
    cli.main(["--database-url", sample_db, "search", "--location", "Tampa", "--insurance", "Oscar"])
    assert "'Oscar' is not a known insurance" in capsys.readouterr().out
