"""A local staff-alert webhook for tests: records every JSON notice it gets,
and can be told to fail (HTTP 500) to show that alerts are retried."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List


class AlertSink:
    def __init__(self) -> None:
        self.received: List[Dict] = []
        self.failing = False
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if sink.failing:
                    self.send_response(500)
                else:
                    sink.received.append(json.loads(body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args):  # quiet test output
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook/SECRETPART"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
