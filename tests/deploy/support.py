"""What the deploy tests run: HAProxy (Debian's, `make haproxy-deps`) and
the validators in the tools venv (`.venv-tools`, requirements-tools.txt)."""

import os
import subprocess
from pathlib import Path
from typing import Dict, List

from iopnav import settings
from iopnav.ops.haproxy import CONFIG as HAPROXY_CFG  # noqa: F401  (the deploy tests' names)
from iopnav.ops.haproxy import binary as haproxy  # noqa: F401

DEPLOY = settings.PROJECT_ROOT / "deploy"
TOOLS_BIN = settings.PROJECT_ROOT / ".venv-tools" / "bin"


def tool(name: str) -> str:
    path = TOOLS_BIN / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make lint` (builds .venv-tools)")
    return str(path)


def haproxy_env(addresses: Dict[str, str]) -> Dict[str, str]:
    """The environment deploy/haproxy.cfg reads: binds and server addresses."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOP_")}
    env.update(addresses)
    return env


def run(cmd: List[str], env: Dict[str, str] = None, cwd: Path = DEPLOY):
    return subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=120)
