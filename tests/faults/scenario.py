"""One fault scenario, the same for every fault: while the fault lasts, a
person asks an ordinary question on the web page and by SMS (which shows
the fault is real: it is not answered normally), then writes a crisis
message in the same conversation; once the fault ends, staff must find the
flag. Assertions run after the fault is ended, so a failure never leaves a
server frozen or a proxy cut for the next test."""

import threading
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from tests.faults.helpers import (
    CRISIS,
    FLAG_SECONDS,
    HANDOFF_SECONDS,
    PROGRAM_ANSWER,
    PROGRAM_QUESTION,
    Turn,
    WebChat,
    new_phone,
    sms,
    wait_for_flag,
)

# The ordinary question may wait on the fault; this long and no longer.
ORDINARY_TIMEOUT = 20


def in_parallel(*calls: Callable[[], Any]) -> List[Any]:
    results: List[Any] = [None] * len(calls)

    def run(i: int) -> None:
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def answered_normally(turn: Turn) -> bool:
    return turn.status == 200 and PROGRAM_ANSWER in turn.text


@dataclass
class Outcome:
    web_sender: str
    phone: str
    ordinary: Dict[str, Turn] = field(default_factory=dict)
    crisis: Dict[str, Turn] = field(default_factory=dict)
    flags: Dict[str, list] = field(default_factory=dict)
    flag_seconds: Dict[str, float] = field(default_factory=dict)

    def assert_fault_was_real(self, unstored: Optional[Callable[[str], bool]] = None) -> None:
        """The ordinary question was not answered normally on either channel
        (or, with `unstored`, the conversation could not record it)."""
        for channel, turn in self.ordinary.items():
            sender = self.web_sender if channel == "web" else self.phone
            assert not answered_normally(turn) or (unstored and unstored(sender)), (
                f"{channel}: the fault was not real, the ordinary question was answered: {turn}"
            )

    def assert_crisis_handled(self) -> None:
        for channel, turn in self.crisis.items():
            assert turn.handoff(channel), f"{channel}: no crisis hand-off: {turn}"
            assert turn.seconds <= HANDOFF_SECONDS, (
                f"{channel}: hand-off after {turn.seconds:.1f} s"
            )
        for who, rows in self.flags.items():
            assert rows, (
                f"no crisis flag for the {who} conversation {FLAG_SECONDS} s after the fault"
            )


def run_scenario(
    stack,
    fault: AbstractContextManager,
    flags_url: str,
    ordinary_in_background: bool = False,
) -> Outcome:
    """The person's side of one fault; `fault` starts it on enter and ends it
    on exit. With ordinary_in_background the crisis message is sent while the
    ordinary question is still waiting (the action server frozen mid-turn)."""
    web = WebChat(stack.web_url)
    outcome = Outcome(web.sender, new_phone())

    def ordinary() -> List[Turn]:
        return in_parallel(
            lambda: web.say(PROGRAM_QUESTION, timeout=ORDINARY_TIMEOUT),
            lambda: sms(stack.rasa_url, outcome.phone, PROGRAM_QUESTION, timeout=ORDINARY_TIMEOUT),
        )

    def crisis() -> List[Turn]:
        wait = HANDOFF_SECONDS + 5
        return in_parallel(
            lambda: web.say(CRISIS, timeout=wait),
            lambda: sms(stack.rasa_url, outcome.phone, CRISIS, timeout=wait),
        )

    # The person was already chatting: the web page has issued their session
    # (a cookie), so every message below lands in the same conversation.
    web.say("hi")
    with fault:
        if ordinary_in_background:
            pending: List[List[Turn]] = []
            waiting = threading.Thread(target=lambda: pending.append(ordinary()), daemon=True)
            waiting.start()
            time.sleep(3)  # the ordinary turn is now stuck inside the fault
            crisis_turns = crisis()
            waiting.join(ORDINARY_TIMEOUT + 5)
            ordinary_turns = pending[0] if pending else [Turn(0, "still waiting", 99)] * 2
        else:
            ordinary_turns = ordinary()
            crisis_turns = crisis()
    ended = time.monotonic()
    outcome.ordinary = dict(zip(("web", "sms"), ordinary_turns, strict=True))
    outcome.crisis = dict(zip(("web", "sms"), crisis_turns, strict=True))
    outcome.web_sender = web.sender
    for who, sender in (("web", web.sender), ("sms", outcome.phone)):
        outcome.flags[who] = wait_for_flag(
            flags_url, sender, FLAG_SECONDS - (time.monotonic() - ended)
        )
        outcome.flag_seconds[who] = time.monotonic() - ended
    return outcome
