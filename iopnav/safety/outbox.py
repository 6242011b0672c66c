"""The one way to raise a crisis flag for staff: enqueue_flag().

Callers (the tracker store, the channels' own fallback, the opted-out SMS
path) never write the flags table or send the staff alert themselves.

enqueue_flag() only appends the moment to a local journal (a small SQLite
file under var/outbox/, one per application database, mode 0600) and wakes
a worker thread. The application database may be the thing that is down, so
the journal is not in it. The worker writes journal entries into the flags
table (idempotent per sender and moment), retrying with exponential backoff
until it succeeds, then deletes them; entries left by a crash or a restart
are replayed when the next worker starts. The same worker sends the staff
alerts that are due (safety/alerts.py) and runs periodic jobs such as the
tracker store's sweeper.

If even the local journal cannot be written (disk full), the moment is kept
in memory for the worker, and the sweeper finds it again from the stored
conversation.
"""

import hashlib
import logging
import os
import sqlite3
import tempfile
import threading
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

from iopnav import settings
from iopnav.db import get_engine
from iopnav.ops import metrics
from iopnav.safety import alerts
from iopnav.safety.flags import Recorded, record_moment

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
    id INTEGER PRIMARY KEY,
    sender_id TEXT NOT NULL,
    event_key TEXT NOT NULL,
    category TEXT,
    channel TEXT,
    evidence TEXT,
    note TEXT,
    queued_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL DEFAULT 0,
    UNIQUE (sender_id, event_key)
)
"""
BATCH = 200  # moments per journal read
Moment = Tuple[str, str, Optional[str], Optional[str], Optional[str], Optional[str]]


def _seconds(name: str, default: str) -> float:
    return float(settings.env(name, default))


def journal_path(database_url: Optional[str] = None) -> Path:
    """One journal per application database, so test servers and clinics
    sharing a machine never replay each other's flags."""
    url = database_url or settings.database_url()
    folder = Path(settings.env("IOP_OUTBOX_DIR", str(settings.VAR_DIR / "outbox")))
    return folder / f"flags-{hashlib.sha256(url.encode()).hexdigest()[:16]}.sqlite"


class Journal:
    """The local, durable list of moments not yet in the flags table."""

    def __init__(self, path: Path, wait: float = 1.0):
        self.path = path
        # Short busy wait on the caller's thread (enqueue); the worker waits longer.
        self.wait = wait
        self._append_lock = threading.Lock()
        self._appender: Optional[sqlite3.Connection] = None
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Sender ids (phone numbers) and evidence: owner only. Created before
        # SQLite opens it, since its -wal and -shm files copy the file's mode.
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        os.chmod(path, 0o600)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(SCHEMA)

    @contextmanager
    def _connect(self, wait: Optional[float] = None):
        conn = sqlite3.connect(str(self.path), timeout=wait or 10.0, isolation_level=None)
        with closing(conn):
            # Survives a crash of the process (the case that matters); a power
            # cut may lose the last moments, which the sweeper then finds again.
            conn.execute("PRAGMA synchronous=NORMAL")
            yield conn

    def append(self, moment: Moment) -> None:
        with self._append_lock:
            if self._appender is None:  # one open connection: connecting costs more than the insert
                self._appender = sqlite3.connect(
                    str(self.path), timeout=self.wait, isolation_level=None, check_same_thread=False
                )
                self._appender.execute("PRAGMA synchronous=NORMAL")
            try:
                self._appender.execute(
                    "INSERT OR IGNORE INTO pending (sender_id, event_key, category, channel,"
                    " evidence, note, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (*moment, time.time()),
                )
            except sqlite3.Error:
                self._appender.close()
                self._appender = None  # reconnect next time
                raise

    def due(self, now: float, limit: int = 200) -> List[Tuple[int, int, Moment]]:
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT id, attempts, sender_id, event_key, category, channel, evidence, note"
                " FROM pending WHERE next_try <= ? ORDER BY id LIMIT ?",
                (now, limit),
            ).fetchall()
        return [(r[0], r[1], tuple(r[2:])) for r in rows]

    def done(self, entry_ids: List[int]) -> None:
        with self._connect() as conn:
            conn.executemany("DELETE FROM pending WHERE id = ?", [(i,) for i in entry_ids])

    def retry_later(self, entry_id: int, attempts: int, at: float) -> None:
        with self._connect() as conn:
            conn.execute(
                "UPDATE pending SET attempts = ?, next_try = ? WHERE id = ?",
                (attempts, at, entry_id),
            )

    def pending(self) -> int:
        with self._connect() as conn:
            return conn.execute("SELECT count(*) FROM pending").fetchone()[0]


def backoff(attempts: int) -> float:
    base = _seconds("IOP_OUTBOX_RETRY_SECONDS", "1")
    return min(base * (2 ** max(attempts - 1, 0)), _seconds("IOP_OUTBOX_MAX_RETRY_SECONDS", "60"))


@dataclass
class Periodic:
    every: float
    job: Callable[[], object]
    name: str
    once: bool = False  # retired after its first success
    next_run: float = 0.0


@dataclass
class Worker:
    """Drains one journal into one application database, and sends alerts."""

    database_url: str
    journal: Journal
    wake: threading.Event = field(default_factory=threading.Event)
    memory: List[Moment] = field(default_factory=list)  # when the journal failed
    jobs: Dict[str, Periodic] = field(default_factory=dict)
    alert_failures: int = 0
    next_alert: float = 0.0
    console_key: Optional[Callable[[str], Optional[int]]] = None
    thread: Optional[threading.Thread] = None
    stopped: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="crisis-flag-outbox", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        tick = _seconds("IOP_OUTBOX_TICK_SECONDS", "1")
        while not self.stopped.is_set():
            self.wake.wait(tick)
            self.wake.clear()
            if not self.stopped.is_set():
                self.step()

    def step(self, now: Optional[float] = None) -> None:
        """One pass: write due moments, run due jobs, send due alerts."""
        now = time.time() if now is None else now
        for guarded in (self._drain, self._run_jobs, self._alert):
            try:
                guarded(now)
            except Exception as exc:  # the type only: messages may hold health data (M6)
                logger.error(
                    "crisis flag outbox: %s failed (%s)", guarded.__name__, type(exc).__name__
                )

    def _drain(self, now: float) -> None:
        while self.memory:
            outcome = record_moment(*self.memory[0], url=self.database_url)
            self.memory.pop(0)
            _count(outcome)  # after the pop: a scrape never sees it written and still pending
        while self._drain_batch(now, BATCH) == BATCH:  # a flood: keep going, no tick wait
            pass

    def _drain_batch(self, now: float, size: int) -> int:
        """Write up to `size` due moments; returns how many were written."""
        written: List[int] = []
        outcomes: List[Recorded] = []
        try:
            for entry_id, attempts, moment in self.journal.due(now, size):
                try:
                    outcomes.append(record_moment(*moment, url=self.database_url))
                except Exception as exc:
                    metrics.error("flag_write")
                    attempts += 1
                    self.journal.retry_later(entry_id, attempts, now + backoff(attempts))
                    logger.warning(
                        "crisis flag not written yet (attempt %d, %s); retrying",
                        attempts,
                        type(exc).__name__,
                    )
                    break  # the database is likely down: do not wait out every entry's timeout
                written.append(entry_id)
        finally:
            if written:  # a crash before this only repeats them: recording is idempotent
                self.journal.done(written)
            # Counted once out of the journal: a scrape never sees a flag written and still pending.
            for outcome in outcomes:
                _count(outcome)
        return len(written)

    def _run_jobs(self, now: float) -> None:
        for job in list(self.jobs.values()):
            if now >= job.next_run:
                job.next_run = now + job.every
                try:
                    job.job()
                except Exception as exc:
                    logger.error("%s failed (%s)", job.name, type(exc).__name__)
                    continue
                if job.once:
                    self.jobs.pop(job.name, None)

    def _alert(self, now: float) -> None:
        if now < self.next_alert:
            return
        try:
            alerts.dispatch(self.console_key or (lambda _sender: None), db_url=self.database_url)
            self.alert_failures = 0
        except Exception:
            metrics.error("staff_alert")
            self.alert_failures += 1
            self.next_alert = now + backoff(self.alert_failures)
            raise


def _count(outcome: Recorded) -> None:
    # A repeat (a retry after a crash) wrote nothing.
    if isinstance(outcome, Recorded) and outcome is not Recorded.DUPLICATE:
        metrics.FLAGS_WRITTEN.labels(outcome.value).inc()


_workers: Dict[str, Worker] = {}
_lock = threading.Lock()


def _pending() -> int:
    """Moments this process still has to write, read when Prometheus scrapes."""
    total = 0
    for found in list(_workers.values()):
        try:
            total += found.journal.pending() + len(found.memory)
        except Exception:  # a scrape must not fail over an unreadable journal
            continue
    return total


metrics.FLAGS_PENDING.set_function(_pending)


def _open_journal(url: str) -> Journal:
    path = journal_path(url)
    try:
        return Journal(path)
    except (OSError, sqlite3.Error) as exc:  # e.g. var/ not writable: still keep flags
        fallback = Path(tempfile.gettempdir()) / f"iopnav-outbox-{os.getuid()}" / path.name
        logger.error(
            "crisis flag journal folder unusable (%s); using %s", type(exc).__name__, fallback
        )
        return Journal(fallback)


def worker(database_url: Optional[str] = None) -> Worker:
    """The running worker for this application database (started on first use;
    starting replays whatever a previous process left in the journal)."""
    url = database_url or settings.database_url()
    with _lock:
        found = _workers.get(url)
        if found is None:
            found = _workers[url] = Worker(url, _open_journal(url))
            found.start()
        return found


def drain(database_url: Optional[str] = None, timeout: float = 30.0) -> bool:
    """Wait until every queued moment is in the flags table (for scripts that
    exit right after saving a conversation, and tests); False on timeout.
    Nothing is lost either way: the next process replays the journal."""
    target = worker(database_url)
    deadline = time.monotonic() + timeout
    while target.memory or target.journal.pending():
        if time.monotonic() > deadline:
            return False
        target.wake.set()
        time.sleep(0.05)
    return True


def stop_all() -> None:
    """Stop every worker (tests: their databases go away); the journals stay."""
    with _lock:
        for found in _workers.values():
            found.stopped.set()
            found.wake.set()
        for found in _workers.values():
            if found.thread is not None:
                found.thread.join(timeout=10)
            get_engine(found.database_url).dispose()  # its pooled connections too
        _workers.clear()


def every(seconds: float, name: str, job: Callable[[], object], once: bool = False) -> None:
    """Run `job` on the outbox worker thread every `seconds` (e.g. the
    sweeper); `once`: until it first succeeds."""
    worker().jobs[name] = Periodic(seconds, job, name, once)


def set_console_key(resolver: Callable[[str], Optional[int]]) -> None:
    """How alerts name a conversation: its console number, never its sender id."""
    worker().console_key = resolver


def enqueue_flag(
    sender_id: str,
    event_key: str,
    category: str,
    channel: Optional[str],
    evidence: Optional[str] = None,
    note: Optional[str] = None,
) -> None:
    """Record one crisis moment for staff; never raises, never blocks on the
    application database or the network.

    `note` is a short reason staff should see (for example that the number
    has opted out of SMS and got no reply); it is shown in the console, not
    sent in the alert."""
    moment: Moment = (sender_id, str(event_key), category, channel, evidence, note)
    try:
        target = worker()
    except Exception as exc:
        logger.error("crisis flag outbox unavailable (%s)", type(exc).__name__)
        return
    try:
        target.journal.append(moment)
    except Exception as exc:  # e.g. disk full: keep it in memory, the sweeper is the backstop
        logger.error("crisis flag journal not written (%s); kept in memory", type(exc).__name__)
        target.memory.append(moment)
    target.wake.set()
