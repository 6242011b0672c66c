"""A flood of crisis messages (review H1): 500 from 50 fresh conversations in
a minute, on the web page, by SMS and on the REST webhook. Every one still
gets the hand-off; staff find at most one open flag per conversation and get
one collapsed alert for the burst, not 500."""

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, List, Tuple

from sqlalchemy import bindparam, create_engine, text

from iopnav.safety import resources
from tests.faults.helpers import HANDOFF_SECONDS, Turn, WebChat, new_phone, rest, sms, squash

CONVERSATIONS = 50
MESSAGES_EACH = 10
FLOOD_SECONDS = 60
# Clear suicidal statements, different words each time (nobody repeats
# themselves exactly; a dedupe by text must not be what saves the day).
CRISIS_LINES = [
    "I want to kill myself tonight",
    "i am going to end my life",
    "I have the pills and I am going to take them all to die",
    "I don't want to be alive anymore",
    "I'm going to kill myself",
    "i want to die tonight",
    "I have a plan to end my life this weekend",
    "everyone would be better off if I killed myself",
    "I'm thinking about suicide right now",
    "I want to end it all tonight",
]


def any_handoff(turn: Turn, channel: str) -> bool:
    """A hand-off of any kind (a plan with pills may be read as an overdose)."""
    r = resources.load()
    kinds = (None, "suicide", "overdose", "harm_others", "child", "abuse")
    return any(squash(resources.handoff_for(r, k, channel)) in squash(turn.text) for k in kinds)


@dataclass
class Person:
    channel: str
    say: Callable[[str], Turn]
    sender: Callable[[], str]  # the id staff find the conversation by


def person(stack, index: int) -> Person:
    """The index-th fresh conversation: web page, SMS and REST in turn."""
    wait = HANDOFF_SECONDS + 5
    if index % 3 == 0:
        chat = WebChat(stack.web_url)
        return Person("web", lambda m: chat.say(m, timeout=wait), lambda: chat.sender)
    if index % 3 == 1:
        phone = new_phone()
        return Person("sms", lambda m: sms(stack.rasa_url, phone, m, timeout=wait), lambda: phone)
    sender = "flood-" + uuid.uuid4().hex
    return Person("rest", lambda m: rest(stack.rasa_url, sender, m, timeout=wait), lambda: sender)


def open_flags(database_url: str, senders: List[str]) -> dict:
    engine = create_engine(database_url)
    query = text(
        "select sender_id, count(*) from crisis_flags "
        "where sender_id in :senders and not acknowledged group by sender_id"
    ).bindparams(bindparam("senders", expanding=True))
    try:
        with engine.connect() as conn:
            return dict(conn.execute(query, {"senders": senders}).fetchall())
    finally:
        engine.dispose()


def flood(people: List[Person]) -> List[Tuple[str, Turn, float]]:
    """Open loop, like an attacker's script: message j goes out at j * 0.12 s
    (500 in 60 s) whatever the answers, conversations taking turns, so a
    slow server shows as slow hand-offs, not as a slower flood.
    Returns (channel, turn, when it was sent)."""
    gap = FLOOD_SECONDS / (CONVERSATIONS * MESSAGES_EACH)
    started = time.monotonic()

    def send(j: int) -> Tuple[str, Turn, float]:
        who, line = people[j % CONVERSATIONS], CRISIS_LINES[j // CONVERSATIONS]
        time.sleep(max(0.0, started + j * gap - time.monotonic()))
        sent = time.monotonic() - started
        return who.channel, who.say(line), sent

    with ThreadPoolExecutor(max_workers=200) as pool:
        return list(pool.map(send, range(CONVERSATIONS * MESSAGES_EACH)))


def test_flood_of_crisis_messages(flood_stack):
    people = [person(flood_stack, i) for i in range(CONVERSATIONS)]
    alerts_before = len(flood_stack.alerts.posts)
    sent = flood(people)
    results = [(channel, turn) for channel, turn, _ in sent]
    senders = [who.sender() for who in people]
    last_sent = max(when for _, _, when in sent)
    print(
        f"flood: {len(results)} messages sent over {last_sent:.1f} s, slowest hand-off "
        f"{max(t.seconds for _, t in results):.1f} s"
    )
    assert last_sent <= FLOOD_SECONDS + 2, f"the flood took {last_sent:.0f} s to send"

    missed = [(c, t) for c, t in results if not any_handoff(t, c)]
    assert not missed, f"{len(missed)} of {len(results)} without a hand-off, e.g. {missed[:2]}"
    slow = [t.seconds for _, t in results if t.seconds > HANDOFF_SECONDS]
    assert not slow, f"{len(slow)} hand-offs after more than {HANDOFF_SECONDS} s"

    # Staff: every conversation flagged, none more than once while open.
    deadline = time.monotonic() + 60
    while True:
        flags = open_flags(flood_stack.database_url, senders)
        if len(flags) == CONVERSATIONS or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert len(flags) == CONVERSATIONS, f"{CONVERSATIONS - len(flags)} conversations not flagged"
    assert max(flags.values()) == 1, f"open flags per conversation: {sorted(flags.values())[-5:]}"

    # One collapsed alert for the whole burst, once it has gone quiet.
    deadline = time.monotonic() + 60
    while len(flood_stack.alerts.posts) == alerts_before and time.monotonic() < deadline:
        time.sleep(1)
    time.sleep(5)  # anything else the burst would send
    alerts = flood_stack.alerts.posts[alerts_before:]
    assert len(alerts) == 1, f"{len(alerts)} alerts for one burst: {alerts[:3]}"
