"""Knowledge answers shaped by what was asked (iopnav/answers.py picks which):
a named program's facts from the directory, the teen program, vaping and
nicotine, the general paragraph, or a short reference to a paragraph this
conversation already had. Domain responses are sent by name, so Rasa picks
their language variation; the other texts come from prompts.yml."""

import logging
import time
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from actions import prompts
from iopnav import answers, settings
from iopnav.db import session_factory
from iopnav.directory import present, vocab
from iopnav.directory.models import Program

logger = logging.getLogger(__name__)


# Programs change when staff import a CSV, not between two questions: read
# at most once a minute per database, so a slow or unreachable database
# costs one knowledge answer a minute its wait, not every one.
DIRECTORY_TTL_SECONDS = 60.0
_directory_cache: Dict[str, Tuple[float, List[Program]]] = {}


def directory_programs() -> List[Program]:
    """Every program, or none when the database is unreachable (the answer
    then falls back to the general paragraph)."""
    key = settings.database_url()
    cached = _directory_cache.get(key)
    if cached and time.monotonic() - cached[0] < DIRECTORY_TTL_SECONDS:
        return cached[1]
    programs: List[Program] = []
    try:
        with session_factory()() as session:
            programs = list(session.execute(select(Program)).scalars())
            session.expunge_all()
    except SQLAlchemyError:
        logger.exception("reading the directory for a named program failed")
    _directory_cache[key] = (time.monotonic(), programs)
    return programs


def asked_condition(tracker: Tracker) -> Optional[str]:
    """The condition the latest message asked about, canonical ("vaping" is substance use)."""
    message = tracker.latest_message
    if answers.mentions_nicotine(message.get("text") or "", message.get("entities", [])):
        return "substance use"
    for entity in message.get("entities", []):
        if entity.get("entity") == "condition":
            return vocab.normalise("condition", str(entity.get("value") or ""))
    return None


def program_facts(tracker: Tracker, program: Program) -> Dict[str, Any]:
    """The named program's facts as a message, in the person's language, and
    whether it lists the condition they asked about."""
    language = prompts.language_of(tracker)
    label = present.label

    def listed(kind: str, field: str) -> str:
        return ", ".join(label(kind, v, language) for v in program.list_of(field))

    values = {
        "name": program.name,
        "place": f"{program.city}, {program.state}",
        "type": label("program_type", program.program_type, language),
        "ages": listed("age_group", "age_groups"),
        "conditions": listed("condition", "conditions"),
        "schedule": program.schedule_text or "",
        "insurances": ", ".join(program.list_of("insurances")),
        "phone": program.phone or program.website or "",
    }
    text = prompts.text(tracker, "answer_program", **values)
    condition = asked_condition(tracker)
    if condition:
        treats = set(vocab.expand_condition(condition)) & set(program.list_of("conditions"))
        key = "program_lists_condition" if treats else "program_does_not_list_condition"
        asked = label("condition", condition, language)
        if not treats:  # "Substance use is not on its list": it starts the sentence
            asked = asked[:1].upper() + asked[1:]
        text += " " + prompts.text(tracker, key, name=program.name, condition=asked)
    return {"text": text}


class ActionAnswerQuestion(Action):
    def name(self) -> Text:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        message = tracker.latest_message
        intent = (message.get("intent") or {}).get("name") or ""
        text = message.get("text") or ""
        choice = answers.choose(
            intent,
            text,
            message.get("entities", []),
            answers.answers_given(tracker.events),
            directory_programs(),
            vocab.normalise("age_group", tracker.get_slot("search_age_group") or ""),
        )
        if choice is None:
            return []
        if choice.is_response:
            dispatcher.utter_message(response=choice.key)
            return []
        if choice.program is not None:
            reply = program_facts(tracker, choice.program)
            reply["buttons"] = [prompts.button(tracker, "button_start_intake", "/start_intake")]
        else:
            channel, language = tracker.get_latest_input_channel(), prompts.language_of(tracker)
            reply = prompts.render(choice.key, channel, language)
        # Marked like a domain response, so a later turn knows it was said.
        dispatcher.utter_message(**reply, utter_action=choice.key)
        return []
