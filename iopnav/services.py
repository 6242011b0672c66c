"""Start, health-check and stop the assistant's processes.

Used by `make run` (iopnav.launcher) and by the end-to-end tests, so both
start the servers exactly the same way.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from iopnav import settings

ROOT = settings.PROJECT_ROOT
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_endpoints(path: Path, actions_port: int) -> Path:
    """endpoints.yml with the action server URL for this run's port."""
    template = (ROOT / "endpoints.yml").read_text()
    path.write_text(template.replace("127.0.0.1:5055", f"127.0.0.1:{actions_port}"))
    return path


def base_env(extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PYTHONPATH", str(ROOT))
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    env.update(extra or {})
    return env


@dataclass
class Service:
    name: str
    cmd: List[str]
    ready_url: str
    env: Dict[str, str] = field(default_factory=dict)
    log_path: Optional[Path] = None
    proc: Optional[subprocess.Popen] = None

    def start(self) -> "Service":
        # The child gets its own copy of the log's descriptor; ours is closed
        # at once instead of leaking one per start.
        log = open(self.log_path, "ab") if self.log_path else nullcontext(subprocess.DEVNULL)
        with log as stdout:
            # Own process group, so stop() also ends Sanic's worker children.
            self.proc = subprocess.Popen(
                self.cmd,
                cwd=ROOT,
                env=base_env(self.env),
                stdout=stdout,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def wait_ready(self, timeout: float = 180) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.proc.returncode}; see {self.log_path}"
                )
            try:
                with urllib.request.urlopen(self.ready_url, timeout=2) as resp:
                    if resp.status < 500:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.5)
        raise TimeoutError(
            f"{self.name} not ready at {self.ready_url} after {timeout}s; see {self.log_path}"
        )

    def stop(self, timeout: float = 15) -> None:
        if not self.proc or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=timeout)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def actions_service(port: int, env: Dict[str, str], log_path: Optional[Path] = None) -> Service:
    return Service(
        name="action server",
        cmd=[
            str(VENV_BIN / "python"),
            "-m",
            "rasa_sdk",
            "--actions",
            "actions",
            "--port",
            str(port),
        ],
        ready_url=f"http://127.0.0.1:{port}/health",
        # The action server has no authentication: loopback only.
        env={**env, "SANIC_HOST": "127.0.0.1"},
        log_path=log_path,
    )


def rasa_service(
    port: int,
    model: Path,
    endpoints: Path,
    env: Dict[str, str],
    host: str = "127.0.0.1",
    log_path: Optional[Path] = None,
    enable_api: bool = False,
    cors: Optional[List[str]] = None,
) -> Service:
    cmd = [
        str(VENV_BIN / "rasa"),
        "run",
        "--model",
        str(model),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(ROOT / "credentials.yml"),
        "--port",
        str(port),
        "-i",
        host,
    ]
    if enable_api:
        cmd += ["--enable-api", "--auth-token", env.get("IOP_RASA_TOKEN", "test-token")]
    for origin in cors or []:
        cmd += ["--cors", origin]
    return Service(
        name="Rasa server",
        cmd=cmd,
        # /status only answers once the model is loaded, so "ready" means it can reply.
        ready_url=f"http://127.0.0.1:{port}/webhooks/rest/",
        env=env,
        log_path=log_path,
    )
