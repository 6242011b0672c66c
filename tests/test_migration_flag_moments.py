"""Migration 0005 on a database that already has flags: nothing is deleted,
every old flag is its own first moment, and a conversation that had several
open flags keeps one open flag that counts them all. And servers starting
together migrate once."""

import subprocess
import sys
from datetime import datetime

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from iopnav import migrate


def test_old_flags_are_carried_over_and_merged_to_one_open_flag(db_url):
    command.upgrade(migrate.alembic_config(db_url), "0004")
    engine = create_engine(db_url)
    insert = text(
        "insert into crisis_flags (sender_id, event_key, created_at, category, acknowledged)"
        " values (:s, :k, :t, 'plan', :a)"
    )
    with engine.begin() as conn:
        for sender, key, minute, acked in (
            ("web-a", "a1", 1, False),
            ("web-a", "a2", 2, True),
            ("web-a", "a3", 3, False),
            ("web-b", "b1", 4, False),
        ):
            conn.execute(
                insert, {"s": sender, "k": key, "t": datetime(2026, 11, 30, 9, minute), "a": acked}
            )
    migrate.upgrade(db_url)
    with engine.connect() as conn:
        flags = conn.execute(
            text(
                "select event_key, acknowledged, acknowledged_by, acknowledge_reason, moments"
                " from crisis_flags order by id"
            )
        ).fetchall()
        moments = conn.execute(
            text(
                "select m.event_key, f.event_key from crisis_flag_moments m"
                " join crisis_flags f on f.id = m.flag_id order by m.event_key"
            )
        ).fetchall()
    engine.dispose()
    first_id = 1  # a1, the conversation's earliest open flag
    assert [tuple(r) for r in flags] == [
        ("a1", False, None, None, 2),
        ("a2", True, None, None, 1),
        ("a3", True, "system", f"merged into flag {first_id} (one open flag per conversation)", 1),
        ("b1", False, None, None, 1),
    ]
    assert [tuple(r) for r in moments] == [("a1", "a1"), ("a2", "a2"), ("a3", "a1"), ("b1", "b1")]


def test_servers_starting_together_migrate_once_without_errors(db_url):
    """L6: three processes upgrade one fresh PostgreSQL schema at once (as
    Rasa servers starting together do); without the advisory lock two of
    them failed on tables the first had just created."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time anyway")
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "iopnav.migrate", "upgrade", db_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    results = [(run.wait(timeout=120), run.stderr.read()[-300:]) for run in runs]
    assert [code for code, _ in results] == [0, 0, 0], results
    engine = create_engine(db_url)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from alembic_version")).scalar() == 1
    engine.dispose()
