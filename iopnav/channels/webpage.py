"""The web page server: the sample clinic page, the chat widget, and the
widget's /api/chat endpoint, which forwards to the Rasa REST webhook.

  python -m iopnav.channels.webpage     (make run starts it)

  GET  /               web/index.html (sample clinic page with the widget)
  GET  /widget/...     widget.js and widget.css (what the embed snippet loads)
  POST /api/chat       {"sender": "web-<32 hex>", "message": "..."} -> Rasa's reply
  GET  /healthz        {"status": "ok"}

Why a proxy: the page and its API share one origin, so the browser needs no
CORS and the Rasa server needs no --cors at all. Other sites that embed the
widget must be listed in IOP_WEB_ALLOWED_ORIGINS (exact origins, comma
separated); there is never a wildcard.

Why the sender check: widget session ids are 128 random bits ("web-" + 32
hex), so one visitor cannot guess another's conversation; the proxy refuses
anything else, including phone numbers (SMS conversations).

Standard library only (ThreadingHTTPServer): it serves a few static files
and one forwarding endpoint, and each request waits on Rasa in its own thread.

Settings: IOP_HOST, IOP_WEB_PORT (8080), IOP_RASA_URL (http://127.0.0.1:5005),
IOP_WEB_ALLOWED_ORIGINS.
"""

import json
import logging
import mimetypes
import re
import sys
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Optional, Tuple
from urllib.parse import urlsplit

from iopnav import settings

logger = logging.getLogger(__name__)

WEB_ROOT = settings.PROJECT_ROOT / "web"
MAX_BODY_BYTES = 64 * 1024
# Rasa answers within seconds; a custom action may be slow, never this slow.
RASA_TIMEOUT_SECONDS = 60
SESSION_PATTERN = re.compile(r"^web-[0-9a-f]{32}$")
UNREACHABLE = (
    "The assistant can't be reached right now. Your message was not sent; please try again "
    "in a moment. In an emergency call 911, or call or text 988."
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
    ),
}


def allowed_origins() -> set:
    return {
        o.strip().rstrip("/")
        for o in settings.env("IOP_WEB_ALLOWED_ORIGINS", "").split(",")
        if o.strip()
    }


def check_chat_request(body: bytes) -> Tuple[Optional[Dict], Optional[str]]:
    """(payload to forward, None) or (None, why it is refused)."""
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, 'Send JSON: {"sender": "web-...", "message": "..."}.'
    if not isinstance(payload, dict):
        return None, 'Send a JSON object: {"sender": "web-...", "message": "..."}.'
    if not isinstance(payload.get("sender"), str) or not SESSION_PATTERN.match(payload["sender"]):
        return (
            None,
            "The chat session id is missing or invalid; reload the page to start a new chat.",
        )
    # Only these two fields reach Rasa: the channel and metadata are not the browser's to choose.
    return {"sender": payload["sender"], "message": payload.get("message")}, None


class Handler(BaseHTTPRequestHandler):
    server_version = "iopnav-web"
    sys_version = ""
    rasa_url = settings.env("IOP_RASA_URL", f"http://127.0.0.1:{settings.RASA_PORT}")
    web_root = WEB_ROOT

    # --- helpers -----------------------------------------------------------
    def _send(
        self, status: int, body: bytes, content_type: str, extra: Optional[Dict[str, str]] = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        for name, value in {**SECURITY_HEADERS, **(extra or {})}.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, payload, extra: Optional[Dict[str, str]] = None) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json", extra)

    def _error(
        self, status: int, code: str, message: str, extra: Optional[Dict[str, str]] = None
    ) -> None:
        self._json(status, {"error": code, "message": message}, extra)

    def _origin_headers(self) -> Optional[Dict[str, str]]:
        """CORS headers for an allowed cross-site origin, {} for same-origin
        or non-browser requests, None for a refused origin."""
        origin = self.headers.get("Origin")
        if not origin:
            return {}
        if urlsplit(origin).netloc == self.headers.get("Host", ""):
            return {}
        if origin.rstrip("/") in allowed_origins():
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return None

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        # The request line only (no bodies): messages may hold health details.
        logger.info("%s %s", self.address_string(), format % args)

    # --- routes -------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        path = urlsplit(self.path).path
        if path == "/healthz":
            return self._json(200, {"status": "ok"})
        if path == "/":
            path = "/index.html"
        target = (self.web_root / path.lstrip("/")).resolve()
        # Only files inside web/ (no "../"), never a directory listing.
        if self.web_root.resolve() not in target.parents or not target.is_file():
            return self._error(404, "not_found", "There is no page here.")
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        self._send(200, target.read_bytes(), content_type)

    do_HEAD = do_GET

    def do_OPTIONS(self) -> None:  # noqa: N802
        cors = self._origin_headers()
        if cors is None or urlsplit(self.path).path != "/api/chat":
            return self._error(403, "origin_not_allowed", "This origin may not use the chat API.")
        cors.update(
            {
                "Access-Control-Allow-Methods": "POST",
                "Access-Control-Allow-Headers": "Content-Type",
                "Access-Control-Max-Age": "600",
            }
        )
        self._send(204, b"", "text/plain", cors)

    def do_POST(self) -> None:  # noqa: N802
        if urlsplit(self.path).path != "/api/chat":
            return self._error(404, "not_found", "POST to /api/chat.")
        cors = self._origin_headers()
        if cors is None:
            return self._error(403, "origin_not_allowed", "This origin may not use the chat API.")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return self._error(411, "length_required", "Send a Content-Length header.", cors)
        if length > MAX_BODY_BYTES:
            return self._error(
                413, "too_large", f"The message is larger than {MAX_BODY_BYTES // 1024} KB.", cors
            )
        payload, problem = check_chat_request(self.rfile.read(length))
        if problem or payload is None:
            return self._error(400, "bad_request", problem or "Empty request.", cors)
        status, body = self.forward(payload)
        self._send(status, body, "application/json", cors)

    def forward(self, payload: Dict) -> Tuple[int, bytes]:
        request = urllib.request.Request(
            self.rasa_url.rstrip("/") + "/webhooks/rest/webhook",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=RASA_TIMEOUT_SECONDS) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            # The channel's own clear answers (400 empty message, 503 ...) pass through.
            body = exc.read()
            if exc.code < 500 or _is_json(body):
                return exc.code, body
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            logger.warning("Rasa at %s is unreachable: %s", self.rasa_url, exc)
        return 502, json.dumps({"error": "unreachable", "message": UNREACHABLE}).encode()


def _is_json(body: bytes) -> bool:
    try:
        json.loads(body.decode("utf-8"))
        return True
    except (UnicodeDecodeError, ValueError):
        return False


def make_server(
    host: str, port: int, rasa_url: Optional[str] = None, web_root: Optional[Path] = None
) -> ThreadingHTTPServer:
    handler = type(
        "ConfiguredHandler",
        (Handler,),
        {
            "rasa_url": rasa_url or Handler.rasa_url,
            "web_root": web_root or Handler.web_root,
        },
    )
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    server = make_server(settings.HOST, settings.WEB_PORT)
    logger.info(
        "web page on http://%s:%s/ (Rasa at %s)", settings.HOST, settings.WEB_PORT, Handler.rasa_url
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
