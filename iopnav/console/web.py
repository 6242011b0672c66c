"""Request plumbing shared by every page: templates, the logged-in user,
CSRF checks, flash messages, role checks, security headers, error pages."""

import json
import logging
import secrets
import time
import traceback
from datetime import datetime, timezone
from functools import wraps
from pathlib import Path
from typing import Optional
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Request, response
from sanic.exceptions import NotFound, SanicException
from sanic.handlers import ErrorHandler
from sqlalchemy.engine import Engine

from iopnav.console import audit, config, sessions, tracker
from iopnav.console.masking import mask_email, mask_identifier, mask_phone, mask_text
from iopnav.ops import endpoints, metrics

logger = logging.getLogger("iopnav.console")

HERE = Path(__file__).resolve().parent
PUBLIC_PATHS = ("/login",)
PUBLIC_PREFIXES = ("/static/",)

SECURITY_HEADERS = {
    # Everything is served from here: no CDN, no inline script, no framing.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    # Transcripts are health information: browsers and proxies must not keep copies.
    "Cache-Control": "no-store",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
# Sent only with Secure cookies (the console is on HTTPS): browsers then refuse plain HTTP.
HSTS = "max-age=31536000"


def local_time(value: Optional[datetime], fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Stored times are UTC (naive in the application database)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(config.timezone()).strftime(fmt)


def evidence_list(raw: Optional[str]) -> list:
    """Crisis flags store the screen's evidence as a JSON list."""
    if not raw:
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        return [raw]
    return [str(v) for v in value] if isinstance(value, list) else ([str(value)] if value else [])


def url_quote(value: str) -> str:
    return quote(value or "", safe="")


def make_templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        local=local_time,
        mask=mask_text,
        mask_id=mask_identifier,
        mask_email=mask_email,
        mask_phone=mask_phone,
        q=url_quote,
        evidence=evidence_list,
    )
    env.globals["tz_name"] = lambda: str(config.timezone())
    return env


def db_for(request: Request):
    return request.ctx.db


def user_of(request: Request):
    return request.ctx.user


def tracker_of(request: Request) -> Engine:
    """The app's engine on Rasa's tracker store (read-only but for erasure)."""
    return request.app.ctx.tracker


class PageNotFound(NotFound):
    """A record the URL or form names does not exist; the console's error
    page shows this exception's message."""


NO_SUCH_CONVERSATION = "There is no conversation with that number (it may have been deleted)."


def get_or_404(request: Request, model, ident, message: str):
    row = request.ctx.db.get(model, ident)
    if row is None:
        raise PageNotFound(message)
    return row


def conversation_or_404(request: Request, raw: Optional[str]) -> tracker.ConversationRef:
    found = tracker.conversation_from(tracker_of(request), raw)
    if found is None:
        raise PageNotFound(NO_SUCH_CONVERSATION)
    return found


def set_flash(request: Request, message: str, kind: str = "ok") -> None:
    row = request.ctx.session
    row.flash, row.flash_kind = message[:500], kind
    request.ctx.db.commit()


def _pop_flash(request: Request):
    row = getattr(request.ctx, "session", None)
    if row is None or not row.flash:
        return None
    flash = {"message": row.flash, "kind": row.flash_kind or "ok"}
    row.flash = row.flash_kind = None
    request.ctx.db.commit()
    return flash


def render(
    request: Request, template: str, http_status: int = 200, **context
) -> response.HTTPResponse:
    env = request.app.ctx.templates
    user = getattr(request.ctx, "user", None)
    session_row = getattr(request.ctx, "session", None)
    html = env.get_template(template).render(
        user=user,
        csrf_token=session_row.csrf_token if session_row else "",
        flash=_pop_flash(request),
        path=request.path,
        **context,
    )
    return response.html(html, status=http_status)


def error_page(request: Request, status: int, message: str) -> response.HTTPResponse:
    return render(request, "error.html", http_status=status, status_code=status, message=message)


def see_other(url: str) -> response.HTTPResponse:
    """Redirect after a POST so reloading the page does not repeat it."""
    return response.redirect(url, status=303)


def admin_only(what: str):
    """Handlers only admins may run; a reviewer gets a clear 403 and the
    attempt is audited."""

    def decorate(handler):
        @wraps(handler)
        async def wrapper(request: Request, *args, **kwargs):
            user = request.ctx.user
            if user.role != "admin":
                audit.record(
                    request.ctx.db,
                    user.email,
                    "denied",
                    request.path[:300],
                    f"needs admin to {what}",
                )
                return error_page(request, 403, f"Only admins can {what}.")
            return await handler(request, *args, **kwargs)

        return wrapper

    return decorate


def form_value(request: Request, name: str, default: str = "") -> str:
    value = request.form.get(name) if request.form else None
    return value if value is not None else default


def _is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def safe_next(target: Optional[str]) -> str:
    """Only local paths: an attacker's link must not bounce staff elsewhere after login."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/conversations"


def client_address(request: Request) -> str:
    """The client's address: from X-Forwarded-For when the console trusts
    proxies in front of it (IOP_CONSOLE_PROXIES), else the peer."""
    return request.remote_addr or request.ip or "unknown"


async def open_request(request: Request):
    """Runs before every handler: audit source, database session, login, CSRF."""
    request.ctx.started = time.perf_counter()
    if request.path in endpoints.PATHS:
        return None  # no session, no database: /ready must answer when the database cannot
    audit.set_source(client_address(request), request.headers.get("user-agent"))
    request.ctx.db = request.app.ctx.Session()
    request.ctx.user = request.ctx.session = None
    found = sessions.resolve(
        request.ctx.db,
        request.cookies.get(config.COOKIE_NAME),
        request.app.ctx.settings.sessions,
    )
    if found:
        request.ctx.session, request.ctx.user = found
    if _is_public(request.path):
        return None
    if request.ctx.user is None:
        if request.method in ("GET", "HEAD"):
            full = request.path + (f"?{request.query_string}" if request.query_string else "")
            return response.redirect(f"/login?next={quote(full, safe='')}")
        return error_page(request, 401, "Your session has ended. Please sign in again.")
    if request.method == "POST" and not sessions.csrf_ok(
        request.ctx.session.csrf_token, form_value(request, "csrf_token")
    ):
        return error_page(
            request,
            403,
            "This form is out of date or was not sent from the console. "
            "Reload the page and try again.",
        )
    return None


async def close_request(request: Request, resp: response.BaseHTTPResponse):
    started = getattr(request.ctx, "started", None)
    if started is not None and request.route is not None:
        metrics.REQUEST_SECONDS.labels(request.route.name).observe(time.perf_counter() - started)
    if resp.status >= 500:
        metrics.error("console")
    for name, value in SECURITY_HEADERS.items():
        resp.headers.setdefault(name, value)
    if request.app.ctx.settings.secure_cookies:
        resp.headers.setdefault("Strict-Transport-Security", HSTS)
    db = getattr(request.ctx, "db", None)
    if db is not None:
        db.close()


def set_cookie(
    request: Request,
    resp: response.HTTPResponse,
    name: str,
    value: str,
    max_age: Optional[int] = None,
) -> None:
    resp.cookies[name] = value
    cookie = resp.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = "/"
    if request.app.ctx.settings.secure_cookies:
        cookie["secure"] = True
    if max_age is not None:
        cookie["max-age"] = max_age


def new_token() -> str:
    return secrets.token_urlsafe(32)


class ConsoleErrorHandler(ErrorHandler):
    """Error pages in the console's look; logs name the route and exception
    type only (URLs hold conversation ids, SQL errors hold values)."""

    def default(self, request: Request, exception: Exception):
        status = (
            getattr(exception, "status_code", 500) if isinstance(exception, SanicException) else 500
        )
        if status >= 500:
            logger.error(
                "unhandled %s in %s\n%s",
                type(exception).__name__,
                getattr(request, "name", "?"),
                "".join(traceback.format_tb(exception.__traceback__)),
            )
        messages = {
            404: "There is no such page.",
            405: "That does not work with this kind of request.",
            413: "That request is too large.",
            400: "The request could not be read.",
        }
        message = (
            str(exception)
            if isinstance(exception, PageNotFound)
            else messages.get(status, "Something went wrong on our side; the error was logged.")
        )
        if not hasattr(request.ctx, "db"):
            request.ctx.db = request.app.ctx.Session()
            request.ctx.user = request.ctx.session = None
        try:
            return error_page(request, status, message)
        except Exception:  # the database itself may be the problem
            return response.text(message, status=status)
