"""A Sanic app driven in-process through its ASGI interface: no port and no
server process, so console tests start in milliseconds and share the test's
own databases.

sanic-testing's ASGI client would do this, but the release that fits Rasa
3.6's Sanic (21.12) needs httpx < 0.24, whose h11 pin clashes with packages
Rasa already brings; the ASGI protocol itself is small enough to speak here.
"""

import asyncio
import collections
import uuid
from typing import Dict, List, Tuple
from urllib.parse import unquote

from sanic import Sanic

Headers = List[Tuple[str, str]]


class AsgiApp:
    """Runs the app's lifespan (start-up and shut-down listeners) on a
    private event loop and sends it one HTTP request at a time."""

    def __init__(self, app: Sanic):
        # Test mode, as sanic-testing sets it: each app start re-applies Sanic's
        # start-up code rewriting from the original methods, so several apps
        # can start in one process.
        Sanic.test_mode = True
        self.app = app
        self.loop = asyncio.new_event_loop()
        self._lifespan_inbox: "asyncio.Queue[dict]" = asyncio.Queue()
        self._lifespan_task = None
        self._lifespan_done = collections.defaultdict(asyncio.Event)
        self.loop.run_until_complete(self._start())

    async def _start(self) -> None:
        async def receive() -> dict:
            return await self._lifespan_inbox.get()

        async def send(message: dict) -> None:
            self._lifespan_done[message["type"]].set()

        self._lifespan_task = asyncio.ensure_future(self.app({"type": "lifespan"}, receive, send))
        await self._lifespan_step("startup")

    async def _lifespan_step(self, step: str) -> None:
        await self._lifespan_inbox.put({"type": f"lifespan.{step}"})
        await asyncio.wait_for(self._lifespan_done[f"lifespan.{step}.complete"].wait(), 30)

    def close(self) -> None:
        self.loop.run_until_complete(self._lifespan_step("shutdown"))
        # Sanic 21.12 goes on to treat the finished lifespan call as an HTTP
        # request and fails on it; the shut-down itself has completed.
        if not self._lifespan_task.done():
            self._lifespan_task.cancel()
        self.loop.run_until_complete(asyncio.gather(self._lifespan_task, return_exceptions=True))
        self.loop.close()

    def request(
        self, method: str, path: str, query: str, headers: Dict[str, str], body: bytes
    ) -> Tuple[int, Headers, bytes]:
        return self.loop.run_until_complete(self._request(method, path, query, headers, body))

    async def _request(self, method, path, query, headers, body) -> Tuple[int, Headers, bytes]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": unquote(path),  # ASGI servers decode the path; raw_path keeps it as sent
            "raw_path": path.encode("latin-1"),
            "root_path": "",
            "query_string": query.encode("latin-1"),
            "headers": [
                (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()
            ]
            + [(b"host", b"console.test"), (b"content-length", str(len(body)).encode())],
            "client": ("127.0.0.1", 50000),
            "server": ("console.test", 80),
        }
        sent_body = False

        async def receive() -> dict:
            nonlocal sent_body
            if sent_body:
                return {"type": "http.disconnect"}
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}

        status, out_headers, chunks = 0, [], []

        async def send(message: dict) -> None:
            nonlocal status, out_headers
            if message["type"] == "http.response.start":
                status = message["status"]
                out_headers = [
                    (bytes(k).decode("latin-1"), bytes(v).decode("latin-1"))
                    for k, v in message["headers"]
                ]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        return status, out_headers, b"".join(chunks)


def split_url(target: str) -> Tuple[str, str]:
    """("/path", "query") of a local URL; the fragment stays in the browser."""
    path, _, query = target.split("#", 1)[0].partition("?")
    return path or "/", query


def unique_name(prefix: str) -> str:
    """Sanic keeps a registry of app names; each in-process app needs its own."""
    return f"{prefix}_{uuid.uuid4().hex[:12]}"
