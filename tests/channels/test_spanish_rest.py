"""The text a person gets over REST is in the language they write, from the
first Spanish message, after a switch, and in the crisis hand-off; a
message with no clear language keeps the conversation's. The real trained
model runs in-process with no action server: the language slot and the
Spanish responses need none."""

import uuid

import pytest

from iopnav.nlu.language import detect
from iopnav.safety import resources

# Loads the trained model in-process (about 30 s), so not in `make test-fast`.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def channels(sqlite_channels):
    return sqlite_channels


def say(channels, sender, message):
    status, replies, _ = channels.rest(sender, message)
    assert status == 200, replies
    return " ".join(r.get("text", "") for r in replies)


def test_spanish_question_gets_a_spanish_answer_and_the_language_follows_a_switch(channels):
    sender = "es-" + uuid.uuid4().hex
    english = say(channels, sender, "what is an intensive outpatient program?")
    assert detect(english) == "en" and "intensive outpatient program" in english
    # A question answered by a domain response: this agent runs without an
    # action server (schedule questions go through action_answer_question).
    spanish = say(channels, sender, "¿y qué terapias usan?")
    assert detect(spanish) == "es" and "terapia" in spanish
    # "ok" has no language of its own: the conversation stays in Spanish.
    assert detect(say(channels, sender, "ok")) == "es"
    back = say(channels, sender, "sorry, can you tell me what therapies you use?")
    assert detect(back) == "en"


def test_a_crisis_in_spanish_gets_the_spanish_handoff(channels):
    sender = "es-" + uuid.uuid4().hex
    reply = say(channels, sender, "ya no quiero vivir, esta noche me voy a quitar la vida")
    assert reply.strip() == resources.handoff_for(resources.load(), None, "rest", "es")
    assert "marca 2" in reply and "AYUDA" in reply and "911" in reply
    # Every later reply ends with the crisis reminder, in Spanish too.
    status, replies, _ = channels.rest(sender, "gracias")
    assert status == 200
    assert replies[-1]["text"] == resources.reminder_text(resources.load(), "es")
    # Each reply names the conversation's language, for the widget's own text.
    assert {reply.get("language") for reply in replies} == {"es"}
