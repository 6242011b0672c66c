"""The hand-off for each kind of danger (slot crisis_kind), built from
crisis_resources.yml.

Suicide and self-harm get the general hand-off (resources.handoff_text); the
other kinds need different help first: an emergency and Poison Control for
an overdose, Stop It Now or Childhelp when a child may be harmed, the
Domestic Violence Hotline for abuse. None of them mention programs or family
information: nothing here should read as a sales pitch or as advice.

Each kind has a web text and an SMS text (resources.SMS_LIMIT). A kind whose
line is missing from crisis_resources.yml has no variation, so the general
hand-off is sent.
"""

from typing import Callable, Dict, Optional, Tuple

Texts = Tuple[str, str]  # (web text, SMS text)

CLOSING = (
    "I'm an automated assistant, not a counselor, so I can't send help myself. "
    "I'm still here if you want to keep talking."
)
SMS_CLOSING = "I'm an automated assistant, but I'm still here."


def overdose(r: Dict) -> Optional[Texts]:
    poison = r.get("poison_control")
    if not poison:
        return None
    sos, line = r["emergency_number"], r["crisis_line"]
    text = (
        "Thank you for telling me. This could be a medical emergency, so please get help now:\n"
        f"- Call {sos} right away, or go to the nearest emergency room. "
        f"If someone is hard to wake or is breathing strangely, call {sos} first.\n"
        f"- {poison['name']}: call {poison['call']} (free, 24/7) about what was taken.\n"
        f"- To talk with someone about how you're feeling, call or text {line['call']} "
        f"({line['name']}).\n" + CLOSING
    )
    sms = (
        f"Please get help now: call {sos} or go to the nearest ER. "
        f"{poison['name']}: {poison['call']} (free, 24/7). "
        f"To talk to someone, call or text {line['call']}. " + SMS_CLOSING
    )
    return text, sms


def harm_others(r: Dict) -> Optional[Texts]:
    sos, line, txt = r["emergency_number"], r["crisis_line"], r["text_line"]
    text = (
        "Thank you for telling me. That took courage.\n"
        f"- If anyone is in danger right now, call {sos}.\n"
        f"- Call or text {line['call']} ({line['name']}, free, 24/7). They also help people "
        "who have urges to hurt someone, without judgment.\n"
        f"- Or text {txt['keyword']} to {txt['number']} ({txt['name']}).\n" + CLOSING
    )
    sms = (
        f"If anyone is in danger right now, call {sos}. "
        f"Call or text {line['call']} (24/7): they also help people with urges to hurt "
        f"someone, without judgment. Or text {txt['keyword']} to {txt['number']}. " + SMS_CLOSING
    )
    return text, sms


def child(r: Dict) -> Optional[Texts]:
    """One text serves both: someone with thoughts or urges about a child,
    and someone telling of a child in danger."""
    stop, abuse = r.get("child_safety"), r.get("child_abuse")
    if not stop or not abuse:
        return None
    sos = r["emergency_number"]
    text = (
        "Thank you for telling me. A child's safety comes first.\n"
        f"- If a child is in danger right now, call {sos}.\n"
        "- If you are having sexual thoughts about a child or urges to harm a child: "
        f"please stop, and talk to someone now. {stop['name']} has a free, confidential "
        f"helpline: {stop['call']}.\n"
        f"- If a child is being hurt, call the {abuse['name']}: {abuse['call']} (24/7).\n" + CLOSING
    )
    sms = (
        f"If a child is in danger now, call {sos}. Sexual thoughts or urges to harm a child: "
        f"please stop and call {stop['name']}, confidential: {stop['call']}. "
        f"A child being hurt: {abuse['name']}, {abuse['call']}. " + SMS_CLOSING
    )
    return text, sms


def abuse(r: Dict) -> Optional[Texts]:
    dv = r.get("domestic_violence")
    if not dv:
        return None
    sos, line = r["emergency_number"], r["crisis_line"]
    text_option = (
        f", or text {dv['text_keyword']} to {dv['text_number']}" if dv.get("text_number") else ""
    )
    text = (
        "Thank you for telling me, and I'm sorry this is happening to you. "
        "It is not your fault.\n"
        f"- If you are in danger right now, call {sos}.\n"
        f"- The {dv['name']} is free, confidential and open 24/7: call {dv['call']}"
        f"{text_option}. Texting can be safer if someone might hear you.\n"
        f"- To talk with someone about how you're feeling, call or text {line['call']}.\n" + CLOSING
    )
    sms = (
        f"If you are in danger right now, call {sos}. {dv['name']}, free and confidential, "
        f"24/7: call {dv['call']}{text_option}. " + SMS_CLOSING
    )
    return text, sms


Builders = Dict[str, Callable[[Dict], Optional[Texts]]]
# Keys are the values of the crisis_kind slot (domain/core.yml).
BY_KIND: Builders = {
    "overdose": overdose,
    "harm_others": harm_others,
    "child": child,
    "abuse": abuse,
}


def by_kind(r: Dict, builders: Optional[Builders] = None) -> Dict[str, Texts]:
    """kind -> (web, SMS) for every kind whose lines are configured; the
    English builders unless given others (spanish.BY_KIND)."""
    built = {kind: make(r) for kind, make in (builders or BY_KIND).items()}
    return {kind: texts for kind, texts in built.items() if texts}
