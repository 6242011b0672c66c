"""The action server: rasa-sdk's app with a shared-secret check in front.

  python -m iopnav.actionserver [--port 5055] [--host 127.0.0.1]   (make run starts it)

rasa-sdk itself has no authentication, allows every CORS origin and parses
any body as JSON, so a page open in a browser on the server host (or DNS
rebinding) could post `text/plain` to it and run an action (review L8). Here:
- every call except GET /health must carry X-Action-Token: IOP_ACTIONS_TOKEN,
  which only the Rasa server knows (endpoints.yml `action_endpoint.headers`);
- a POST must be `application/json` (a browser cannot send that cross-site
  without a CORS preflight, which is refused);
- no CORS headers at all, and loopback unless IOP_ACTIONS_HOST says otherwise.
The server refuses to start without the token.
"""

import argparse
import hmac
import logging
import sys
from typing import List, Optional

from rasa_sdk import endpoint
from sanic import Sanic, response
from sanic.request import Request

from iopnav import settings

HEADER = "X-Action-Token"
TOKEN_ENV = "IOP_ACTIONS_TOKEN"


def create_app(token: str, actions: str = "actions") -> Sanic:
    if not token:
        raise ValueError(f"{TOKEN_ENV} is not set: the action server would accept anyone")
    app = endpoint.create_app(actions, cors_origins=None)
    # Action calls carry the whole tracker; nothing legitimate comes near this.
    app.config.REQUEST_MAX_SIZE = 10_000_000

    @app.middleware("request")
    async def guard(request: Request):
        if request.path == "/health":
            return None
        if not hmac.compare_digest(request.headers.get(HEADER, "").encode(), token.encode()):
            return response.json({"error": "unauthorized"}, status=401)
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if request.method == "POST" and content_type != "application/json":
            return response.json({"error": "send application/json"}, status=415)
        return None

    return app


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m iopnav.actionserver")
    parser.add_argument("--host", default=settings.ACTIONS_HOST)
    parser.add_argument("--port", type=int, default=settings.ACTIONS_PORT)
    parser.add_argument("--actions", default="actions")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        app = create_app(settings.env(TOKEN_ENV, ""), args.actions)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    app.run(host=args.host, port=args.port, workers=1, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
