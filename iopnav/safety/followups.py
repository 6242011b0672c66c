"""Replies after a crisis hand-off ("crisis mode"), built from
crisis_resources.yml into domain responses (domain/crisis.yml), so they are
sent with the action server down, like the hand-off itself.

Crisis mode is the bool slot `crisis_mode` (domain/core.yml): rules in
data/rules/crisis_mode.yml pick these replies, and responses shared with
ordinary conversation (the fallback, anger at the bot) get a variation with
`condition: crisis_mode: true`. Every reply here is short, warm, has no
buttons and no topic menu, and names a way to reach a person.
"""

from typing import Any, Dict, List

Variations = List[Dict[str, Any]]

IN_CRISIS_MODE = [{"type": "slot", "name": "crisis_mode", "value": True}]

# The ordinary fallback (outside crisis mode): the project's wording, kept
# here because Rasa needs all variations of a response in one domain file.
FALLBACK_TEXTS = (
    "Sorry, I didn't quite understand that. Could you rephrase it? "
    "You can also pick a topic below.",
    "I'm not sure I followed. Could you rephrase that in a few words, or choose one of these?",
)
FALLBACK_BUTTONS = [
    {"title": "What is an IOP?", "payload": "/ask_what_is_iop"},
    {"title": "Schedules", "payload": "/ask_schedule"},
    {"title": "Insurance", "payload": "/ask_insurance"},
    {"title": "Find a program", "payload": "/find_program"},
    {"title": "Talk to a person", "payload": "/request_human"},
]


def _ways(r: Dict, call: bool) -> str:
    """'(call or) text 988, text HOME to 741741, or chat online at 988lifeline.org'"""
    line, txt = r["crisis_line"], r["text_line"]
    first = f"call or text {line['call']}" if call else f"text {line['text']}"
    ways = [first, f"text {txt['keyword']} to {txt['number']}"]
    if line.get("chat"):
        ways.append(f"chat online at {line['chat']}")
    return ", ".join(ways[:-1]) + f", or {ways[-1]}"


def text_options(r: Dict) -> Variations:
    """Can't talk out loud, can I text, is there a chat."""
    line, txt = r["crisis_line"], r["text_line"]
    chat = f"\n- Or chat online at {line['chat']}." if line.get("chat") else ""
    return [
        {
            "text": "You don't have to call or talk out loud. You can text instead:\n"
            f"- Text {line['text']} ({line['name']}). En español: {line['spanish']}.\n"
            f"- Text {txt['keyword']} to {txt['number']} ({txt['name']})."
            f"{chat}\nA real person, a trained counselor, writes back. It's free, any time."
        }
    ]


def line_process(r: Dict) -> Variations:
    """What happens when you call or text."""
    line = r["crisis_line"]
    return [
        {
            "text": f"When you call or text {line['call']}, a trained crisis counselor answers. "
            "They listen, ask how you're doing and whether you're safe, and help you work out "
            "a next step that feels okay to you. It's free and confidential, and you can share "
            "as much or as little as you want. You can stop any time."
        }
    ]


def crisis_privacy(r: Dict) -> Variations:
    """Will my parents or the police be told: honest, not reassuring beyond the facts."""
    line, sos = r["crisis_line"], r["emergency_number"]
    return [
        {
            "text": f"Honest answer: usually no. Calls and texts to {line['call']} are "
            "confidential, and counselors don't tell your parents or call the police just "
            f"because you reached out. They only involve {sos} or emergency services when "
            "someone is in immediate danger and you can't agree on a plan to stay safe "
            "together. One more thing to know: this chat is saved, and our clinic's staff "
            "may read it so they can follow up."
        }
    ]


def door_open(r: Dict) -> Variations:
    """I'm fine now, never mind, bye: a warm reply that leaves the door open."""
    call = r["crisis_line"]["call"]
    return [
        {
            "text": "Okay. Thank you for telling me what you did, that wasn't easy. "
            f"If things get hard again, today or any day, you can call or text {call} any "
            "time, and you can come back here too."
        },
        {
            "text": "I'm glad you let me know. You don't have to have it all figured out. "
            f"If it gets heavy again, call or text {call}, day or night. "
            "I'm here too whenever you want to write."
        },
    ]


def check_in(r: Dict) -> Variations:
    """Silence, ".", "ok", "k": a gentle check-in, never a menu."""
    ways = _ways(r, call=False)
    return [
        {
            "text": "I'm still here. How are you doing right now? "
            "You can write anything, even one word."
        },
        {
            "text": "No rush, I'm here. If it would help to reach a person without talking "
            f"out loud, you can {ways}."
        },
    ]


def support(r: Dict) -> Variations:
    """More distress after the hand-off: no second screening question. The
    safety screen also reads some short follow-ups as distress ("will they
    tell my parents"), so this names texting and confidentiality too."""
    line, txt = r["crisis_line"], r["text_line"]
    return [
        {
            "text": "I hear you, and I'm glad you're still talking with me. You don't have to "
            f"get through this alone. You can call or text {line['call']} right now, or text "
            f"{txt['keyword']} to {txt['number']} if talking out loud is hard. It's free and "
            "confidential, and a real person answers."
        }
    ]


def thanks(r: Dict) -> Variations:
    return [
        {
            "text": "You're welcome. Reaching out takes courage. "
            f"{r['crisis_line']['call']} is there any time, day or night, and so am I."
        }
    ]


def help_now(r: Dict) -> Variations:
    """ "What do I do now" after a hand-off: the ways to reach help, no menu."""
    sos = r["emergency_number"]
    return [
        {
            "text": f"You can reach a real person right now: {_ways(r, call=True)}. "
            f"If you're in danger right now, call {sos}. "
            "I'm still here too."
        }
    ]


def anger_at_bot(r: Dict) -> Variations:
    """An apology and the options, without pressure (plain outside crisis mode)."""
    return [
        {
            "text": "I'm sorry, I got that wrong, and it's okay to be frustrated with me. "
            "I'm an automated assistant and I miss things. You can ask me another way, "
            "or ask to talk to a person on our staff."
        },
        {
            "text": "I'm sorry. It's okay to be frustrated with me; I'm only an automated "
            "assistant. If you'd like a real person, you can "
            f"{_ways(r, call=True)}, whenever you're ready. No pressure.",
            "condition": IN_CRISIS_MODE,
        },
    ]


def fallback(r: Dict) -> Variations:
    """utter_default, also sent by action_default_fallback: in crisis mode it
    offers the ways to reach help instead of asking to rephrase."""
    sos = r["emergency_number"]
    return [
        *({"text": text, "buttons": FALLBACK_BUTTONS} for text in FALLBACK_TEXTS),
        {
            "text": "I'm not sure I followed, and that's okay. If you want to reach a person, "
            f"you can {_ways(r, call=True)}. "
            f"If you're in danger right now, call {sos}. I'm still here.",
            "condition": IN_CRISIS_MODE,
        },
    ]


RESPONSES = {
    "utter_crisis_text_options": text_options,
    "utter_crisis_line_process": line_process,
    "utter_crisis_privacy": crisis_privacy,
    "utter_crisis_door_open": door_open,
    "utter_crisis_check_in": check_in,
    "utter_crisis_support": support,
    "utter_crisis_thanks": thanks,
    "utter_crisis_help_now": help_now,
    "utter_anger_at_bot": anger_at_bot,
    "utter_default": fallback,
}


def responses(r: Dict) -> Dict[str, Variations]:
    return {name: make(r) for name, make in RESPONSES.items()}
