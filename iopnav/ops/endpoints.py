"""GET /ready and GET /metrics on a Sanic app or blueprint (every server).

/ready answers 200 or 503 with the readiness report (readiness.py): what
HAProxy's health checks and Kubernetes' readiness probes read.

/metrics answers Prometheus' text format to the machine itself and to
private networks (the socket's peer address, never X-Forwarded-For, which a
client can write), or to anyone sending `Authorization: Bearer
<IOP_METRICS_TOKEN>` when that is set. Counts are not health information,
but a clinic's crisis numbers are nobody else's business. The deploy files'
HAProxy refuses both paths from the public side as well.
"""

import hmac
import ipaddress
from typing import Any, Callable, List

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from iopnav import settings
from iopnav.ops.readiness import Check, Readiness

PATHS = ("/ready", "/metrics")


def peer_is_private(peer: str) -> bool:
    if settings.is_loopback(peer):
        return True
    try:
        return ipaddress.ip_address(peer).is_private
    except ValueError:
        return False


def metrics_allowed(request: Request) -> bool:
    token = settings.env("IOP_METRICS_TOKEN", "")
    if token:
        sent = request.headers.get("authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    return peer_is_private(request.conn_info.client_ip if request.conn_info else "")


def add_routes(target: Any, service: str, checks: Callable[[Any], List[Check]]) -> None:
    """`checks(app)` names this service's checks; it runs on every report, so it
    can look at the app's current state (the Rasa agent is set after start)."""

    def readiness_of(app: Any) -> Readiness:
        found = getattr(app.ctx, "iop_readiness", None)
        if found is None:
            found = app.ctx.iop_readiness = Readiness(service, lambda: checks(app))
        return found

    async def ready(request: Request) -> HTTPResponse:
        is_ready, body = await readiness_of(request.app).report()
        return response.json(body, status=200 if is_ready else 503)

    async def metrics(request: Request) -> HTTPResponse:
        if not metrics_allowed(request):
            return response.json({"error": "forbidden"}, status=403)
        return response.raw(generate_latest(), content_type=CONTENT_TYPE_LATEST)

    target.add_route(ready, "/ready", methods=["GET", "HEAD"], name="iop_ready")
    target.add_route(metrics, "/metrics", methods=["GET"], name="iop_metrics")
