"""Process hygiene of the launcher's services (review M5, M6, M13, L7, L8):
what each child process may see, files only we can read, Rasa's API never
with a known token, separate binds, and the action server's shared secret."""

import json
import os
import stat
import subprocess
import sys

import pytest
import yaml

from iopnav import services, settings
from iopnav.actionserver import HEADER, create_app
from tests.support.asgi import AsgiApp

ROOT = settings.PROJECT_ROOT


def child_env(service: services.Service, monkeypatch) -> dict:
    """The environment the child really gets (it prints its own)."""
    monkeypatch.setenv("IOP_TWILIO_AUTH_TOKEN", "twilio-secret")
    monkeypatch.setenv("IOP_CONSOLE_PASSWORD", "console-secret")
    monkeypatch.setenv("IOP_WEB_SESSION_SECRET", "web-secret")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "cloud-secret")
    monkeypatch.setenv("IOP_CLINIC_NAME", "Cedar Grove")
    printed = subprocess.run(
        [sys.executable, "-c", "import json, os; print(json.dumps(dict(os.environ)))"],
        env=services.base_env(service.env, service.secrets),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(printed.stdout)


def test_the_twilio_token_reaches_only_rasa(monkeypatch, tmp_path):
    web = services.Service("web page", [], "", secrets=services.WEB_SECRETS)
    actions = services.actions_service(5055, {})
    rasa = services.rasa_service(5005, tmp_path / "m.tar.gz", tmp_path / "e.yml", {})
    for service in (web, actions):
        env = child_env(service, monkeypatch)
        assert "IOP_TWILIO_AUTH_TOKEN" not in env and "AWS_SECRET_ACCESS_KEY" not in env
        assert "IOP_CONSOLE_PASSWORD" not in env
        assert env["IOP_CLINIC_NAME"] == "Cedar Grove"  # settings still arrive
    assert child_env(web, monkeypatch)["IOP_WEB_SESSION_SECRET"] == "web-secret"
    assert "IOP_WEB_SESSION_SECRET" not in child_env(actions, monkeypatch)
    rasa_env = child_env(rasa, monkeypatch)
    assert rasa_env["IOP_TWILIO_AUTH_TOKEN"] == "twilio-secret"
    assert "IOP_WEB_SESSION_SECRET" not in rasa_env and "AWS_SECRET_ACCESS_KEY" not in rasa_env
    # Rasa and the action server share one token.
    assert rasa_env["IOP_ACTIONS_TOKEN"] == child_env(actions, monkeypatch)["IOP_ACTIONS_TOKEN"]


def test_rasas_api_is_never_enabled_with_a_default_token(monkeypatch, tmp_path):
    monkeypatch.delenv("IOP_RASA_TOKEN", raising=False)
    with pytest.raises(ValueError, match="IOP_RASA_TOKEN"):
        services.rasa_service(5005, tmp_path / "m", tmp_path / "e", {}, enable_api=True)
    rasa = services.rasa_service(
        5005, tmp_path / "m", tmp_path / "e", {"IOP_RASA_TOKEN": "s3cret"}, enable_api=True
    )
    # Not on the command line, where `ps` shows it (iopnav/rasarun.py adds it inside).
    assert "--enable-api" in rasa.cmd and not any("s3cret" in part for part in rasa.cmd)
    assert "--auth-token" not in rasa.cmd and rasa.env["IOP_RASA_TOKEN"] == "s3cret"


def test_logs_databases_and_var_are_private(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "VAR_DIR", tmp_path / "var")
    (tmp_path / "var").mkdir(mode=0o755)
    old = tmp_path / "var" / "iop.db"
    old.write_text("")
    old.chmod(0o644)
    previous = os.umask(0o022)
    try:
        services.private_files()
        assert os.umask(0o022) == 0o077
        log = tmp_path / "var" / "logs" / "web.log"
        service = services.Service("echo", [sys.executable, "-c", "print('hi')"], "", log_path=log)
        service.start().proc.wait(timeout=30)
    finally:
        os.umask(previous)
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(tmp_path / "var") == 0o700 and mode(tmp_path / "var" / "logs") == 0o700
    assert mode(log) == 0o600 and log.read_text().strip() == "hi"
    assert mode(old) == 0o600


def test_the_console_and_action_server_stay_on_loopback_whatever_iop_host_says():
    env = {**os.environ, "IOP_HOST": "0.0.0.0", "PYTHONPATH": str(ROOT)}
    for name in ("IOP_CONSOLE_HOST", "IOP_ACTIONS_HOST", "IOP_WEB_HOST", "IOP_RASA_HOST"):
        env.pop(name, None)
    code = (
        "from iopnav import settings as s; from iopnav.launcher import services; "
        "import pathlib, tempfile; d = pathlib.Path(tempfile.mkdtemp()); "
        "print(s.CONSOLE_HOST, s.ACTIONS_HOST, s.WEB_HOST, s.RASA_HOST); "
        "print(*[' '.join(x.cmd) for x in services(d)], sep='\\n')"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0] == "127.0.0.1 127.0.0.1 0.0.0.0 0.0.0.0"
    actions, rasa, _web, console = out[1:5]
    assert "--host 127.0.0.1" in actions and "--host 127.0.0.1" in console
    assert "-i 0.0.0.0" in rasa


def test_make_shell_is_loopback_and_never_touches_the_real_stores(tmp_path):
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("\nshell:", 1)[1].split("\n\n", 1)[0]
    assert "-i 127.0.0.1" in recipe and "--endpoints endpoints.yml" not in recipe
    endpoints = yaml.safe_load(services.write_shell_endpoints(tmp_path / "e.yml").read_text())
    assert "tracker_store" not in endpoints and "lock_store" not in endpoints
    assert endpoints["action_endpoint"]["headers"][HEADER] == "${IOP_ACTIONS_TOKEN}"


def test_git_ignores_sqlite_side_files_logs_and_env():
    names = ["x.db-wal", "x.db-shm", "a.sqlite", "docs/run.log", ".env", "web_session.secret"]
    ignored = subprocess.run(
        ["git", "check-ignore", *names], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    assert sorted(ignored) == sorted(names)


# --- the action server's shared secret (L8) ----------------------------------------


@pytest.fixture(scope="module")
def action_server():
    app = AsgiApp(create_app("right-token", "actions"))
    yield app
    app.close()


CALL = {
    "next_action": "action_submit_intake",
    "sender_id": "x",
    "tracker": {"sender_id": "x", "slots": {}, "latest_message": {}, "events": []},
    "domain": {},
}


def call(app, headers):
    status, _, body = app.request("POST", "/webhook", "", headers, json.dumps(CALL).encode())
    return status, json.loads(body or b"null")


def test_the_action_server_refuses_calls_without_the_token(action_server):
    assert call(action_server, {"content-type": "application/json"})[0] == 401
    wrong = {"content-type": "application/json", HEADER: "wrong"}
    assert call(action_server, wrong)[0] == 401
    # The review's blind CSRF: text/plain JSON, even with the right token.
    plain = {"content-type": "text/plain", HEADER: "right-token"}
    assert call(action_server, plain)[0] == 415
    assert action_server.request("GET", "/health", "", {}, b"")[0] == 200
    # No CORS for any origin.
    _, headers, _ = action_server.request(
        "GET", "/health", "", {"origin": "http://evil.example"}, b""
    )
    assert "access-control-allow-origin" not in {k.lower() for k, _ in headers}


def test_the_action_server_runs_actions_for_rasa(action_server):
    status, answer = call(
        action_server, {"content-type": "application/json", HEADER: "right-token"}
    )
    # The intake action ran (with no consent it saves nothing and says so).
    assert status == 200 and "haven't saved anything" in answer["responses"][0]["text"]


def test_the_action_server_will_not_start_without_a_token():
    with pytest.raises(ValueError):
        create_app("", "actions")


def test_rasa_sends_the_action_servers_token(monkeypatch, tmp_path):
    from rasa.utils.endpoints import read_endpoint_config

    monkeypatch.setenv("IOP_ACTIONS_TOKEN", "from-the-environment")
    endpoints = services.write_endpoints(tmp_path / "endpoints.yml", 5056)
    action_endpoint = read_endpoint_config(str(endpoints), "action_endpoint")
    assert action_endpoint.url == "http://127.0.0.1:5056/webhook"
    assert action_endpoint.headers == {HEADER: "from-the-environment"}


def test_rasas_api_token_is_not_on_its_command_line(assistant):
    from tests.support.assistant import TOKEN

    rasa = next(s for s in assistant.services if s.name == "Rasa server")
    with open(f"/proc/{rasa.proc.pid}/cmdline", "rb") as cmdline:
        assert TOKEN.encode() not in cmdline.read()
    # The API still takes the token (it reached Rasa through the environment).
    assert assistant.parse("what is an IOP?")["intent"]["name"]
