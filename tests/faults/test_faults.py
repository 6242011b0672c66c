"""Fault injection against the real servers: in each fault a crisis message
on the web page and by SMS gets the hand-off within 15 s, and its flag is in
the database within 60 s of the fault ending; each first shows that the
fault is real (the ordinary question is not answered normally)."""

import contextlib
import signal

from tests.faults.helpers import PROGRAM_QUESTION, WebChat, new_phone, sms, sqlite_write_locked
from tests.faults.scenario import answered_normally, run_scenario


# --- without a fault, the same questions are answered normally ----------------
def test_without_a_fault_the_ordinary_question_is_answered_on_both_channels(sqlite_stack):
    assert answered_normally(WebChat(sqlite_stack.web_url).say(PROGRAM_QUESTION))
    assert answered_normally(sms(sqlite_stack.rasa_url, new_phone(), PROGRAM_QUESTION))


def test_without_a_fault_postgresql_and_redis_answer_through_the_proxies(pg_stack):
    assert answered_normally(WebChat(pg_stack.web_url).say(PROGRAM_QUESTION))
    assert answered_normally(sms(pg_stack.rasa_url, new_phone(), PROGRAM_QUESTION))
    assert pg_stack.proxies["tracker"].connections and pg_stack.proxies["app"].connections


# --- the action server ---------------------------------------------------------
@contextlib.contextmanager
def action_server_killed(stack):
    stack.signal_actions(signal.SIGKILL)
    try:
        yield
    finally:
        stack.restart_actions()


@contextlib.contextmanager
def action_server_frozen(stack):
    stack.signal_actions(signal.SIGSTOP)
    try:
        yield
    finally:
        stack.signal_actions(signal.SIGCONT)


def test_action_server_killed(sqlite_stack):
    outcome = run_scenario(
        sqlite_stack, action_server_killed(sqlite_stack), sqlite_stack.database_url
    )
    outcome.assert_fault_was_real()
    outcome.assert_crisis_handled()


def test_action_server_frozen_mid_turn(sqlite_stack):
    outcome = run_scenario(
        sqlite_stack,
        action_server_frozen(sqlite_stack),
        sqlite_stack.database_url,
        ordinary_in_background=True,
    )
    outcome.assert_fault_was_real()
    outcome.assert_crisis_handled()


# --- the tracker store -----------------------------------------------------------
def not_recorded(stack):
    """True when the conversation holds no trace of the ordinary question:
    staff would never see it."""

    def check(sender: str) -> bool:
        try:
            events = stack.tracker(sender)["events"]
        except Exception:
            return True
        return not any(e.get("text") == PROGRAM_QUESTION for e in events)

    return check


def test_tracker_database_locked_sqlite(sqlite_stack):
    outcome = run_scenario(
        sqlite_stack,
        sqlite_write_locked(sqlite_stack.tracker_store_url),
        sqlite_stack.database_url,
    )
    outcome.assert_fault_was_real(unstored=not_recorded(sqlite_stack))
    outcome.assert_crisis_handled()


@contextlib.contextmanager
def cut(proxy):
    proxy.cut()
    try:
        yield
    finally:
        proxy.restore()


def test_tracker_database_cut_off_postgresql(pg_stack):
    outcome = run_scenario(pg_stack, cut(pg_stack.proxies["tracker"]), pg_stack.direct_database_url)
    # The tracker store refuses (iopnav/refusing_store.py) rather than answer
    # from memory; either way the conversation cannot have the question.
    outcome.assert_fault_was_real(unstored=not_recorded(pg_stack))
    outcome.assert_crisis_handled()


# --- the application database and the lock store ------------------------------
def test_application_database_refusing_connections(pg_stack):
    outcome = run_scenario(pg_stack, cut(pg_stack.proxies["app"]), pg_stack.direct_database_url)
    outcome.assert_fault_was_real()
    outcome.assert_crisis_handled()


def test_redis_lock_store_cut_off(pg_stack):
    outcome = run_scenario(pg_stack, cut(pg_stack.proxies["redis"]), pg_stack.direct_database_url)
    outcome.assert_fault_was_real()
    outcome.assert_crisis_handled()
