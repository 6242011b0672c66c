"""Every text the action server sends (prompts.yml), in the person's
language; and the forms' questions (action_ask_<slot>).

Why not domain responses (utter_ask_<slot>)? No story ever names a form's
questions, so `rasa data validate --fail-on-warnings` (Rasa 3.6) reports
them as unused. Forms need the action server anyway (it validates every
answer); the crisis hand-off, which must never need it, stays in the domain.
"""

from abc import ABCMeta, abstractmethod
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

SPANISH = "es"
PROMPTS: Dict[str, Dict[str, Any]] = yaml.safe_load(
    (Path(__file__).with_name("prompts.yml")).read_text()
)


class _Blank(dict):
    """Placeholders with no slot value read as blank, never as "{name}"."""

    def __missing__(self, key: str) -> str:
        return ""


def _words(key: str, language: Optional[str]) -> Dict[str, Any]:
    """The entry's wording in `language` ("es" has its own; anything else is English)."""
    prompt = PROMPTS[key]
    if language == SPANISH and prompt.get(SPANISH):
        return prompt[SPANISH]
    return prompt


def render(
    key: str, channel: Optional[str] = None, language: Optional[str] = None, /, **values: Any
) -> Dict[str, Any]:
    """The message for `key` in the person's language, in the SMS wording when they text.
    Positional-only: `values` are the tracker's slots, which include `language`."""
    words = _words(key, language)
    sms = words.get("sms")
    text: str = sms if channel == "sms" and sms else words["text"]
    filled = {name: value for name, value in values.items() if value is not None}
    message: Dict[str, Any] = {"text": text.format_map(_Blank(filled))}
    buttons = PROMPTS[key].get("buttons")
    if buttons:
        titles = words.get("buttons") if words is not PROMPTS[key] else None
        message["buttons"] = [
            {**button, "title": titles[i] if titles else button["title"]}
            for i, button in enumerate(buttons)
        ]
    return message


def language_of(tracker: Tracker) -> Optional[str]:
    """The conversation's language (the `language` slot, docs/language.md)."""
    return tracker.get_slot("language")


def text(tracker: Tracker, key: str, **values: Any) -> str:
    """Just the wording of `key` (a button title, or part of a message)."""
    return str(
        render(key, tracker.get_latest_input_channel(), language_of(tracker), **values)["text"]
    )


def button(tracker: Tracker, key: str, payload: str, **values: Any) -> Dict[str, str]:
    return {"title": text(tracker, key, **values), "payload": payload}


def send(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    key: str,
    buttons: Optional[List[Dict[str, Any]]] = None,
    **values: Any,
) -> None:
    """Sends `key` filled from the slots and `values`; `buttons` replace the entry's own."""
    slots = {**tracker.current_slot_values(), **values}
    message = render(key, tracker.get_latest_input_channel(), language_of(tracker), **slots)
    if buttons is not None:
        message["buttons"] = buttons
    dispatcher.utter_message(**message)


class AskForSlot(Action, metaclass=ABCMeta):
    """Asks the question for one form slot; one subclass per slot below."""

    @property
    @abstractmethod
    def slot(self) -> str:
        """The slot this question fills."""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        send(dispatcher, tracker, f"ask_{self.slot}")
        return []


# One action class per question in prompts.yml (rasa-sdk registers classes).
ASK_ACTIONS = {
    key[len("ask_") :]: type(
        f"Ask_{key[len('ask_') :]}", (AskForSlot,), {"slot": key[len("ask_") :]}
    )
    for key in PROMPTS
    if key.startswith("ask_")
}
