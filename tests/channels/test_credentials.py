"""Guardrail: every channel in credentials.yml loads.

Rasa builds its channels from credentials.yml only when the server starts,
so a typo or an import error in a channel surfaces in a server log, not in
any test of the channel's functions. Every class named there is imported and
built here, the same way Rasa does it."""

from pathlib import Path

import yaml
from rasa.core import run
from rasa.core.channels.channel import InputChannel
from rasa.shared.utils.common import class_from_module_path

from iopnav import settings

CREDENTIALS = settings.PROJECT_ROOT / "credentials.yml"


def channel_entries():
    return yaml.safe_load(Path(CREDENTIALS).read_text()) or {}


def test_every_channel_class_in_credentials_imports():
    entries = channel_entries()
    assert entries, "credentials.yml names no channel"
    for path, credentials in entries.items():
        cls = class_from_module_path(path)
        assert issubclass(cls, InputChannel), path
        assert cls.from_credentials(credentials).blueprint(lambda message: None) is not None


def test_rasa_builds_the_rest_sms_and_ops_channels_from_credentials():
    channels = run.create_http_input_channels(None, str(CREDENTIALS))
    assert sorted(c.name() for c in channels) == ["ops", "rest", "sms"]


def test_no_secret_is_written_in_credentials():
    text = CREDENTIALS.read_text().lower()
    for word in ("auth_token:", "account_sid:", "password", "secret:"):
        assert word not in text
