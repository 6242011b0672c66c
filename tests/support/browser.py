"""Headless Chromium for browser tests and screenshots: Debian's chromium
(`make browser-deps`), because `playwright install` cannot download here."""

import shutil
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str:
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    raise FileNotFoundError("Chromium is not installed: run `make browser-deps`")


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )


def routed_site(origin: str, chat_replies: list):
    """A Playwright route handler serving web/ under `origin`, with a chat API
    that answers every message with `chat_replies` (no assistant needed)."""
    import json
    import mimetypes

    from iopnav import settings

    web = settings.PROJECT_ROOT / "web"

    def serve(route):
        path = route.request.url[len(origin) :].split("?")[0]
        if path == "/api/chat":
            body = json.dumps(chat_replies)
            return route.fulfill(status=200, content_type="application/json", body=body)
        file = web / (path.lstrip("/") or "index.html")
        if not file.is_file():
            return route.fulfill(status=404, body="")
        kind = mimetypes.guess_type(str(file))[0] or "application/octet-stream"
        return route.fulfill(status=200, content_type=kind, body=file.read_bytes())

    return serve
