"""The crisis-flag outbox: enqueue_flag() returns at once, the moment is kept
in a local journal, and the flag reaches the flags table once the
application database works again, also after a restart. Alerts are
collapsed per burst, name no person, and are retried and re-sent once when
nobody acknowledges."""

import logging
import time
import uuid
from collections import Counter

import pytest
from sqlalchemy.exc import OperationalError

from iopnav import migrate
from iopnav.db import session_factory
from iopnav.safety import outbox
from iopnav.safety.flags import CrisisFlag, acknowledge, flagged_keys, record_flag
from tests.support.alert_sink import AlertSink
from tests.support.databases import postgres_available
from tests.support.db_faults import reconnect, sqlite_write_lock, unreachable
from tests.support.waiting import wait_for


@pytest.fixture
def app_db(db_url, monkeypatch):
    migrate.upgrade(db_url)
    monkeypatch.setenv("IOP_DATABASE_URL", db_url)
    return db_url


@pytest.fixture
def sink(monkeypatch):
    sink = AlertSink()
    monkeypatch.setenv("IOP_STAFF_ALERT_URL", sink.url)
    monkeypatch.setenv("IOP_ALERT_GATHER_SECONDS", "1")
    monkeypatch.setenv("IOP_ALERT_BURST_SECONDS", "1")
    yield sink
    sink.close()


def flags_of(db_url):
    with session_factory(db_url)() as db:
        return db.query(CrisisFlag).order_by(CrisisFlag.id).all()


def timed_enqueue(*args, **kwargs) -> float:
    start = time.perf_counter()
    outbox.enqueue_flag(*args, **kwargs)
    return time.perf_counter() - start


def test_enqueue_returns_at_once_and_the_flag_is_written(app_db):
    assert timed_enqueue("web-a", "m1", "suicidal_explicit", "rest", '["kill myself"]') < 0.5
    wait_for(lambda: flagged_keys("web-a", url=app_db) == {"m1"})
    [flag] = flags_of(app_db)
    assert (flag.category, flag.channel, flag.evidence) == (
        "suicidal_explicit",
        "rest",
        '["kill myself"]',
    )
    wait_for(lambda: outbox.worker(app_db).journal.pending() == 0)


@pytest.fixture
def lockable_db(tmp_path, monkeypatch):
    """A SQLite application database whose lock waits are short."""
    db_url = f"sqlite:///{tmp_path / 'iop.db'}"
    migrate.upgrade(db_url)
    monkeypatch.setenv("IOP_DATABASE_URL", db_url)
    monkeypatch.setenv("IOP_SQLITE_BUSY_SECONDS", "0.2")
    return db_url, tmp_path / "iop.db"


def test_a_locked_flags_table_delays_the_flag_but_never_loses_it(lockable_db):
    db_url, path = lockable_db
    with sqlite_write_lock(path):
        # The fault is real: a direct write fails.
        with pytest.raises(OperationalError, match="locked"):
            record_flag("+15550100001", "direct", url=db_url)
        assert timed_enqueue("+15550100001", "sms-1", "plan", "sms") < 0.5
        time.sleep(1.0)  # several retries happen meanwhile
        assert outbox.worker(db_url).journal.pending() == 1
    wait_for(lambda: flagged_keys("+15550100001", url=db_url) == {"sms-1"})
    wait_for(lambda: outbox.worker(db_url).journal.pending() == 0)


@pytest.mark.postgres
@pytest.mark.skipif(not postgres_available(), reason="PostgreSQL is not reachable")
def test_an_unreachable_postgresql_delays_the_flag_but_never_loses_it(db_url, monkeypatch):
    if not db_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL variant")
    migrate.upgrade(db_url)
    down_url, port = unreachable(db_url)
    monkeypatch.setenv("IOP_DATABASE_URL", down_url)
    with pytest.raises(OperationalError):  # the fault is real: nothing listens there
        record_flag("web-pg", "direct", url=down_url)
    assert timed_enqueue("web-pg", "m1", "plan", "rest") < 0.5
    time.sleep(1.0)
    assert outbox.worker(down_url).journal.pending() == 1
    forwarder = reconnect(port)
    try:
        wait_for(lambda: flagged_keys("web-pg", url=db_url) == {"m1"})
    finally:
        outbox.stop_all()
        forwarder.stop()


def test_moments_left_by_a_crashed_process_are_replayed_at_start(lockable_db):
    db_url, path = lockable_db
    with sqlite_write_lock(path):
        outbox.enqueue_flag("web-crash", "m1", "plan", "rest")
        time.sleep(0.5)
        outbox.stop_all()  # the process dies with the moment still in the journal
    time.sleep(0.5)
    assert flagged_keys("web-crash", url=db_url) == set()  # nobody wrote it meanwhile
    outbox.worker(db_url)  # the next process starts
    wait_for(lambda: flagged_keys("web-crash", url=db_url) == {"m1"})


def test_a_flood_leaves_one_open_flag_per_conversation_and_one_alert(app_db, sink, monkeypatch):
    """H1: 500 crisis moments from 50 conversations in a minute."""
    monkeypatch.setenv("IOP_ALERT_GATHER_SECONDS", "3")
    monkeypatch.setenv("IOP_ALERT_BURST_SECONDS", "60")
    senders = [f"web-{i:02d}" for i in range(50)]
    for n in range(500):
        outbox.enqueue_flag(senders[n % 50], f"m{n}", "suicidal_explicit", "rest")
    wait_for(lambda: sum(f.moments for f in flags_of(app_db)) == 500, timeout=120)
    flags = flags_of(app_db)
    assert Counter(f.sender_id for f in flags if not f.acknowledged) == Counter(
        dict.fromkeys(senders, 1)
    )
    assert {f.moments for f in flags} == {10}
    wait_for(lambda: sink.received, timeout=30)
    time.sleep(2)  # nothing else follows
    assert len(sink.received) == 1, sink.received
    [alert] = sink.received
    # The moments keep counting after the alert; the alert is a snapshot.
    assert (alert["type"], alert["conversations"]) == ("crisis_burst", 50)
    assert 50 <= alert["moments"] <= 500
    assert alert["console_url"].endswith("/conversations?flagged=1")


def test_the_alert_names_no_person_and_links_the_console_number(app_db, sink):
    outbox.set_console_key(lambda sender: 4321 if sender == "+15550107777" else None)
    outbox.enqueue_flag("+15550107777", "sms-1", "suicidal_explicit", "sms", '["kill myself"]')
    [alert] = wait_for(lambda: sink.received)
    assert alert["type"] == "crisis_flag" and alert["conversations"] == 1
    assert alert["console_url"].endswith("/transcript/4321")
    body = str(alert)
    for leak in ("5550107777", "suicidal", "sms", "kill"):
        assert leak not in body
    # More moments in the same open conversation alert nobody.
    outbox.enqueue_flag("+15550107777", "sms-2", "plan", "sms")
    wait_for(lambda: flags_of(app_db)[0].moments == 2)
    time.sleep(1.5)
    assert len(sink.received) == 1


def test_a_failed_alert_is_retried_and_logs_the_host_only(app_db, sink, caplog):
    sink.failing = True
    caplog.set_level(logging.WARNING)
    outbox.enqueue_flag("web-retry", "m1", "plan", "rest")
    wait_for(lambda: "staff alert to host 127.0.0.1 failed" in caplog.text)
    assert "SECRETPART" not in caplog.text and "/hook" not in caplog.text
    wait_for(lambda: flags_of(app_db)[0].alerted_at is None)  # released for the next try
    sink.failing = False
    [alert] = wait_for(lambda: sink.received)
    assert alert["type"] == "crisis_flag"


def test_plain_http_alerts_are_refused_except_to_loopback(app_db, monkeypatch, caplog):
    from iopnav.safety import alerts

    caplog.set_level(logging.ERROR)
    assert alerts.usable_url("https://hooks.example.org/T0/B0/X") is not None
    assert alerts.usable_url("http://127.0.0.1:9/hook") is not None
    url = f"http://hooks.example.org/services/{uuid.uuid4().hex}/SECRETPART"
    assert alerts.usable_url(url) is None and alerts.usable_url(url) is None
    assert caplog.text.count("must be https (host hooks.example.org)") == 1
    assert "SECRETPART" not in caplog.text
    assert alerts.post({"type": "x"}, url) is False


def test_an_unacknowledged_flag_is_alerted_again_once(app_db, sink, monkeypatch):
    monkeypatch.setenv("IOP_FLAG_REALERT_MINUTES", "0.03")  # about 2 s
    outbox.enqueue_flag("web-late", "m1", "plan", "rest")
    wait_for(lambda: len(sink.received) == 2, timeout=20)
    assert [a["type"] for a in sink.received] == ["crisis_flag", "still_unacknowledged"]
    time.sleep(3)
    assert len(sink.received) == 2  # once, not every tick


def test_the_journal_is_readable_by_its_owner_only(app_db):
    outbox.enqueue_flag("+15550100003", "m1", "plan", "sms", '["pills"]')
    journal = outbox.worker(app_db).journal.path
    files = [p for p in journal.parent.iterdir() if p.name.startswith(journal.name)]
    assert journal in files and len(files) >= 2  # the file and its WAL
    assert {oct(p.stat().st_mode & 0o777) for p in files} == {"0o600"}
    assert oct(journal.parent.stat().st_mode & 0o777) == "0o700"


def test_a_conversation_alerted_minutes_ago_is_not_alerted_again(app_db, sink):
    """Staff acknowledged, then the same visitor flags again at once: the
    new flag is open and pinned, but the webhook stays quiet for
    IOP_ALERT_CONVERSATION_MINUTES (10)."""
    outbox.enqueue_flag("web-again", "m1", "plan", "rest")
    wait_for(lambda: sink.received)
    with session_factory(app_db)() as db:
        acknowledge(db, db.query(CrisisFlag).all(), "nurse@clinic.example")
        db.commit()
    outbox.enqueue_flag("web-again", "m2", "plan", "rest")
    wait_for(lambda: len(flags_of(app_db)) == 2)
    time.sleep(2.5)
    assert len(sink.received) == 1
    assert [f.acknowledged for f in flags_of(app_db)] == [True, False]
