"""The console's Sanic application.

Handlers use the synchronous SQLAlchemy session directly: a console serves a
handful of staff, and each query is short, so blocking the event loop for
milliseconds is simpler and safer than a thread pool around every query.
"""

from sanic import Sanic, response

from iopnav.console import web
from iopnav.console.views import admin, auth, conversations, dashboard, intake


def create_app(name: str = "iop_console") -> Sanic:
    app = Sanic(name, error_handler=web.ConsoleErrorHandler())
    app.config.REQUEST_MAX_SIZE = 1_000_000  # forms only; nothing large is uploaded
    app.config.KEEP_ALIVE_TIMEOUT = 15
    app.ctx.templates = web.make_templates()
    app.ctx.Session = web.db_session_factory()
    app.static("/static", str(web.HERE / "static"), name="static")
    app.register_middleware(web.open_request, "request")
    app.register_middleware(web.close_request, "response")
    for module in (auth, conversations, intake, dashboard, admin):
        app.blueprint(module.bp)

    @app.get("/", name="home")
    async def home(request):
        return response.redirect("/conversations")

    return app
