"""The shared database helpers."""

from iopnav.db import ensure_sqlite_dir


def test_a_sqlite_file_gets_its_folder(tmp_path):
    ensure_sqlite_dir(f"sqlite:///{tmp_path}/a/b/iop.db?timeout=5")
    assert (tmp_path / "a" / "b").is_dir() and not (tmp_path / "a" / "b" / "iop.db").exists()


def test_other_databases_are_left_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for url in ("sqlite://", "sqlite:///:memory:", "postgresql://u@127.0.0.1/x"):
        ensure_sqlite_dir(url)
    assert list(tmp_path.iterdir()) == []
