"""Scripted conversations against a Cluster (iopnav/ops/cluster.py) through
HAProxy, and the checks that read PostgreSQL afterwards. tests/scale runs it
twice: with the shared Redis lock store (no violation allowed) and with
per-server in-memory locks (violations must show: the checks have teeth).

A conversation is a script of steps; a step of two messages is a
double-text (both sent at once, without waiting for the first reply).
Channels: the REST webhook (HAProxy's internal Rasa side), the web page's
/api/chat (public side, its own cookie jar), and Twilio's signed SMS
webhook (public side). A message that got no answer from the dialogue (an
HTTP error, the web page's own fallback, a channel's stand-in) is sent
again under the same message id, as the widget and Twilio do, until the
dialogue answers; what the client got last is what the checks compare.
"""

import itertools
import json
import os
import random
import signal
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

import sqlalchemy as sa
from twilio.request_validator import RequestValidator

from iopnav.channels import sms_text
from iopnav.ops.cluster import Cluster
from iopnav.safety import resources
from iopnav.services import Service
from tests.support.assistant import TWILIO_TOKEN
from tests.support.sms import SmsReply, twilio_params

CRISIS = "I want to kill myself tonight"
# Steps: one message, or two sent at once (a double-text).
SCRIPTS: Dict[str, List[Tuple[str, ...]]] = {
    # Six messages or more each: with three servers (two after the kill),
    # a conversation that never crosses servers is rare (under 4%).
    "faq": [
        ("hi",),
        ("what is an IOP?", "how does insurance work?"),
        ("what therapies do you use?",),
        ("how long is the program?",),
        ("thanks",),
    ],
    "search": [
        ("hi",),
        ("do you have an evening program for teens near 33602 that takes Aetna",),
        ("what is an IOP?",),
        ("how does insurance work?",),
        ("how long is the program?",),
        ("thanks",),
    ],
    "intake": [
        ("I want to start an intake",),
        ("Ana",),
        ("813-555-0143",),
        ("evenings",),
        ("not sure",),
        ("yes",),
    ],
    "crisis": [
        ("hi",),
        ("what is an IOP?",),
        (CRISIS,),
        ("thank you",),
        ("how does insurance work?",),
        ("thanks",),
    ],
    # The teeth run: double-texts only.
    "double": [
        ("hi",),
        ("what is an IOP?", "how does insurance work?"),
        ("what therapies do you use?", "how long is the program?"),
    ],
}
CHANNELS = ("rest", "web", "sms")
REMINDER = resources.reminder_text(resources.load())
# Long enough for a dead server's ticket to expire (the lock lifetime) and a retry.
ANSWER_WITHIN = 60.0


@dataclass
class Attempt:
    status: int
    request_id: str
    texts: List[str]  # REST and web: one per bot message; SMS: the whole text
    fallback: Optional[str] = None


@dataclass
class Sent:
    text: str
    step: int
    message_id: str
    position: int = 0  # in its step: the second text of a double-text is 1
    attempts: List[Attempt] = field(default_factory=list)

    @property
    def answer(self) -> Optional[Attempt]:
        last = self.attempts[-1] if self.attempts else None
        return last if last and last.status == 200 and not last.fallback else None


@dataclass
class Conversation:
    kind: str
    channel: str
    sender: str
    sent: List[Sent] = field(default_factory=list)
    cookies: CookieJar = field(default_factory=CookieJar)

    @property
    def crisis_messages(self) -> int:
        return sum(1 for s in self.sent if s.text == CRISIS)


_numbers = itertools.count(random.randrange(0, 9000))


def _phone() -> str:
    """A fictional number (555-01xx block owners aside) unique in this run."""
    return f"+1813555{next(_numbers) % 10000:04d}"


def plan(
    count: int, kinds: Sequence[str], channels: Sequence[str] = CHANNELS
) -> List[Conversation]:
    """`count` conversations, every kind on every channel in turn."""
    conversations = []
    for n in range(count):
        channel = channels[n % len(channels)]
        sender = _phone() if channel == "sms" else f"scale-{uuid.uuid4().hex}"
        conversations.append(Conversation(kinds[n % len(kinds)], channel, sender))
    return conversations


class TurnLog:
    """The Rasa servers' JSON turn lines by request id: who answered, and
    whether the channel answered by itself (docs/operations.md, "Logs")."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self._lock = threading.Lock()

    def lines(self) -> Dict[str, dict]:
        found: Dict[str, dict] = {}
        with self._lock:
            for path in sorted(self.log_dir.glob("rasa*.log")):
                for line in path.read_text(errors="replace").splitlines():
                    if line.startswith("{") and '"event": "turn"' in line:
                        entry = json.loads(line)
                        found[entry["request_id"]] = entry
        return found

    def entry(self, request_id: str, wait: float = 2.0) -> Optional[dict]:
        deadline = time.monotonic() + wait
        while True:
            entry = self.lines().get(request_id)
            if entry or time.monotonic() > deadline:
                return entry
            time.sleep(0.1)


class Driver:
    """Sends the conversations through HAProxy, each on its own thread."""

    def __init__(
        self, cluster: Cluster, think: float = 0.3, rest_servers: Sequence[str] = ()
    ) -> None:
        self.cluster = cluster
        self.log = TurnLog(cluster.log_dir)
        self.think = think
        # REST only: the n-th text of a step goes straight to the n-th of
        # these servers, not through HAProxy (the teeth run's forced race).
        self.rest_servers = list(rest_servers)
        self.answered = 0
        self._count = threading.Lock()

    # --- one message on each channel ------------------------------------------
    def _post(self, conv: Conversation, url: str, body: bytes, headers: Dict[str, str]):
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(conv.cookies))
        request = urllib.request.Request(url, data=body, headers=headers)
        try:
            with opener.open(request, timeout=40) as resp:
                return resp.status, dict(resp.headers), resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode(errors="replace")
        except OSError as exc:
            return 0, {}, str(exc)

    def _once(self, conv: Conversation, sent: Sent) -> Attempt:
        json_headers = {"Content-Type": "application/json"}
        if conv.channel == "rest":
            body = {"sender": conv.sender, "message": sent.text, "message_id": sent.message_id}
            url = self.rest_url(sent) + "/webhooks/rest/webhook"
            status, headers, text = self._post(conv, url, json.dumps(body).encode(), json_headers)
        elif conv.channel == "web":
            body = {"message": sent.text, "message_id": sent.message_id}
            url = self.cluster.url("PUBLIC") + "/api/chat"
            status, headers, text = self._post(conv, url, json.dumps(body).encode(), json_headers)
        else:
            url = self.cluster.url("PUBLIC") + "/webhooks/sms/webhook"
            params = twilio_params(conv.sender, sent.text, MessageSid=sent.message_id)
            signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, params)
            status, headers, text = self._post(
                conv,
                url,
                urllib.parse.urlencode(params).encode(),
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Twilio-Signature": signature,
                },
            )
        headers = {k.lower(): v for k, v in headers.items()}
        attempt = Attempt(
            status, headers.get("x-request-id", ""), [], headers.get("x-iop-fallback")
        )
        if status != 200:
            return attempt
        if conv.channel == "sms":
            attempt.texts = [SmsReply(status, "", text).text]
        else:
            replies = json.loads(text)
            attempt.texts = [r.get("text") or "" for r in replies]
            if conv.channel == "web":
                conv.sender = next((r["recipient_id"] for r in replies), conv.sender)
        if attempt.fallback is None:  # REST and SMS say it in the turn line only
            entry = self.log.entry(attempt.request_id)
            attempt.fallback = entry.get("fallback") if entry else None
        return attempt

    def warm(self, server: str, rounds: int = 2) -> None:
        """The FAQ script's texts, straight to `server` in a conversation of
        its own and never checked. A restarted server's first turns are slow
        (its models warming up), and Rasa stamps a user message after its
        parse: a slow parse stamps a turn after the other server's turn of
        the same conversation ended, and hides the overlap the teeth run is
        there to show (a CI run of 2026-12-05: rasa2's first turn 1.0 s)."""
        conv = Conversation("warm", "rest", f"scale-warm-{uuid.uuid4().hex}")
        for text in [t for _ in range(rounds) for step in SCRIPTS["faq"] for t in step]:
            body = json.dumps({"sender": conv.sender, "message": text}).encode()
            self._post(
                conv, server + "/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
            )

    def rest_url(self, sent: Sent) -> str:
        if not self.rest_servers:
            return self.cluster.url("RASA")
        return self.rest_servers[sent.position % len(self.rest_servers)]

    def send(self, conv: Conversation, sent: Sent) -> None:
        deadline = time.monotonic() + ANSWER_WITHIN
        while True:
            sent.attempts.append(self._once(conv, sent))
            if sent.answer or time.monotonic() > deadline:
                break
            time.sleep(1.0)
        with self._count:
            self.answered += 1

    # --- whole conversations ----------------------------------------------------
    def converse(self, conv: Conversation) -> None:
        for number, step in enumerate(SCRIPTS[conv.kind]):
            # SMS: Twilio's MessageSid form, which the channel takes as the id.
            prefix = "SM" if conv.channel == "sms" else ""
            batch = [
                Sent(text, number, prefix + uuid.uuid4().hex, position)
                for position, text in enumerate(step)
            ]
            conv.sent += batch
            threads = [threading.Thread(target=self.send, args=(conv, s)) for s in batch[1:]]
            for thread in threads:
                thread.start()
                time.sleep(0.01)  # the second text right behind the first
            self.send(conv, batch[0])
            for thread in threads:
                thread.join()
            time.sleep(random.uniform(0, 2 * self.think))

    def run(
        self,
        conversations: List[Conversation],
        victim: Optional[Service] = None,
        kill_at: int = 0,
    ) -> float:
        """Every conversation at once; SIGKILL the `victim` server once
        `kill_at` messages have been answered. Returns the seconds it took."""
        started = time.monotonic()
        threads = [threading.Thread(target=self.converse, args=(c,)) for c in conversations]
        for thread in threads:
            thread.start()
        if victim is not None and victim.proc:
            while self.answered < kill_at and any(t.is_alive() for t in threads):
                time.sleep(0.05)
            os.killpg(victim.proc.pid, signal.SIGKILL)
        for thread in threads:
            thread.join()
        return time.monotonic() - started


# --- what PostgreSQL holds ---------------------------------------------------------


@dataclass
class StoredTurn:
    message_id: str
    timestamp: float
    last_timestamp: float  # of the turn's last event
    bot_texts: List[str]


def stored_turns(tracker_url: str, senders: Sequence[str]) -> Dict[str, List[StoredTurn]]:
    """Each conversation's stored turns in id order: a user message and the
    events after it up to the next user message."""
    engine = sa.create_engine(tracker_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT sender_id, type_name, timestamp, data FROM events"
                    " WHERE sender_id IN :senders ORDER BY id"
                ).bindparams(sa.bindparam("senders", expanding=True)),
                {"senders": list(senders)},
            ).fetchall()
    finally:
        engine.dispose()
    turns: Dict[str, List[StoredTurn]] = {s: [] for s in senders}
    for sender, type_name, timestamp, data in rows:
        event = json.loads(data)
        mine = turns[sender]
        if type_name == "user":
            mine.append(StoredTurn(event.get("message_id") or "", timestamp, timestamp, []))
        elif mine:
            mine[-1].last_timestamp = timestamp
            if type_name == "bot":
                mine[-1].bot_texts.append(event.get("text") or "")
    return turns


def app_rows(database_url: str, table: str, senders: Sequence[str]) -> Counter:
    """How many rows of `table` (referrals) each sender has, or for
    crisis_flags the number of moments counted on its flags."""
    column = "moments" if table == "crisis_flags" else "1"
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    f"SELECT sender_id, {column} FROM {table} WHERE sender_id IN :s"
                ).bindparams(sa.bindparam("s", expanding=True)),
                {"s": list(senders)},
            ).fetchall()
    finally:
        engine.dispose()
    counts: Counter = Counter()
    for sender, n in rows:
        counts[sender] += n
    return counts


# --- the checks: each returns the violations it found ------------------------------


def unanswered(conversations: List[Conversation]) -> List[str]:
    return [
        f"{c.kind}/{c.channel}: {s.text!r} no answer in {len(s.attempts)} tries"
        for c in conversations
        for s in c.sent
        if not s.answer
    ]


def stored_once_and_in_order(
    conversations: List[Conversation], stored: Dict[str, List[StoredTurn]]
) -> List[str]:
    """Every message stored exactly once, steps in the order they were sent
    (the two texts of a double-text in either order)."""
    found = []
    for c in conversations:
        ids = [t.message_id for t in stored[c.sender]]
        step_of = {s.message_id: s.step for s in c.sent}
        for s in c.sent:
            if ids.count(s.message_id) != 1:
                found.append(f"{c.kind}/{c.channel}: {s.text!r} stored {ids.count(s.message_id)}x")
        steps = [step_of[i] for i in ids if i in step_of]
        if steps != sorted(steps) or len(ids) != len(step_of):
            found.append(f"{c.kind}/{c.channel}: stored out of order or extra: steps {steps}")
    return found


def _squash(text: str) -> str:
    return " ".join(sms_text.gsm_friendly(text).split())


def _paragraphs(texts: List[str]) -> List[str]:
    return [p.strip() for t in texts for p in t.strip().split("\n\n")]


def replies_match_store(
    conversations: List[Conversation], stored: Dict[str, List[StoredTurn]]
) -> List[str]:
    """What the client got for each message is what the store says the
    dialogue answered (SMS: each stored text inside the one SMS reply)."""
    found = []
    for c in conversations:
        by_id = {t.message_id: t for t in stored[c.sender]}
        for s in c.sent:
            turn, answer = by_id.get(s.message_id), s.answer
            if not turn or not answer:
                continue  # reported by the checks above
            if c.channel == "sms":
                same = all(_squash(t) in _squash(answer.texts[0]) for t in turn.bot_texts)
            else:
                # After a hand-off the channel ends every reply with the
                # crisis reminder, which is not a dialogue event.
                # Rasa's output channels send a plain text's paragraphs as
                # messages of their own: compare the paragraphs.
                got, said = _paragraphs(answer.texts), _paragraphs(turn.bot_texts)
                same = got in (said, said + [REMINDER])
            if not same:
                found.append(
                    f"{c.kind}/{c.channel}: {s.text!r}: got {answer.texts}, stored {turn.bot_texts}"
                )
    return found


def turns_one_at_a_time(
    conversations: List[Conversation], stored: Dict[str, List[StoredTurn]]
) -> List[str]:
    """No turn of a conversation began before the previous one ended: each
    user message is stamped when its turn takes it, under the lock."""
    found = []
    for c in conversations:
        turns = stored[c.sender]
        for before, after in zip(turns, turns[1:], strict=False):
            if after.timestamp < before.last_timestamp:
                found.append(
                    f"{c.kind}/{c.channel}: two turns at once"
                    f" ({before.last_timestamp - after.timestamp:.3f} s overlap)"
                )
    return found


def counts_exact(
    conversations: List[Conversation], counts: Counter, expected: Dict[str, int], what: str
) -> List[str]:
    return [
        f"{c.kind}/{c.channel}: {counts[c.sender]} {what}, expected {expected[c.sender]}"
        for c in conversations
        if counts[c.sender] != expected[c.sender]
    ]


def servers_of(conversations: List[Conversation], log: TurnLog) -> Dict[str, Set[str]]:
    """The Rasa servers that answered each conversation (any attempt)."""
    lines = log.lines()
    return {
        c.sender: {
            lines[a.request_id]["server"]
            for s in c.sent
            for a in s.attempts
            if a.request_id in lines
        }
        for c in conversations
    }


@dataclass
class Report:
    seconds: float
    violations: Dict[str, List[str]]
    crossed: float  # share of conversations answered by two or more servers
    attempts: int
    messages: int

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.violations.values())


def check(
    cluster: Cluster,
    conversations: List[Conversation],
    seconds: float,
    tracker_url: str,
    database_url: str,
    flags_within: float = 30.0,
) -> Report:
    senders = [c.sender for c in conversations]
    stored = stored_turns(tracker_url, senders)
    crisis = {c.sender: c.crisis_messages for c in conversations}
    # Flags are written by each server's outbox, a moment later.
    deadline = time.monotonic() + flags_within
    flags = app_rows(database_url, "crisis_flags", senders)
    while flags != Counter({k: v for k, v in crisis.items() if v}) and time.monotonic() < deadline:
        time.sleep(0.5)
        flags = app_rows(database_url, "crisis_flags", senders)
    intakes = {c.sender: int(c.kind == "intake") for c in conversations}
    served = servers_of(conversations, TurnLog(cluster.log_dir))
    return Report(
        seconds,
        {
            "unanswered": unanswered(conversations),
            "stored_once_and_in_order": stored_once_and_in_order(conversations, stored),
            "replies_match_store": replies_match_store(conversations, stored),
            "turns_one_at_a_time": turns_one_at_a_time(conversations, stored),
            "crisis_flags_exact": counts_exact(conversations, flags, crisis, "crisis moments"),
            "referrals_exact": counts_exact(
                conversations,
                app_rows(database_url, "referrals", senders),
                intakes,
                "referrals",
            ),
        },
        sum(len(s) >= 2 for s in served.values()) / len(conversations),
        sum(len(s.attempts) for c in conversations for s in c.sent),
        sum(len(c.sent) for c in conversations),
    )
