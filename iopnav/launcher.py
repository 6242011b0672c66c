"""`make run`: prepare the database, start every part of the assistant, print
where to find them, and stop them all cleanly on Ctrl-C.

Parts: Rasa server (REST + SMS webhooks), action server (loopback only), the
web page with the chat widget, and the staff console.
"""

import signal
import sys
import time
from pathlib import Path
from typing import List

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


def services(log_dir: Path) -> List[Service]:
    endpoints = write_endpoints(log_dir / "endpoints.yml", settings.ACTIONS_PORT)
    parts = [
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
    ]
    python = str(VENV_BIN / "python")
    return parts + [
        Service(
            "web page",
            [python, "-m", "iopnav.channels.webpage"],
            f"http://127.0.0.1:{settings.WEB_PORT}/healthz",
            log_path=log_dir / "web.log",
            secrets=WEB_SECRETS,
        ),
        Service(
            "staff console",
            # Loopback unless IOP_CONSOLE_HOST says otherwise (never IOP_HOST).
            [python, "-m", "iopnav.console", "serve", "--host", settings.CONSOLE_HOST],
            f"http://127.0.0.1:{settings.CONSOLE_PORT}/login",
            log_path=log_dir / "console.log",
        ),
    ]


def main() -> int:
    if not MODEL.exists():
        print("No trained model: run `make train` (make run does it for you).")
        return 1
    private_files()
    log_dir = settings.VAR_DIR / "logs"
    prepare_database()
    running = [s.start() for s in services(log_dir)]
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
    rasa = f"http://{settings.RASA_HOST}:{settings.RASA_PORT}"
    print("\nThe IOP assistant is running:")
    print(f"  Web chat page   http://{settings.WEB_HOST}:{settings.WEB_PORT}/")
    print(
        f"  Staff console   http://{settings.CONSOLE_HOST}:{settings.CONSOLE_PORT}/  (create an"
        f" account: make console-user EMAIL=you@clinic.org ROLE=admin)"
    )
    print(f"  REST webhook    POST {rasa}/webhooks/rest/webhook")
    print(f"  SMS webhook     POST {rasa}/webhooks/sms/webhook")
    print(f"  Action server   http://{settings.ACTIONS_HOST}:{settings.ACTIONS_PORT}")
    print(f"  Logs            {log_dir}")
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


if __name__ == "__main__":
    sys.exit(main())
