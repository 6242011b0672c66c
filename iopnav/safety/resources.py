"""Crisis resources are clinic configuration (crisis_resources.yml); this
module renders them into Rasa domain responses (domain/crisis.yml), so the
hand-off is sent by the Rasa server itself, with no action server involved.

  python -m iopnav.safety.resources render   # write domain/crisis.yml
  python -m iopnav.safety.resources check    # fail if it is out of date

The hand-off has a variation per kind of danger (handoffs.py, chosen by the
crisis_kind slot) and the replies after it live in followups.py.
"""

import sys
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import yaml

from iopnav import bilingual, settings
from iopnav.safety import followups, handoffs, spanish

CONFIG_PATH = Path(
    settings.env("IOP_CRISIS_RESOURCES", str(settings.PROJECT_ROOT / "crisis_resources.yml"))
)
DOMAIN_PATH = settings.PROJECT_ROOT / "domain" / "crisis.yml"
SMS_LIMIT = 306  # two concatenated GSM-7 segments (153 characters each)


@lru_cache(maxsize=None)
def load(path: Path = CONFIG_PATH) -> Dict:
    return yaml.safe_load(Path(path).read_text())


def handoff_text(r: Dict) -> str:
    line, txt = r["crisis_line"], r["text_line"]
    return (
        "I'm really glad you told me, and I'm concerned for your safety. "
        "You can talk to a person right now:\n"
        f"- Call or text {line['call']} ({line['name']}, free, 24/7). "
        f"En español: {line['spanish']}.\n"
        f"- If you are in immediate danger, call {r['emergency_number']} "
        "or go to the nearest emergency room.\n"
        f"- Or text {txt['keyword']} to {txt['number']} ({txt['name']}).\n"
        "I'm an automated assistant, not a counselor, so I can't send help myself. "
        "I'm still here if you want to keep talking."
    )


def handoff_sms(r: Dict) -> str:
    line, txt = r["crisis_line"], r["text_line"]
    return (
        f"Please reach out now: call or text {line['call']} ({line['name']}, 24/7; "
        f"Espanol: {line['spanish']}). In immediate danger, call {r['emergency_number']} "
        f"or go to the nearest ER. Or text {txt['keyword']} to {txt['number']}. "
        "I'm an automated assistant, but I'm still here."
    )


def reminder_text(r: Dict, language: Optional[str] = None, channel: Optional[str] = None) -> str:
    """The crisis reminder in the conversation's language (Spanish by SMS
    without the accents outside GSM-7, like the Spanish SMS hand-offs)."""
    if language == spanish.LANGUAGE:
        web, sms = spanish.reminder(r)
        return sms if channel == "sms" else web
    line = r["crisis_line"]
    return (
        f"If you need help now, call or text {line['call']}, or call {r['emergency_number']}"
        f" in an emergency."
    )


def crisis_ways(r: Dict, language: Optional[str] = None, channel: Optional[str] = None) -> str:
    """How to reach the crisis line, for a channel's own texts: "call or text
    988", or for Spanish speakers "llama al 988 y marca 2, o envía AYUDA por
    mensaje de texto al 988" (by SMS without accents outside GSM-7)."""
    if language == spanish.LANGUAGE:
        ways = spanish.line_options(r)
        return spanish.sms_plain(ways) if channel == "sms" else ways
    return f"call or text {r['crisis_line']['call']}"


def risk_check_text(r: Dict) -> str:
    return (
        "Thank you for telling me how you feel. I'd like to ask you directly, because it matters: "
        "are you having thoughts of ending your life? (yes or no) "
        f"If you need someone now, call or text {r['crisis_line']['call']}."
    )


def risk_check_others_text(r: Dict) -> str:
    """The question for anger the person says they cannot control: about
    hurting someone, not about ending their life (component.question_kind)."""
    return (
        "Thank you for telling me. Anger that feels out of control is hard to carry. "
        "I'd like to ask you directly, because it matters: are you having thoughts of hurting "
        "someone, or afraid you might? (yes or no) "
        f"If anyone is in danger right now, call {r['emergency_number']}; to talk with "
        f"someone, call or text {r['crisis_line']['call']}."
    )


def risk_check_no_text(r: Dict) -> str:
    """A "no", or a "no, but..." with distress: support, then the crisis line
    as an option, then what an IOP could do, in that order. The safety screen
    may read a bare "yes" as distress too, so the crisis line is named for
    the thoughts the question asked about."""
    return (
        "Thank you for telling me. What you're feeling sounds hard, and you don't have to "
        "carry it alone. "
        "If those thoughts ever come, or you feel unsafe, you can call or text "
        f"{r['crisis_line']['call']} any time, day or night. "
        "An intensive outpatient program (IOP) could also help: group and one-on-one support "
        "a few hours a day, several days a week, while you keep living at home. "
        "Would you like to hear more about it?"
    )


def risk_check_others_no_text(r: Dict) -> str:
    """A "no" to the question about hurting someone: support, the crisis line
    (it helps with urges to hurt someone too), then what an IOP could do."""
    return (
        "Thank you for telling me. Anger like that is exhausting, and you don't have to handle "
        "it alone. If you ever feel you might hurt someone, call or text "
        f"{r['crisis_line']['call']} any time: they help with that too, without judgment. "
        "An intensive outpatient program (IOP) could also help: group and one-on-one support "
        "a few hours a day, several days a week, while you keep living at home. "
        "Would you like to hear more about it?"
    )


def share_feelings_texts(r: Dict) -> List[str]:
    """Feelings with no sign of danger from any reader: support first, what an
    IOP could do, and the crisis line as an option, without the screening
    question (docs/safety.md)."""
    line = r["crisis_line"]["call"]
    return [
        "That sounds really hard, and I'm glad you said it. Feelings like these are a common "
        "reason people look for more support, and you don't have to sort them out alone. "
        "An intensive outpatient program (IOP) gives you group and one-on-one support a few "
        "hours a day, several days a week, while you keep living at home. If things ever start "
        f"to feel unsafe, you can call or text {line} any time, day or night. "
        "Would you like to hear more about how an IOP works?",
        "Thank you for telling me how things are. That's a lot to carry. Many people start an "
        "intensive outpatient program (IOP) when life feels like this: a few hours of group and "
        "one-on-one support several days a week, and you still sleep at home. And if it ever "
        f"gets to feeling unsafe, {line} is there to call or text, day or night. "
        "Would you like to hear how an IOP could help?",
    ]


def risk_check_unsure_text(r: Dict) -> str:
    """ "Maybe", "idk", or an answer that isn't clear: care, not the same question again."""
    line, txt = r["crisis_line"], r["text_line"]
    return (
        "Thank you for telling me. Not being sure is okay. Can I ask: are you safe right now? "
        f"If you're not sure, or the thoughts get stronger, please call or text {line['call']} "
        f"now, or text {txt['keyword']} to {txt['number']}."
    )


def risk_check_others_unsure_text(r: Dict) -> str:
    """ "Maybe" to the question about hurting someone: is everyone safe now."""
    return (
        "Thank you for being honest. Not being sure is okay. Can I ask: is everyone safe right "
        "now, you and the people around you? If someone could get hurt, call "
        f"{r['emergency_number']}; to talk it through with someone, call or text "
        f"{r['crisis_line']['call']}."
    )


# A tapped "Yes" (or "I'm not safe") is a crisis turn: the crisis intent sets
# crisis_flagged and crisis_mode inside Rasa, like a crisis the screen found.
# A typed "yes" is read as affirm, and the rule in data/rules/safety.yml hands
# off (without crisis mode: docs/safety.md, "After a hand-off").
CRISIS_ANSWER = '/crisis{"crisis_kind": "suicide", "crisis_category": "screening_yes"}'
OTHERS_ANSWER = '/crisis{"crisis_kind": "harm_others", "crisis_category": "screening_yes"}'
# The questions about hurting someone are the variations for this kind of the
# crisis_kind slot, which the question's turn sets (component.question_kind).
ABOUT_OTHERS = [{"type": "slot", "name": "crisis_kind", "value": "harm_others"}]


def _kind_variations(general: handoffs.Texts, kinds: Dict[str, handoffs.Texts]) -> List[Dict]:
    """The general hand-off (web, SMS) first, then one web and one SMS
    variation per kind of danger. Rasa 3.6 prefers, in order: condition and
    channel match, channel match, condition match, the default; so every
    kind needs its own SMS variation, or SMS would get the general one."""
    variations: List[Dict[str, Any]] = [
        {"text": general[0]},
        {"text": general[1], "channel": "sms"},
    ]
    for kind, (text, sms) in kinds.items():
        condition = [{"type": "slot", "name": "crisis_kind", "value": kind}]
        variations.append({"text": text, "condition": condition})
        variations.append({"text": sms, "channel": "sms", "condition": condition})
    return variations


def handoff_variations(r: Dict) -> List[Dict[str, Any]]:
    """Every hand-off variation, English and Spanish (iopnav/bilingual.py)."""
    return bilingual.combine(
        _kind_variations((handoff_text(r), handoff_sms(r)), handoffs.by_kind(r)),
        _kind_variations(spanish.handoff(r), spanish.by_kind(r)),
    )


def handoff_kinds(r: Dict) -> Dict[str, str]:
    """Every hand-off text (web and SMS, both languages) -> its kind of danger
    ("general" for the general text), so a sent reply can be counted by kind."""
    kinds = dict.fromkeys((*spanish.handoff(r), handoff_text(r), handoff_sms(r)), "general")
    for by_kind in (handoffs.by_kind(r), spanish.by_kind(r)):
        for kind, texts in by_kind.items():
            for text in texts:
                kinds.setdefault(text, kind)
    return kinds


def handoff_for(r: Dict, kind: Optional[str], channel: str, language: str = "en") -> str:
    """The hand-off text Rasa would send for this kind of danger on this
    channel and language, for the channels' own fallback when the dialogue
    cannot answer (same preference order as handoff_variations)."""
    es = language == spanish.LANGUAGE
    sms = channel == "sms"
    if kind:
        texts = (spanish.by_kind(r) if es else handoffs.by_kind(r)).get(kind)
        if texts:
            return texts[1] if sms else texts[0]
    general = spanish.handoff(r) if es else (handoff_text(r), handoff_sms(r))
    return general[1] if sms else general[0]


def sms_texts(r: Dict) -> List[str]:
    """Every hand-off text sent by SMS (general and per kind)."""
    return [v["text"] for v in handoff_variations(r) if v.get("channel") == "sms"]


def _yes_no(titles: Tuple[str, str], payloads: Tuple[str, str]) -> List[Dict[str, str]]:
    return [{"title": t, "payload": p} for t, p in zip(titles, payloads, strict=True)]


def screening_responses(r: Dict) -> Dict[str, Tuple[List[Dict], List[Dict]]]:
    """Response name -> (English variations, Spanish variations) around the
    screening question; the buttons' payloads are the same in both."""
    check, check_others = (CRISIS_ANSWER, "/deny"), (OTHERS_ANSWER, "/deny")
    unsure, unsure_others = ("/affirm", CRISIS_ANSWER), ("/affirm", OTHERS_ANSWER)
    return {
        "utter_risk_check": (
            [
                {"text": risk_check_text(r), "buttons": _yes_no(("Yes", "No"), check)},
                {
                    "text": risk_check_others_text(r),
                    "buttons": _yes_no(("Yes", "No"), check_others),
                    "condition": ABOUT_OTHERS,
                },
            ],
            [
                {
                    "text": spanish.risk_check(r),
                    "buttons": _yes_no(spanish.RISK_CHECK_BUTTONS, check),
                },
                {
                    "text": spanish.risk_check_others(r),
                    "buttons": _yes_no(spanish.RISK_CHECK_BUTTONS, check_others),
                    "condition": ABOUT_OTHERS,
                },
            ],
        ),
        "utter_risk_check_no": (
            [
                {"text": risk_check_no_text(r)},
                {"text": risk_check_others_no_text(r), "condition": ABOUT_OTHERS},
            ],
            [
                {"text": spanish.risk_check_no(r)},
                {"text": spanish.risk_check_others_no(r), "condition": ABOUT_OTHERS},
            ],
        ),
        "utter_share_feelings_support": (
            [{"text": t} for t in share_feelings_texts(r)],
            [{"text": t} for t in spanish.share_feelings(r)],
        ),
        "utter_risk_check_unsure": (
            [
                {
                    "text": risk_check_unsure_text(r),
                    "buttons": _yes_no(("I'm safe right now", "I'm not safe"), unsure),
                },
                {
                    "text": risk_check_others_unsure_text(r),
                    "buttons": _yes_no(
                        ("Everyone is safe", "Someone could get hurt"), unsure_others
                    ),
                    "condition": ABOUT_OTHERS,
                },
            ],
            [
                {
                    "text": spanish.risk_check_unsure(r),
                    "buttons": _yes_no(spanish.RISK_CHECK_UNSURE_BUTTONS, unsure),
                },
                {
                    "text": spanish.risk_check_others_unsure(r),
                    "buttons": _yes_no(spanish.RISK_CHECK_OTHERS_UNSURE_BUTTONS, unsure_others),
                    "condition": ABOUT_OTHERS,
                },
            ],
        ),
    }


def render(r: Dict) -> str:
    english_followups, spanish_followups = followups.responses(r), spanish.followups(r)
    responses = {
        "utter_crisis_handoff": handoff_variations(r),
        **{name: bilingual.combine(en, es) for name, (en, es) in screening_responses(r).items()},
        **{
            name: bilingual.combine(variations, spanish_followups[name])
            for name, variations in english_followups.items()
        },
    }
    header = (
        "# GENERATED from crisis_resources.yml by `python -m iopnav.safety.resources render`.\n"
        "# Do not edit by hand: change crisis_resources.yml and run `make train`.\n"
    )
    body = yaml.safe_dump(
        {"version": "3.1", "responses": responses}, sort_keys=False, allow_unicode=True, width=1000
    )
    return header + body


def main(argv) -> int:
    command = argv[1] if len(argv) > 1 else "render"
    rendered = render(load())
    if command == "render":
        if not DOMAIN_PATH.exists() or DOMAIN_PATH.read_text() != rendered:
            DOMAIN_PATH.write_text(rendered)
            print(f"wrote {DOMAIN_PATH.relative_to(settings.PROJECT_ROOT)}")
        return 0
    if command == "check":
        if not DOMAIN_PATH.exists() or DOMAIN_PATH.read_text() != rendered:
            print(
                "domain/crisis.yml is out of date: run `python -m iopnav.safety.resources render`"
            )
            return 1
        too_long = [len(sms) for sms in sms_texts(load()) if len(sms) > SMS_LIMIT]
        if too_long:
            print(f"SMS hand-offs of {too_long} characters; keep each within {SMS_LIMIT}")
            return 1
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
