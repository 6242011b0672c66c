"""The staff console in real headless Chromium (Debian's, via Playwright),
over conversations made by sending real messages through the running
assistant (trained model, Rasa server, action server), with SQLite and
PostgreSQL stores.

The module's tests are one story, in order: a failed and a good sign-in, a
reviewer reading the crisis conversation but unable to export or delete, an
admin exporting and erasing, and the audit log showing each step.
Screenshots of the list and a transcript go to the test's directory, and to
docs/ only when IOP_UPDATE_SCREENSHOTS=1 (SQLite run), so a test run leaves
the checkout clean.
"""

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from iopnav import settings
from tests.support.assistant import RunningAssistant, model_path
from tests.support.console import ADMIN, PASSWORD, REVIEWER, ConsoleServer
from tests.support.databases import isolated_database_url, postgres_available
from tests.support.sms import send_sms

DOCS = settings.PROJECT_ROOT / "docs"
CRISIS_MESSAGE = "I want to kill myself"
SMS_NUMBER = "+18135550143"


@dataclass
class Stack:
    kind: str
    assistant: RunningAssistant
    console: ConsoleServer
    crisis: str  # sender ids
    question: str
    sms: str
    shots: Path
    keys: dict  # conversation numbers, kept after an erasure

    def key(self, sender: str) -> int:
        return self.keys[sender]

    @property
    def url(self) -> str:
        return self.console.base_url


def talk(assistant: RunningAssistant, sender: str, *texts: str) -> str:
    return "\n".join(assistant.texts(t, sender) for t in texts)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def stack(request, tmp_path_factory):
    if not model_path().exists():
        pytest.fail("No trained model: run `make train` (make test does it first).")
    if request.param == "postgresql" and not postgres_available():
        pytest.skip("PostgreSQL is not reachable")
    workdir = tmp_path_factory.mktemp(f"console-browser-{request.param}")
    with (
        isolated_database_url(request.param, workdir) as app_url,
        isolated_database_url(request.param, workdir) as tracker_url,
    ):
        assistant = RunningAssistant(
            workdir, env={"IOP_DATABASE_URL": app_url, "IOP_TRACKER_STORE_URL": tracker_url}
        )
        assistant.database_url, assistant.tracker_store_url = app_url, tracker_url
        console = ConsoleServer(app_url, tracker_url, workdir)
        try:
            assistant.start()
            console.start()
            crisis, question = RunningAssistant.new_sender(), RunningAssistant.new_sender()
            handoff = talk(assistant, crisis, "hi", "what is an IOP?", CRISIS_MESSAGE)
            assert "988" in handoff, handoff  # the assistant really handed off
            talk(
                assistant,
                question,
                "do you take Aetna insurance?",
                "what time are the evening groups?",
            )
            assert (
                send_sms(
                    assistant.rasa_url, SMS_NUMBER, "what is an intensive outpatient program?"
                ).status
                == 200
            )
            keys = {s: console.key(s) for s in (crisis, question, SMS_NUMBER)}
            yield Stack(
                request.param,
                assistant,
                console,
                crisis,
                question,
                SMS_NUMBER,
                workdir / "screenshots",
                keys,
            )
        finally:
            console.stop()
            assistant.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def sign_in(page, stack: Stack, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def login(page, stack: Stack, email: str) -> None:
    page.goto(stack.url + "/login")
    sign_in(page, stack, email)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def screenshot(page, stack: Stack, name: str) -> None:
    """Into the test's directory; docs/ only on request (see the module docstring)."""
    stack.shots.mkdir(exist_ok=True)
    path = stack.shots / name
    page.screenshot(path=str(path), full_page=True)
    if stack.kind == "sqlite" and os.environ.get("IOP_UPDATE_SCREENSHOTS") == "1":
        shutil.copyfile(path, DOCS / name)


def test_logged_out_access_redirects_to_login(page, stack):
    target = f"/transcript/{stack.key(stack.crisis)}"
    page.goto(stack.url + target)
    assert page.url == f"{stack.url}/login?next={quote(target, safe='')}"
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text(CRISIS_MESSAGE)).to_have_count(0)
    for path in (
        "/conversations",
        "/admin/audit",
        f"/export/conversation?id={stack.key(stack.crisis)}&format=json",
    ):
        page.goto(stack.url + path)
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_wrong_password_fails_and_the_right_one_signs_in(page, stack):
    target = f"/transcript/{stack.key(stack.crisis)}"
    page.goto(stack.url + target)
    sign_in(page, stack, REVIEWER, "definitely not it")
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    sign_in(page, stack, REVIEWER)
    # Back where the reviewer was going, signed in.
    assert page.url == stack.url + target
    expect(page.get_by_text(f"{REVIEWER} (reviewer)")).to_be_visible()


def test_reviewer_finds_and_reads_the_crisis_conversation(page, stack):
    login(page, stack, REVIEWER)
    page.goto(stack.url + "/conversations")
    first_row = page.locator("#conversations tbody tr").first
    # The open crisis flag is pinned on top and unmistakable.
    expect(first_row).to_have_class(re.compile(r"\bpinned crisis\b"))
    expect(first_row).to_contain_text("CRISIS · open")
    expect(first_row.get_by_role("link", name=f"#{stack.key(stack.crisis)}")).to_be_visible()
    # The SMS visitor's number is masked in the list.
    sms_row = page.locator(f'#conversations tr[data-key="{stack.key(stack.sms)}"]')
    expect(sms_row).to_contain_text("•••43")
    expect(page.locator("#conversations")).not_to_contain_text("5550143")
    screenshot(page, stack, "console-list.png")

    first_row.get_by_role("link", name=f"#{stack.key(stack.crisis)}").click()
    expect(
        page.get_by_role("heading", name=re.compile(rf"Conversation #{stack.key(stack.crisis)}"))
    ).to_be_visible()
    flags = page.locator("section.flags")
    expect(flags).to_contain_text("Crisis flag (1, 1 open)")
    crisis_turn = page.locator("li.turn.user.crisis")
    expect(crisis_turn).to_have_count(1)
    expect(crisis_turn).to_contain_text(CRISIS_MESSAGE)
    expect(crisis_turn.locator(".badge.crisis")).to_have_text("CRISIS")
    expect(crisis_turn.locator("strong.intent")).to_have_text("crisis")
    expect(crisis_turn.locator(".meta")).to_contain_text("rest")
    expect(page.locator("li.action", has_text="utter_crisis_handoff")).to_contain_text("chosen by")
    expect(page.locator("li.turn.bot", has_text="988").first).to_be_visible()
    # Each visitor turn shows its time and the intent with its confidence.
    expect(page.locator("li.turn.user").first.locator("time")).to_have_text(
        re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
    )
    expect(
        page.locator("li.turn.user", has_text="what is an IOP?").locator(".meta")
    ).to_contain_text(re.compile(r"intent \w+ [01]\.\d\d"))
    screenshot(page, stack, "console-transcript.png")

    page.get_by_role("button", name="Mark reviewed").click()
    expect(page.get_by_role("status")).to_have_text("Marked as reviewed.")


def test_reviewer_cannot_export_or_delete(page, stack):
    login(page, stack, REVIEWER)
    key = stack.key(stack.crisis)
    page.goto(f"{stack.url}/transcript/{key}")
    expect(page.get_by_text("Export:")).to_have_count(0)
    expect(page.get_by_role("link", name="Forget this visitor…")).to_have_count(0)
    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)
    for path, message in (
        (f"/export/conversation?id={key}&format=json", "Only admins can export conversations."),
        (f"/forget?id={key}", "Only admins can delete conversations."),
        ("/admin/audit", "Only admins can read the audit log."),
    ):
        response = page.goto(stack.url + path)
        assert response.status == 403, path
        expect(page.get_by_role("alert")).to_have_text(message)
    assert stack.console.event_count(stack.crisis) > 0


def test_admin_exports_and_forgets(page, stack):
    login(page, stack, ADMIN)
    key = stack.key(stack.crisis)
    page.goto(f"{stack.url}/transcript/{key}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="JSON", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"conversation-{key}-")
    exported = json.loads(Path(download.path()).read_text())
    said = [e["text"] for e in exported["events"] if e.get("event") == "user"]
    assert said == ["hi", "what is an IOP?", CRISIS_MESSAGE]
    assert exported["crisis_flags"] and exported["crisis_flags"][0]["category"]
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF", exact=True).click()
    assert Path(download_info.value.path()).read_bytes().startswith(b"%PDF")

    forget_key = stack.key(stack.question)
    page.goto(f"{stack.url}/transcript/{forget_key}")
    page.get_by_role("link", name="Forget this visitor…").click()
    expect(
        page.get_by_role("heading", name=re.compile(f"Conversation #{forget_key}"))
    ).to_be_visible()
    page.get_by_label("I understand this erases it for good.").first.check()
    page.get_by_role("button", name="Erase this conversation").click()
    expect(page.get_by_role("status")).to_contain_text("Erased 1 conversation(s)")
    expect(page.locator(f'#conversations tr[data-key="{forget_key}"]')).to_have_count(0)
    assert stack.console.event_count(stack.question) == 0
    # The crisis conversation and its flag are untouched by erasing another one.
    expect(page.locator(f'#conversations tr[data-key="{key}"]')).to_contain_text("CRISIS")


def test_audit_log_shows_each_step(page, stack):
    login(page, stack, ADMIN)
    page.goto(stack.url + "/admin/audit")
    table = page.locator("#audit tbody")
    crisis, question = stack.key(stack.crisis), stack.key(stack.question)

    def entry(who, action, what="", detail=""):
        row = (
            table.locator("tr")
            .filter(has=page.get_by_role("cell", name=who, exact=True))
            .filter(has=page.get_by_role("cell", name=action, exact=True))
        )
        if what:
            row = row.filter(has_text=what)
        if detail:
            row = row.filter(has_text=detail)
        expect(row.first).to_be_visible()

    entry(REVIEWER, "login_failed")
    entry(REVIEWER, "login")
    # Each row says where it came from: the address and the browser.
    signed_in = table.locator("tr").filter(has=page.get_by_role("cell", name="login", exact=True))
    source = signed_in.first.locator("td").last
    expect(source).to_contain_text("127.0.0.1")
    expect(source.locator("small")).to_have_attribute("title", re.compile("Chrome"))
    entry(REVIEWER, "view_list", "conversations")
    entry(REVIEWER, "view_conversation", f"conversation #{crisis}")
    entry(REVIEWER, "review", f"conversation #{crisis}")
    entry(REVIEWER, "denied", "/export/conversation", "needs admin to export conversations")
    entry(REVIEWER, "denied", "/forget", "needs admin to delete conversations")
    entry(ADMIN, "export", f"conversation #{crisis}", "JSON")
    entry(ADMIN, "export", f"conversation #{crisis}", "PDF")
    entry(ADMIN, "forget", f"conversation #{question}", "1 conversation(s)")
    # Newest first: the erasure is listed above the exports that came before it.
    actions = table.locator("td:nth-child(3)").all_inner_texts()
    assert actions.index("forget") < actions.index("export")
    # The audit log holds who, what and when, never the visitor's words.
    expect(table).not_to_contain_text(CRISIS_MESSAGE)
    expect(table.locator("tr").first.locator("td").first).to_have_text(
        re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
    )


def test_screenshots_refresh_docs_only_on_request(tmp_path, monkeypatch):
    """A test run must leave the checkout clean: docs/ images change only
    when someone asks for it with IOP_UPDATE_SCREENSHOTS=1."""

    class FakePage:
        def screenshot(self, path, full_page):
            Path(path).write_bytes(b"png")

    docs = tmp_path / "docs"
    docs.mkdir()
    monkeypatch.setitem(globals(), "DOCS", docs)
    shots = SimpleNamespace(kind="sqlite", shots=tmp_path / "shots")
    monkeypatch.delenv("IOP_UPDATE_SCREENSHOTS", raising=False)
    screenshot(FakePage(), shots, "console-list.png")
    assert (tmp_path / "shots" / "console-list.png").exists()
    assert not (docs / "console-list.png").exists()
    monkeypatch.setenv("IOP_UPDATE_SCREENSHOTS", "1")
    screenshot(FakePage(), shots, "console-list.png")
    assert (docs / "console-list.png").read_bytes() == b"png"
