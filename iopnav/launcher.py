"""`make run`: prepare the database, start every part of the assistant, print
where to find them, and stop them all cleanly on Ctrl-C.

Parts: Rasa server (REST + SMS webhooks), action server (loopback only), the
web page with the chat widget, and the staff console. `make scale`
(iopnav.scale) starts several of them behind HAProxy with the same parts
and the same `serve` loop.
"""

import signal
import sys
import time
from pathlib import Path
from typing import Dict, List, Sequence

from iopnav import settings
from iopnav.services import (
    VENV_BIN,
    WEB_SECRETS,
    Service,
    actions_service,
    private_files,
    rasa_service,
    write_endpoints,
)

MODEL = settings.PROJECT_ROOT / "models" / "iop.tar.gz"


def prepare_database() -> None:
    from iopnav import migrate
    from iopnav.directory import cli

    migrate.upgrade(settings.database_url())
    cli.load_sample_if_empty()


def web_page_service(log_path: Path, env: Dict[str, str]) -> Service:
    """The page server; `env` may move its port and point it at another Rasa."""
    port = env.get("IOP_WEB_PORT", str(settings.WEB_PORT))
    return Service(
        "web page",
        [str(VENV_BIN / "python"), "-m", "iopnav.channels.webpage"],
        f"http://127.0.0.1:{port}/healthz",
        env=env,
        log_path=log_path,
        secrets=WEB_SECRETS,
    )


def console_service(log_path: Path) -> Service:
    return Service(
        "staff console",
        # Loopback unless IOP_CONSOLE_HOST says otherwise (never IOP_HOST).
        [
            str(VENV_BIN / "python"),
            "-m",
            "iopnav.console",
            "serve",
            "--host",
            settings.CONSOLE_HOST,
        ],
        f"http://127.0.0.1:{settings.CONSOLE_PORT}/login",
        log_path=log_path,
    )


def services(log_dir: Path) -> List[Service]:
    endpoints = write_endpoints(log_dir / "endpoints.yml", settings.ACTIONS_PORT)
    return [
        actions_service(
            settings.ACTIONS_PORT, {}, log_dir / "actions.log", host=settings.ACTIONS_HOST
        ),
        rasa_service(
            settings.RASA_PORT,
            MODEL,
            endpoints,
            {},
            host=settings.RASA_HOST,
            log_path=log_dir / "rasa.log",
        ),
        web_page_service(log_dir / "web.log", {}),
        console_service(log_dir / "console.log"),
    ]


def console_line() -> str:
    return (
        f"  Staff console   http://{settings.CONSOLE_HOST}:{settings.CONSOLE_PORT}/  (create an"
        f" account: make console-user EMAIL=you@clinic.org ROLE=admin)"
    )


def serve(parts: Sequence[Service], urls: Sequence[str]) -> int:
    """Start `parts` together, print `urls` once all are ready, watch them,
    and stop them all (in reverse) on Ctrl-C or when one of them dies."""
    running = [s.start() for s in parts]
    stopping = False

    def stop(*_):
        nonlocal stopping
        if stopping:
            return
        stopping = True
        print("\nStopping...", flush=True)
        for service in reversed(running):
            service.stop()
        print("Stopped.")
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print("Starting (loading the model takes about half a minute)...", flush=True)
    try:
        for service in running:
            service.wait_ready()
    except (RuntimeError, TimeoutError) as exc:
        print(f"Could not start: {exc}")
        stop()
    print("\nThe IOP assistant is running:")
    for line in urls:
        print(line)
    print("Press Ctrl-C to stop.", flush=True)
    while True:
        for service in running:
            if service.proc and service.proc.poll() is not None:
                print(
                    f"{service.name} stopped unexpectedly (exit {service.proc.returncode}); see"
                    f" {service.log_path}"
                )
                stop()
        time.sleep(1)


def main() -> int:
    if not MODEL.exists():
        print("No trained model: run `make train` (make run does it for you).")
        return 1
    private_files()
    log_dir = settings.VAR_DIR / "logs"
    prepare_database()
    rasa = f"http://{settings.RASA_HOST}:{settings.RASA_PORT}"
    return serve(
        services(log_dir),
        [
            f"  Web chat page   http://{settings.WEB_HOST}:{settings.WEB_PORT}/",
            console_line(),
            f"  REST webhook    POST {rasa}/webhooks/rest/webhook",
            f"  SMS webhook     POST {rasa}/webhooks/sms/webhook",
            f"  Action server   http://{settings.ACTIONS_HOST}:{settings.ACTIONS_PORT}",
            f"  Logs            {log_dir}",
        ],
    )


if __name__ == "__main__":
    sys.exit(main())
