"""IOP_LOG_FORMAT=json: every log record as one JSON object on one line,
for log shippers that index fields (request id, server, latency).

Off by default: the text format stays what `make run` prints. The record's
message is kept as the code wrote it; our code never logs what a person
wrote (review M6), and a turn's own line (ops/turns.py) carries numbers and
ids only.
"""

import json
import logging
import os
import socket
from datetime import datetime, timezone
from typing import Any, Dict

from iopnav import settings

_service = "iop"


def enabled() -> bool:
    return settings.env("IOP_LOG_FORMAT", "text").lower() == "json"


def server_name() -> str:
    """This instance's name in logs: IOP_SERVER_NAME (set one per server when
    several run on one host), else the host name (a container's id)."""
    return settings.env("IOP_SERVER_NAME", socket.gethostname())


def service() -> str:
    return _service


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: Dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "service": _service,
            "server": server_name(),
            "pid": os.getpid(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(service_name: str) -> None:
    """Name this process's service and, with IOP_LOG_FORMAT=json, switch every
    handler (ours, Rasa's, Sanic's) to one JSON object per line. Safe to call
    again (a server's start-up may configure logging after us)."""
    global _service
    _service = service_name
    if not enabled():
        return
    formatter = JsonFormatter()
    logging.captureWarnings(True)  # library warnings from now on: JSON lines too
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    loggers = [root] + [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    for found in loggers:
        for handler in getattr(found, "handlers", []):
            handler.setFormatter(formatter)
