"""Crisis resources are clinic configuration (crisis_resources.yml); this
module renders them into Rasa domain responses (domain/crisis.yml), so the
hand-off is sent by the Rasa server itself, with no action server involved.

  python -m iopnav.safety.resources render   # write domain/crisis.yml
  python -m iopnav.safety.resources check    # fail if it is out of date
"""

import sys
from functools import lru_cache
from pathlib import Path
from typing import Dict

import yaml

from iopnav import settings

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


def reminder_text(r: Dict) -> str:
    line = r["crisis_line"]
    return (
        f"If you need help now, call or text {line['call']}, or call {r['emergency_number']}"
        f" in an emergency."
    )


def risk_check_text(r: Dict) -> str:
    return (
        "Thank you for telling me how you feel. I'd like to ask you directly, because it matters: "
        "are you having thoughts of ending your life? (yes or no) "
        f"If you need someone now, call or text {r['crisis_line']['call']}."
    )


def risk_check_no_text(r: Dict) -> str:
    return (
        "Thank you for answering. Feeling this way is hard, and you don't have to handle it alone. "
        "An intensive outpatient program or your own clinician may be able to help, and I can"
        " tell you "
        "more or help you reach our staff. "
        f"If things get worse, call or text {r['crisis_line']['call']} any time."
    )


def render(r: Dict) -> str:
    responses = {
        "utter_crisis_handoff": [
            {"text": handoff_text(r)},
            {"text": handoff_sms(r), "channel": "sms"},
        ],
        "utter_risk_check": [
            {
                "text": risk_check_text(r),
                "buttons": [
                    {"title": "Yes", "payload": "/affirm"},
                    {"title": "No", "payload": "/deny"},
                ],
            },
        ],
        "utter_risk_check_no": [{"text": risk_check_no_text(r)}],
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
        sms = handoff_sms(load())
        if len(sms) > SMS_LIMIT:
            print(f"SMS hand-off is {len(sms)} characters; keep it within {SMS_LIMIT}")
            return 1
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
