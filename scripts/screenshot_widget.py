"""Save screenshots of the chat widget on the sample clinic page:
docs/widget.png (desktop) and docs/widget-phone.png (phone-sized).

  # starts its own assistant (needs models/iop.tar.gz):
  python scripts/screenshot_widget.py
  # or uses a running one (make run):
  python scripts/screenshot_widget.py --rasa-url http://127.0.0.1:5005

It has a short real conversation first, so the picture shows answers,
suggested replies and the emergency line as a visitor sees them.
"""

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from iopnav import settings
from iopnav.services import VENV_BIN, Service, free_port
from tests.support.assistant import RunningAssistant
from tests.support.browser import launch

DOCS = settings.PROJECT_ROOT / "docs"
QUESTIONS = ["hi", "what is an IOP?"]


def converse(page, url: str) -> None:
    page.goto(url + "/")
    page.get_by_role("button", name="Chat with us").click()
    for question in QUESTIONS:
        before = page.locator(".iopnav-bot").count()
        page.get_by_label("Type your message").fill(question)
        page.keyboard.press("Enter")
        expect(page.locator(".iopnav-bot")).not_to_have_count(before, timeout=30_000)
        expect(page.get_by_role("status")).to_be_hidden(timeout=30_000)


def shoot(web_url: str) -> None:
    DOCS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        for name, viewport, mobile in (
            ("widget.png", (1200, 850), False),
            ("widget-phone.png", (390, 780), True),
        ):
            context = browser.new_context(
                viewport={"width": viewport[0], "height": viewport[1]},
                is_mobile=mobile,
                device_scale_factor=1,
            )
            page = context.new_page()
            converse(page, web_url)
            page.screenshot(path=str(DOCS / name))
            print(f"wrote docs/{name}")
            context.close()
        browser.close()


def main(argv) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rasa-url", help="a running Rasa server (default: start one on free ports)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        assistant = None
        if not args.rasa_url:
            assistant = RunningAssistant(Path(tmp)).start()
        rasa_url = args.rasa_url or assistant.rasa_url
        port = free_port()
        web = Service(
            "web page",
            [str(VENV_BIN / "python"), "-m", "iopnav.channels.webpage"],
            f"http://127.0.0.1:{port}/healthz",
            env={"IOP_WEB_PORT": str(port), "IOP_WEB_HOST": "127.0.0.1", "IOP_RASA_URL": rasa_url},
        ).start()
        try:
            web.wait_ready(timeout=60)
            shoot(f"http://127.0.0.1:{port}")
        finally:
            web.stop()
            if assistant:
                assistant.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
