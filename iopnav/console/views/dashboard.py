"""Dashboard page: aggregate numbers only, so viewing it is not audited."""

from sanic import Blueprint, Request

from iopnav.console import dashboard as stats
from iopnav.console import web

bp = Blueprint("dashboard")


@bp.get("/dashboard")
async def dashboard(request: Request):
    raw = request.args.get("days") or "30"
    errors = []
    days = int(raw) if raw.isdigit() else 0
    if days not in stats.RANGES:
        errors.append(f"Choose a range of {', '.join(map(str, stats.RANGES))} days; showing 30.")
        days = 30
    data = stats.compute(request.ctx.db, web.tracker_of(request), days)
    return web.render(
        request, "dashboard.html", stats=data, days=days, ranges=stats.RANGES, errors=errors
    )
