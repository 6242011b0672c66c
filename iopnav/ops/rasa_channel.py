"""/ready and /metrics inside the Rasa server.

Rasa 3.6 lets a project add routes to its server only through an input
channel, so this is one (credentials.yml: iopnav.ops.rasa_channel.OpsInput)
that takes no messages. Its prefix is "/", so the paths are the same as on
every other server.

Checks: the model is loaded, the tracker store answers SELECT 1, and the
Redis lock store answers PING when one is configured. The application
database is reported but not required: while it is down the Rasa server
still answers, and crisis flags wait in the outbox (safety/outbox.py).
"""

from typing import Any, Awaitable, Callable, List, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint

from iopnav.db import get_engine
from iopnav.ops import endpoints, jsonlog
from iopnav.ops.readiness import Check, flag_probe, inner_tracker_store, redis_probe, sql_probe


def model_loaded(app: Any) -> bool:
    agent = getattr(app.ctx, "agent", None)
    return agent is not None and agent.is_ready()


def rasa_checks(app: Any) -> List[Check]:
    checks = [Check("model", flag_probe(lambda: model_loaded(app), "model"))]
    agent = getattr(app.ctx, "agent", None)
    if agent is not None:
        engine = getattr(inner_tracker_store(agent.tracker_store), "engine", None)
        if engine is not None:
            checks.append(Check("tracker_store", sql_probe(engine)))
        redis = getattr(agent.lock_store, "red", None)  # only Redis lock stores have one
        if redis is not None:
            checks.append(Check("lock_store", redis_probe(redis)))
    checks.append(Check("app_db", sql_probe(get_engine()), required=False))
    return checks


class OpsInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "ops"

    def url_prefix(self) -> Text:
        return "/"  # urljoin("/webhooks/", "/") is "/": /ready, not /webhooks/ops/ready

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        ops = Blueprint("iopnav_ops")
        endpoints.add_routes(ops, "rasa", rasa_checks)

        @ops.listener("before_server_start")
        async def json_logs(_app: Any, _loop: Any) -> None:
            # After Rasa and Sanic have set up their own log handlers.
            jsonlog.configure("rasa")

        return ops
