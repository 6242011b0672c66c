"""Shared by the evaluation and benchmark scripts: parse messages with the
trained model exactly as the Rasa server does (NLU pipeline incl. the safety
screen), without starting a server."""

import asyncio
import logging
from pathlib import Path
from typing import Callable, Dict

from iopnav import settings

DEFAULT_MODEL = settings.PROJECT_ROOT / "models" / "iop.tar.gz"


def load_parser(model: Path = DEFAULT_MODEL) -> Callable[[str], Dict]:
    logging.getLogger("rasa").setLevel(logging.ERROR)
    from rasa.core.agent import Agent

    if not Path(model).exists():
        raise SystemExit(f"No model at {model}: run `make train` first.")
    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()

    def parse(text: str) -> Dict:
        return loop.run_until_complete(agent.parse_message(text))

    return parse
