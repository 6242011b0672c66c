"""deploy/haproxy.cfg as a running HAProxy on loopback ports, and a stub of
a Rasa server that is alive but not ready (a store it needs is down)."""

import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, Optional

from iopnav.ops.haproxy import states as haproxy_states
from iopnav.services import free_port
from tests.deploy.support import HAPROXY_CFG, haproxy, haproxy_env


class LoadBalancer:
    """HAProxy with deploy/haproxy.cfg; `servers` maps IOP_RASA1.. to host:port
    (unnamed ones point at a port where nothing listens)."""

    def __init__(self, servers: Dict[str, str]) -> None:
        self.ports = {name: free_port() for name in ("PUBLIC", "RASA", "ACTIONS", "STATS")}
        addresses = {f"IOP_LB_{k}_BIND": f"127.0.0.1:{p}" for k, p in self.ports.items()}
        for name in ("RASA1", "RASA2", "RASA3", "ACTIONS1", "ACTIONS2", "WEB1", "WEB2"):
            addresses[f"IOP_{name}"] = servers.get(name, f"127.0.0.1:{free_port()}")
        self.env = haproxy_env(addresses)
        self.proc: Optional[subprocess.Popen] = None

    def url(self, side: str) -> str:
        return f"http://127.0.0.1:{self.ports[side]}"

    def start(self) -> "LoadBalancer":
        # -db: stay in the foreground, so stop() ends exactly this process.
        self.proc = subprocess.Popen(
            [haproxy(), "-db", "-f", str(HAPROXY_CFG)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def states(self) -> Dict[str, str]:
        """{"backend/server": "UP" | "DOWN" | ...} from HAProxy's stats page."""
        return haproxy_states(self.url("STATS"))

    def wait_for(self, expected: Dict[str, str], timeout: float = 30) -> Dict[str, str]:
        deadline = time.monotonic() + timeout
        seen: Dict[str, str] = {}
        while time.monotonic() < deadline:
            assert self.proc and self.proc.poll() is None, self.proc.stderr.read().decode()
            try:
                seen = self.states()
            except OSError:
                seen = {}
            if all(seen.get(k, "").startswith(v) for k, v in expected.items()):
                return seen
            time.sleep(0.25)
        raise AssertionError(f"HAProxy states {seen}, expected {expected}")


class UnreadyRasa:
    """Answers like a Rasa server whose tracker store is down: alive
    (GET /webhooks/rest/ 200), not ready (GET /ready 503), and every POST
    with a marker, so a test sees where HAProxy sent it."""

    MARKER = "answered by the unready stub"

    def __init__(self) -> None:
        marker = self.MARKER

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self._answer(503 if self.path == "/ready" else 200, b'{"ready": false}')

            def do_POST(self):
                self.rfile.read(int(self.headers.get("content-length") or 0))
                self._answer(200, marker.encode())

            def _answer(self, status: int, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except ConnectionError:  # HAProxy's checks hang up once they have the status
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
