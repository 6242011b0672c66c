"""The console's Sanic application.

Handlers use the synchronous SQLAlchemy session directly: a console serves a
handful of staff, and each query is short, so blocking the event loop for
milliseconds is simpler and safer than a thread pool around every query.

Everything the app reads from outside (database URLs, session and lockout
limits) arrives in one ConsoleSettings object, so tests can build an app
in-process over their own databases.
"""

from typing import Any, List

from sanic import Sanic, response

from iopnav.console import tracker, web
from iopnav.console.config import ConsoleSettings
from iopnav.console.passwords import HashPool
from iopnav.console.throttle import LoginGuard
from iopnav.console.views import admin, auth, conversations, dashboard, intake
from iopnav.db import get_engine, session_factory
from iopnav.ops import endpoints
from iopnav.ops.readiness import Check, sql_probe


def console_checks(app: Any) -> List[Check]:
    """Accounts, sessions and crisis flags are in the application database.
    Transcripts (the tracker store) are reported, not required: without them
    staff can still see and acknowledge crisis flags."""
    settings = app.ctx.settings
    return [
        Check("app_db", sql_probe(get_engine(settings.database_url))),
        Check("tracker_store", sql_probe(app.ctx.tracker), required=False),
    ]


def create_app(settings: ConsoleSettings, name: str = "iop_console") -> Sanic:
    app = Sanic(name, error_handler=web.ConsoleErrorHandler())
    app.ctx.settings = settings
    app.config.REQUEST_MAX_SIZE = 1_000_000  # forms only; nothing large is uploaded
    app.config.KEEP_ALIVE_TIMEOUT = 15
    # Behind N trusted proxies, the client is the Nth X-Forwarded-For entry from the end.
    app.config.PROXIES_COUNT = settings.proxies
    app.ctx.login_guard = LoginGuard(settings.lockout, settings.rate_limit_url)
    app.ctx.hash_pool = HashPool(settings.lockout.hash_threads, settings.lockout.hash_waiting)
    app.ctx.templates = web.make_templates()
    app.ctx.Session = session_factory(settings.database_url)
    app.ctx.tracker = tracker.engine(settings.tracker_store_url)
    app.static("/static", str(web.HERE / "static"), name="static")
    app.register_middleware(web.open_request, "request")
    app.register_middleware(web.close_request, "response")
    for module in (auth, conversations, intake, dashboard, admin):
        app.blueprint(module.bp)
    endpoints.add_routes(app, "console", console_checks)

    async def stop_hashing(app, _loop):
        app.ctx.hash_pool.close()

    app.register_listener(stop_hashing, "before_server_stop")

    @app.get("/", name="home")
    async def home(request):
        return response.redirect("/conversations")

    return app
