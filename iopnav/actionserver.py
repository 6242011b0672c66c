"""The action server: rasa-sdk's app with a shared-secret check in front.

  python -m iopnav.actionserver [--port 5055] [--host 127.0.0.1]   (make run starts it)

rasa-sdk itself has no authentication, allows every CORS origin and parses
any body as JSON, so a page open in a browser on the server host (or DNS
rebinding) could post `text/plain` to it and run an action (review L8). Here:
- every call except GET /health, /ready and /metrics (iopnav/ops: readiness
  = the application database answers; metrics = private networks only) must
  carry X-Action-Token: IOP_ACTIONS_TOKEN,
  which only the Rasa server knows (endpoints.yml `action_endpoint.headers`);
- a POST must be `application/json` (a browser cannot send that cross-site
  without a CORS preflight, which is refused);
- no CORS headers at all, and loopback unless IOP_ACTIONS_HOST says otherwise.
The server refuses to start without the token.
"""

import argparse
import hmac
import json
import logging
import sys
import time
import zlib
from typing import Any, List, Optional

from rasa_sdk import endpoint
from sanic import Sanic, response
from sanic.request import Request

from iopnav import settings
from iopnav.db import get_engine
from iopnav.ops import endpoints, jsonlog, metrics
from iopnav.ops.readiness import Check, sql_probe

HEADER = "X-Action-Token"
TOKEN_ENV = "IOP_ACTIONS_TOKEN"
OPEN_PATHS = ("/health",) + endpoints.PATHS


def action_checks(_app: Any) -> List[Check]:
    # Program search, intake and flags all live in the application database.
    return [Check("app_db", sql_probe(get_engine()))]


def action_name(request: Request) -> Optional[str]:
    """The action a call ran: from the body rasa-sdk already parsed, or from
    the body itself (deflate-compressed when Rasa is told to compress)."""
    try:
        call = request.parsed_json
        if call is None:
            body = request.body
            if request.headers.get("Content-Encoding") == "deflate":
                body = zlib.decompress(body)
            call = json.loads(body)
        return str(call.get("next_action") or "") or None
    except Exception:  # a metric label is not worth an error
        return None


def create_app(token: str, actions: str = "actions") -> Sanic:
    if not token:
        raise ValueError(f"{TOKEN_ENV} is not set: the action server would accept anyone")
    app = endpoint.create_app(actions, cors_origins=None)
    # Action calls carry the whole tracker; nothing legitimate comes near this.
    app.config.REQUEST_MAX_SIZE = 10_000_000

    @app.middleware("request")
    async def guard(request: Request):
        request.ctx.started = time.perf_counter()
        if request.path in OPEN_PATHS:
            return None
        if not hmac.compare_digest(request.headers.get(HEADER, "").encode(), token.encode()):
            return response.json({"error": "unauthorized"}, status=401)
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if request.method == "POST" and content_type != "application/json":
            return response.json({"error": "send application/json"}, status=415)
        return None

    @app.middleware("response")
    async def timing(request: Request, reply: Any):
        if request.path != "/webhook" or not hasattr(request.ctx, "started"):
            return
        # Only names of actions that ran: a caller cannot invent label values.
        ok = reply is not None and reply.status < 400
        name = action_name(request) if ok else None
        metrics.ACTION_SECONDS.labels(str(name or "unknown")).observe(
            time.perf_counter() - request.ctx.started
        )
        if reply is None or reply.status >= 500:
            metrics.error("action")

    endpoints.add_routes(app, "actions", action_checks)
    return app


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m iopnav.actionserver")
    parser.add_argument("--host", default=settings.ACTIONS_HOST)
    parser.add_argument("--port", type=int, default=settings.ACTIONS_PORT)
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    jsonlog.configure("actions")
    try:
        app = create_app(settings.env(TOKEN_ENV, ""), args.actions)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    jsonlog.configure("actions")  # again: Sanic has set up loggers of its own
    app.run(host=args.host, port=args.port, workers=1, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
