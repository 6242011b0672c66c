"""A message sent again under its id (the widget's and the REST body's
message_id, Twilio's MessageSid) is answered from the stored turn and never
run twice, on the server that ran it and on another one that shares only the
tracker store (iopnav/channels/idempotency.py). And a tracker store that
cannot be read or written fails the turn, which the channel answers itself,
instead of Rasa answering from memory (iopnav/refusing_store.py).

Two "servers" in this process: two Agents around the trained model (loaded
once), each with its own tracker store object (same database, own
connections), lock store, processor and Sanic app.
"""

import time
import uuid
from collections import Counter

import pytest
from sqlalchemy import create_engine, text

from iopnav import migrate
from iopnav.channels.idempotency import innermost
from iopnav.channels.rest import UNAVAILABLE
from iopnav.refusing_store import RefusingTrackerStore
from iopnav.safety import resources
from iopnav.safety.handoffs import by_kind as handoffs_by_kind
from iopnav.tracker_store import EnvSQLTrackerStore
from tests.channels.inprocess import Channels, flags_for, load_agent
from tests.support.assistant import model_path
from tests.support.db_faults import sqlite_write_lock

# Loads the trained model in-process (about 30 s), so not in `make test-fast`.
pytestmark = pytest.mark.slow

QUESTION = "what is an IOP?"
CRISIS = "I have the pills and I am taking them all tonight"
DEADLINE = 2.0


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    folder = tmp_path_factory.mktemp("retries")
    app_url = f"sqlite:///{folder / 'iop.db'}"
    migrate.upgrade(app_url)
    return app_url, folder / "tracker.db"


@pytest.fixture(scope="module")
def servers(databases):
    """(server one, server two), sharing the tracker store's database."""
    if not model_path().exists():
        pytest.fail("No trained model: run `make train` (make test does it first).")
    app_url, tracker_file = databases
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("IOP_DATABASE_URL", app_url)
        mp.setenv("IOP_TRACKER_STORE_URL", f"sqlite:///{tracker_file}")
        mp.setenv("IOP_SQLITE_BUSY_SECONDS", "0.2")
        mp.setenv("IOP_STAFF_ALERT_URL", "")
        mp.setenv("IOP_WEB_TURN_DEADLINE", str(DEADLINE))
        mp.setenv("IOP_SMS_TURN_DEADLINE", str(DEADLINE))
        one = Channels(load_agent(EnvSQLTrackerStore()))
        two = Channels(load_agent(EnvSQLTrackerStore()))
        for server in (one, two):
            count_dialogue_turns(server)
        yield one, two
        one.close()
        two.close()


def count_dialogue_turns(server: Channels) -> None:
    """server.turns[message id]: how often the dialogue ran that message."""
    processor = server.agent.processor
    real = processor.handle_message
    server.turns = Counter()

    async def counted(message):
        server.turns[message.message_id] += 1
        return await real(message)

    processor.handle_message = counted


def runs(servers, message_id):
    return sum(server.turns[message_id] for server in servers)


@pytest.fixture(autouse=True)
def healthy(servers):
    yield
    for server in servers:
        server.heal()


def new_id():
    return uuid.uuid4().hex


def stored_user_events(tracker_file, sender):
    engine = create_engine(f"sqlite:///{tracker_file}")
    try:
        with engine.connect() as conn:
            return conn.execute(
                text("select data from events where sender_id = :s and type_name = 'user'"),
                {"s": sender},
            ).fetchall()
    finally:
        engine.dispose()


def test_rest_a_resent_message_gets_the_first_answer_on_either_server(servers, databases):
    one, two = servers
    sender, message_id = "retry-" + new_id(), new_id()
    status, first, _ = one.rest(sender, QUESTION, message_id)
    assert status == 200 and "outpatient" in first[0]["text"].lower()
    assert one.rest(sender, QUESTION, message_id)[:2] == (200, first)  # the same server
    assert two.rest(sender, QUESTION, message_id)[:2] == (200, first)  # another one
    assert runs(servers, message_id) == 1  # the dialogue ran it once
    assert len(stored_user_events(databases[1], sender)) == 1
    assert one.stored_user_texts(sender) == two.stored_user_texts(sender) == [QUESTION]
    # Without an id, the same text again is a new message (stored again).
    assert one.rest(sender, QUESTION)[0] == 200
    assert len(stored_user_events(databases[1], sender)) == 2


def test_rest_a_retry_replays_buttons_and_crisis_answers_exactly(servers, databases):
    one, two = servers
    sender = "retry-" + new_id()
    for message in ("hi", CRISIS):
        message_id = new_id()
        status, first, _ = one.rest(sender, message, message_id)
        assert status == 200 and first
        assert two.rest(sender, message, message_id)[:2] == (200, first)
        assert runs(servers, message_id) == 1
    assert one.stored_user_texts(sender) == ["hi", CRISIS]
    # One crisis moment for staff, though it was answered twice.
    [flag] = flags_for(databases[0], sender)
    time.sleep(1)  # the outbox writes from its own thread: a second moment would be in
    [flag] = flags_for(databases[0], sender)
    assert flag["moments"] == 1


def test_sms_a_retried_webhook_on_another_server_gets_the_first_reply(servers, databases):
    one, two = servers
    number, sid = "+1555" + str(uuid.uuid4().int)[:7], "SM" + new_id()
    first = one.sms(number, QUESTION, sid=sid)
    assert first[0] == 200 and "outpatient" in " ".join(first[1]).lower()
    # Server two never saw this SID (its in-memory dedupe is empty).
    assert two.sms(number, QUESTION, sid=sid) == first
    assert runs(servers, sid) == 1
    assert len(stored_user_events(databases[1], number)) == 1


def test_a_resend_after_a_late_answer_gets_the_stored_answer(servers, databases):
    """The widget's story: the first attempt is not answered in time (the
    conversation's lock is held by a stuck turn), the visitor sends it again;
    by then the first attempt has run, and the resend gets its answer."""
    one, _ = servers
    sender, message_id = "retry-" + new_id(), new_id()
    with one.lock_held(sender):
        status, answer, _ = one.rest(sender, QUESTION, message_id)
        assert status == 503 and answer["message"] == UNAVAILABLE  # not answered in time
    # The first attempt went on in the background and is stored now.
    assert one.wait_until_stored(sender, [QUESTION]) == [QUESTION]
    status, replies, _ = one.rest(sender, QUESTION, message_id)
    assert status == 200 and "outpatient" in replies[0]["text"].lower()
    assert runs(servers, message_id) == 1
    assert len(stored_user_events(databases[1], sender)) == 1


def test_an_invalid_message_id_is_refused_clearly(servers):
    one, _ = servers
    for bad in ("short", "x" * 65, "has space in it", 12345678):
        status, answer, _ = one.rest("retry-" + new_id(), QUESTION, bad)
        assert status == 400 and answer["error"] == "invalid_message_id", bad


# ---- a tracker store that cannot be read or written ------------------------------------


def store_engines(servers):
    return [innermost(server.agent.tracker_store).engine for server in servers]


def handoffs():
    kinds = [None, *handoffs_by_kind(resources.load())]
    return {resources.handoff_for(resources.load(), kind, "rest") for kind in kinds}


def test_rasas_wrapper_answers_from_memory_when_the_store_fails(servers, databases):
    """The fault is real: with Rasa's FailSafeTrackerStore the turn runs as a
    new conversation and is kept in memory; the transcript never has it."""
    one, _ = servers
    one.use_tracker_store(one.agent.tracker_store._tracker_store)  # Rasa's own wrapper
    sender = "store-down-" + new_id()
    with sqlite_write_lock(databases[1], readers_too=True, engines=store_engines(servers)):
        status, replies, _ = one.rest(sender, QUESTION)
    assert status == 200 and "outpatient" in replies[0]["text"].lower()
    assert stored_user_events(databases[1], sender) == []


def test_our_store_refuses_and_the_channel_answers_a_crisis_itself(servers, databases):
    one, _ = servers
    assert isinstance(one.agent.tracker_store, RefusingTrackerStore)
    sender = "store-down-" + new_id()
    with sqlite_write_lock(databases[1], readers_too=True, engines=store_engines(servers)):
        status, answer, _ = one.rest(sender, QUESTION, new_id())
        assert status == 503 and answer["message"] == UNAVAILABLE
        status, replies, _ = one.rest(sender, CRISIS, new_id())
        assert status == 200 and [r["text"] for r in replies][-1] in handoffs()
    [flag] = flags_for(databases[0], sender)
    assert flag["channel"] == "rest"
    assert one.agent.tracker_store._fallback_tracker_store is None  # nothing in memory
    assert stored_user_events(databases[1], sender) == []
    # Once the database answers again, the conversation goes on normally.
    status, replies, _ = one.rest(sender, QUESTION, new_id())
    assert status == 200 and "outpatient" in replies[0]["text"].lower()
