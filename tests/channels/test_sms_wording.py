"""No text the SMS channel can send tells a texter to use a carrier keyword
for anything but its carrier meaning (finding H2): "say cancel to stop" made
texters who followed it unsubscribe from the clinic's line, and after that a
crisis text got no reply.

Allowed: the carrier-required lines ("Reply STOP to opt out", "Reply START
to resubscribe", "Reply HELP for help") and a keyword for ANOTHER service's
number ("text START to 88788"). YES is not checked: it opts back in only an
opted-out number, which gets no other replies, and "(yes or no)" answers the
screening question.
"""

import itertools
import re
from typing import Iterator, List, Tuple

import yaml

from actions import prompts
from iopnav import settings
from iopnav.channels import cleaning, limits, sms_text, texts
from iopnav.channels.conversation import NO_REPLY
from iopnav.safety import resources

KEYWORDS = sms_text.STOP_WORDS | sms_text.START_WORDS | sms_text.HELP_WORDS
# A keyword may be named only for what the carrier does with it.
OWN_MEANING = [
    (sms_text.STOP_WORDS, r"(?:to (?:opt out|unsubscribe)|para darte de baja)\b"),
    (
        sms_text.START_WORDS,
        r"(?:to (?:resubscribe|opt (?:back )?in|subscribe again)|para volver a suscribirte)\b",
    ),
    (sms_text.HELP_WORDS, r"(?:for (?:help|more information)|para recibir ayuda)\b"),
]
OTHER_SERVICE = r"(?:to|al) \+?[\d(]"  # "text START to 88788", "envia START al 88788"
INSTRUCTION = re.compile(
    r"\b(?:reply|replying|say|saying|text|type|typing|respond|answer|write|enter)\s+"
    r"(?:with\s+)?[\"'\u201c\u2018]?([A-Za-z]+)",
    re.I,
)
# A numbered option whose whole title is a keyword: the texter may type it.
OPTION_TITLE = re.compile(r"\b\d+ for ([A-Za-z]+)(?=[.,]|$)")
SHOUTED = re.compile(r"\b([A-Z]{3,})\b")


def keyword_instructions(text: str) -> List[str]:
    """Each place `text` names a carrier keyword as something to send, for
    a purpose other than the keyword's own (or another service's)."""
    found = {}
    for pattern in (INSTRUCTION, SHOUTED, OPTION_TITLE):
        for match in pattern.finditer(text):
            word = match.group(1).upper()
            if word in KEYWORDS:
                found[match.start(1)] = (word, match.end(1))
    problems = []
    for start, (word, end) in sorted(found.items()):
        after = re.sub(r"^[\"'\u201d\u2019]?\s*", "", text[end : end + 40])
        allowed = re.match(OTHER_SERVICE, after) or any(
            word in words and re.match(meaning, after, re.I) for words, meaning in OWN_MEANING
        )
        if not allowed:
            problems.append(text[max(0, start - 30) : end + 30])
    return problems


def _domain_texts() -> Iterator[Tuple[str, str]]:
    """Every domain response variation a texter can get (sms or any channel),
    and every button title (shown as "Reply 1 for <title>")."""
    for path in sorted((settings.PROJECT_ROOT / "domain").glob("*.yml")):
        responses = (yaml.safe_load(path.read_text()) or {}).get("responses") or {}
        for name, variations in responses.items():
            for variation in variations:
                if variation.get("channel") not in (None, "sms"):
                    continue
                yield f"{path.name}:{name}", variation.get("text") or ""
                for button in variation.get("buttons") or []:
                    yield f"{path.name}:{name} button", f"Reply 1 for {button['title']}."


def _prompt_texts() -> Iterator[Tuple[str, str]]:
    for key, language in itertools.product(prompts.PROMPTS, ("en", "es")):
        message = prompts.render(key, "sms", language)
        yield f"prompts.yml:{key} ({language})", message["text"]
        for button in message.get("buttons") or []:
            yield f"prompts.yml:{key} ({language}) button", f"Reply 1 for {button['title']}."


def _channel_texts() -> Iterator[Tuple[str, str]]:
    r = resources.load()
    for i, text in enumerate(sms_text.help_texts()):
        yield f"sms_text.help_texts[{i}]", text
    long_message = cleaning.clean_text("word " * 600)
    for language in ("en", "es"):
        yield f"sms_text.stop_text ({language})", sms_text.stop_text(language)
        yield f"sms_text.start_text ({language})", sms_text.start_text(language)
        yield f"sms_text.unavailable_text ({language})", sms_text.unavailable_text(language)
        yield f"no_reply ({language})", texts.say("no_reply", language, "sms")
        yield f"sms_text.media_note ({language})", sms_text.media_note(language)
        for code in sms_text.BAD_INPUT_CODES:
            yield (
                f"sms_text.bad_input_text({code}, {language})",
                sms_text.bad_input_text(code, language),
            )
        yield f"limits.slow_down_text ({language})", limits.slow_down_text(30, language, "sms")
        yield f"resources.reminder_text ({language})", resources.reminder_text(r, language, "sms")
    yield "conversation.NO_REPLY", NO_REPLY
    for i, text in enumerate(resources.sms_texts(r)):
        yield f"resources.sms_texts[{i}]", text
    yield "cleaning long-message note", long_message.note("sms") or ""


def every_sms_text() -> List[Tuple[str, str]]:
    return [*_channel_texts(), *_domain_texts(), *_prompt_texts()]


def test_the_checker_finds_the_old_wording_and_allows_the_carrier_lines():
    assert keyword_instructions("Responde STOP para salir del formulario.")
    assert not keyword_instructions("Responde STOP para darte de baja.")
    assert keyword_instructions("(...; say cancel to stop). What first name...")
    assert keyword_instructions("Or say cancel if you'd rather not continue.")
    assert keyword_instructions("Reply STOP to end the form.")
    assert keyword_instructions("Type 'quit' to leave")
    assert keyword_instructions("Reply 1 for Cancel.")
    assert not keyword_instructions("Reply HELP for help, STOP to opt out.")
    assert not keyword_instructions("Reply START to resubscribe.")
    assert not keyword_instructions("Responde START para volver a suscribirte.")
    assert keyword_instructions("Responde START para empezar de nuevo el formulario.")
    assert not keyword_instructions("Responde HELP para recibir ayuda, STOP para darte de baja.")
    assert not keyword_instructions("call 1-800-799-7233, or text START to 88788.")
    assert not keyword_instructions("I can't send help myself. I'm still here.")


def test_no_sms_text_tells_a_texter_to_send_a_carrier_keyword():
    texts = every_sms_text()
    assert len(texts) > 50, "the collection of SMS texts looks incomplete"
    problems = [(where, p) for where, text in texts for p in keyword_instructions(text)]
    assert problems == []
