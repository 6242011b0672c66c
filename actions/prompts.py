"""The forms' questions (action_ask_<slot>) and the intake confirmations.

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

PROMPTS: Dict[str, Dict[str, Any]] = yaml.safe_load(
    (Path(__file__).with_name("prompts.yml")).read_text()
)


class _Blank(dict):
    """Placeholders with no slot value read as blank, never as "{name}"."""

    def __missing__(self, key: str) -> str:
        return ""


def render(key: str, channel: Optional[str] = None, **values: Any) -> Dict[str, Any]:
    """The message for `key`, in the SMS wording when the visitor texts."""
    prompt = PROMPTS[key]
    sms = prompt.get("sms")
    text: str = sms if channel == "sms" and sms else prompt["text"]
    filled = {name: value for name, value in values.items() if value is not None}
    message: Dict[str, Any] = {"text": text.format_map(_Blank(filled))}
    if prompt.get("buttons"):
        message["buttons"] = [dict(button) for button in prompt["buttons"]]
    return message


def send(dispatcher: CollectingDispatcher, tracker: Tracker, key: str, **values: Any) -> None:
    slots = {**tracker.current_slot_values(), **values}
    dispatcher.utter_message(**render(key, tracker.get_latest_input_channel(), **slots))


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
