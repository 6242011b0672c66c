"""The channels' own stand-ins for an answer the dialogue did not give, in
the person's language; the wording, English and Spanish, is in wording.yml."""

from pathlib import Path
from typing import Optional

from iopnav.safety import resources
from iopnav.wording import Wording

WORDING = Wording(Path(__file__).with_name("wording.yml"))


def stand_in(key: str, language: Optional[str] = None, channel: Optional[str] = None) -> str:
    r = resources.load()
    ways = resources.crisis_ways(r, language, channel)
    return WORDING.say(key, language, ways=ways, emergency=r["emergency_number"])
