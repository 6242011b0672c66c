"""Start, health-check and stop the assistant's processes.

Used by `make run` (iopnav.launcher) and by the end-to-end tests, so both
start the servers exactly the same way.
"""

import os
import secrets
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
from typing import Dict, List, Optional, Sequence

from iopnav import settings

ROOT = settings.PROJECT_ROOT
VENV_BIN = Path(sys.executable).parent

# What a child process inherits from ours besides IOP_* settings: nothing
# else (cloud keys, shell secrets) reaches the servers.
INHERITED_ENV = {
    "PATH",
    "HOME",
    "USER",
    "LANG",
    "LANGUAGE",
    "TZ",
    "TMPDIR",
    "VIRTUAL_ENV",
    "LD_LIBRARY_PATH",
    "SQLALCHEMY_SILENCE_UBER_WARNING",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
}
# Locale, Python/Rasa/TensorFlow/Sanic switches, PostgreSQL client settings,
# and the math libraries' thread counts (make test sets them: Makefile).
INHERITED_PREFIXES = ("LC_", "PYTHON", "RASA_", "TF_", "SANIC_", "PG", "OMP_", "OPENBLAS_", "MKL_")
# Secrets go only to the processes named with them (Service.secrets).
SECRET_ENV = {
    "IOP_TWILIO_AUTH_TOKEN",  # Rasa (SMS signatures)
    "IOP_RASA_TOKEN",  # Rasa's HTTP API, when enabled
    "IOP_ACTIONS_TOKEN",  # Rasa and the action server
    "IOP_STAFF_ALERT_URL",  # whoever raises crisis flags: Rasa and the web page
    "IOP_WEB_SESSION_SECRET",  # the web page
    "IOP_CONSOLE_PASSWORD",  # the command line only
}
RASA_SECRETS = (
    "IOP_TWILIO_AUTH_TOKEN",
    "IOP_RASA_TOKEN",
    "IOP_ACTIONS_TOKEN",
    "IOP_STAFF_ALERT_URL",
)
WEB_SECRETS = ("IOP_WEB_SESSION_SECRET", "IOP_STAFF_ALERT_URL")
# Rasa and the action server share it; one per launch unless set.
ACTIONS_TOKEN = os.environ.get("IOP_ACTIONS_TOKEN") or secrets.token_hex(32)


def private_files() -> None:
    """Files we create (logs, SQLite databases, secrets) are readable by us
    only, and var/ is ours alone: they hold health information."""
    os.umask(0o077)
    for folder in (settings.VAR_DIR, settings.VAR_DIR / "logs"):
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
    # Files an older version left world-readable.
    for pattern in ("*.db", "*.db-*", "*.secret", "logs/*"):
        for path in settings.VAR_DIR.glob(pattern):
            if path.is_file():
                path.chmod(0o600)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_endpoints(path: Path, actions_port: int) -> Path:
    """endpoints.yml with the action server URL for this run's port."""
    template = (ROOT / "endpoints.yml").read_text()
    path.write_text(template.replace("127.0.0.1:5055", f"127.0.0.1:{actions_port}"))
    return path


def write_shell_endpoints(path: Path) -> Path:
    """endpoints.yml for `make shell`: Rasa's in-memory tracker and lock
    stores, so a terminal session never writes into the real conversations."""
    import yaml

    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    for store in ("tracker_store", "lock_store"):
        endpoints.pop(store, None)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(endpoints))
    return path


def base_env(
    extra: Optional[Dict[str, str]] = None, secret_names: Sequence[str] = ()
) -> Dict[str, str]:
    """Our environment minus what this child has no use for: only the basics,
    IOP_* settings, and the secrets it is named for."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name in INHERITED_ENV
        or name.startswith(INHERITED_PREFIXES)
        or (name.startswith("IOP_") and (name not in SECRET_ENV or name in secret_names))
    }
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
    secrets: Sequence[str] = ()  # secret variables of ours this child may see

    def start(self) -> "Service":
        # The child gets its own copy of the log's descriptor; ours is closed
        # at once instead of leaking one per start. Logs hold health details: 0600.
        log = (
            open(os.open(self.log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
            if self.log_path
            else nullcontext(subprocess.DEVNULL)
        )
        with log as stdout:
            # Own process group, so stop() also ends Sanic's worker children.
            self.proc = subprocess.Popen(
                self.cmd,
                cwd=ROOT,
                env=base_env(self.env, self.secrets),
                stdout=stdout,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    # 300 s: on a loaded 2-core machine two Rasa servers loading the model side
    # by side took over 180 s (session 24); a crash still fails at once (poll).
    def wait_ready(self, timeout: float = 300) -> None:
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


def actions_service(
    port: int,
    env: Dict[str, str],
    log_path: Optional[Path] = None,
    host: str = "127.0.0.1",
) -> Service:
    return Service(
        name="action server",
        # rasa-sdk behind a shared-secret check (iopnav/actionserver.py).
        cmd=[
            str(VENV_BIN / "python"),
            "-m",
            "iopnav.actionserver",
            "--host",
            host,
            "--port",
            str(port),
        ],
        ready_url=f"http://127.0.0.1:{port}/health",
        env={"IOP_ACTIONS_TOKEN": ACTIONS_TOKEN, **env},
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
        str(VENV_BIN / "python"),
        "-m",
        "iopnav.rasarun",  # rasa, with the API token kept out of the command line
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
        token = env.get("IOP_RASA_TOKEN") or os.environ.get("IOP_RASA_TOKEN")
        if not token:
            # Rasa's API can read and rewrite every conversation: never with a known token.
            raise ValueError("IOP_RASA_TOKEN is not set: Rasa's HTTP API stays off without it")
        cmd += ["--enable-api"]
        env = {**env, "IOP_RASA_TOKEN": token}
    for origin in cors or []:
        cmd += ["--cors", origin]
    return Service(
        name="Rasa server",
        cmd=cmd,
        # /status only answers once the model is loaded, so "ready" means it can reply.
        ready_url=f"http://127.0.0.1:{port}/webhooks/rest/",
        # endpoints.yml sends the action server's token from this variable.
        env={"IOP_ACTIONS_TOKEN": ACTIONS_TOKEN, **env},
        log_path=log_path,
        secrets=RASA_SECRETS,
    )


if __name__ == "__main__":
    # `make shell`: python -m iopnav.services shell-endpoints PATH
    if sys.argv[1:2] == ["shell-endpoints"] and len(sys.argv) == 3:
        print(write_shell_endpoints(Path(sys.argv[2])))
    else:
        sys.exit("usage: python -m iopnav.services shell-endpoints PATH")
