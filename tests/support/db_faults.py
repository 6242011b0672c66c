"""Database faults that end: a SQLite file write-locked by another
connection, and a PostgreSQL URL on a closed port that a forwarder later
connects to the real server."""

import contextlib
import sqlite3
from pathlib import Path
from typing import Iterable, Iterator, Tuple

from sqlalchemy.engine import Engine, make_url

from iopnav.services import free_port
from tests.support.databases import PG_BASE_URL
from tests.support.tcpproxy import TcpProxy


@contextlib.contextmanager
def sqlite_write_lock(
    path: Path, readers_too: bool = False, engines: Iterable[Engine] = ()
) -> Iterator[None]:
    """Hold the write lock (as the console's retention or another process
    would); with `readers_too`, reads wait as well (a process holding the
    database in exclusive locking mode: with write-ahead logging, a writer
    mid-commit no longer stops readers). Exclusive locking needs the file to
    itself, so the pooled connections of `engines` are closed first."""
    for engine in engines:
        engine.dispose()
    lock = sqlite3.connect(str(path), isolation_level=None)
    if readers_too:
        lock.execute("PRAGMA locking_mode=EXCLUSIVE")  # ends with the connection
    lock.execute("BEGIN EXCLUSIVE" if readers_too else "BEGIN IMMEDIATE")
    try:
        yield
    finally:
        lock.execute("ROLLBACK")
        lock.close()


def unreachable(db_url: str) -> Tuple[str, int]:
    """The same PostgreSQL database behind a closed port: (url, port)."""
    port = free_port()
    return make_url(db_url).set(port=port).render_as_string(hide_password=False), port


def reconnect(port: int) -> TcpProxy:
    """End the fault: the closed port now leads to the real server."""
    real = make_url(PG_BASE_URL)
    proxy = TcpProxy(real.port or 5432, real.host or "127.0.0.1")
    proxy.port = port  # listen where the "unreachable" URL points
    return proxy.start()
