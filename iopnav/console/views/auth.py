"""Sign in and out.

The login form carries its own CSRF token, since there is no session yet:
a random value in a cookie, and in the form its HMAC under the server's
secret, so a request forged elsewhere cannot pick a matching pair.
Throttling and lockout: throttle.py; argon2 runs in the app's hash pool.
"""

import hashlib
import hmac

from sanic import Blueprint, Request, response

from iopnav.console import accounts, audit, config, passwords, sessions, web

bp = Blueprint("auth")


def form_token(request: Request, cookie_token: str) -> str:
    secret = request.app.ctx.settings.secret
    return hmac.new(secret, b"login\n" + cookie_token.encode(), hashlib.sha256).hexdigest()


def _login_page(
    request: Request, status: int = 200, error: str = "", email: str = "", retry_after: int = 0
):
    # Keep the browser's existing token: a second login page rendered in the
    # background (a favicon request redirected here, another tab) must not
    # overwrite the cookie that the form already on screen was issued with.
    token = request.cookies.get(config.LOGIN_COOKIE_NAME) or ""
    if not (32 <= len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()):
        token = web.new_token()
    resp = web.render(
        request,
        "login.html",
        http_status=status,
        error=error,
        email=email,
        login_token=form_token(request, token),
        next=web.safe_next(request.args.get("next") or web.form_value(request, "next")),
    )
    web.set_cookie(request, resp, config.LOGIN_COOKIE_NAME, token)
    if retry_after:
        resp.headers["Retry-After"] = str(retry_after)
    return resp


def _form_token_ok(request: Request) -> bool:
    cookie = request.cookies.get(config.LOGIN_COOKIE_NAME)
    if not cookie:
        return False
    return sessions.csrf_ok(form_token(request, cookie), web.form_value(request, "login_token"))


@bp.get("/login")
async def login_form(request: Request):
    if request.ctx.user is not None:
        return response.redirect(web.safe_next(request.args.get("next")))
    return _login_page(request)


@bp.post("/login")
async def login(request: Request):
    email = web.form_value(request, "email").strip()[:254]
    password = web.form_value(request, "password")
    if not _form_token_ok(request):
        return _login_page(request, 400, "The sign-in form expired. Please try again.", email)
    if not email or not password:
        return _login_page(request, 400, "Enter your email address and password.", email)
    db, guard = request.ctx.db, request.app.ctx.login_guard
    address, name = web.client_address(request), accounts.login_name(email)
    refused = await guard.admit(db, address, name)
    if refused is None:
        try:
            result = await accounts.authenticate(
                db, email, password, request.app.ctx.hash_pool.verify
            )
        except passwords.Busy:
            refused = guard.busy(2)
    if refused is not None:
        await guard.audit_failure(db, None, name, refused.reason)
        db.commit()
        return _login_page(request, refused.status, refused.message, email, refused.retry_after)
    if not result.ok or result.user is None:
        locked = await guard.failed(db, address, name)
        if locked and result.account:
            guard.audit_lockout(db, result.account, name, locked)
        await guard.audit_failure(
            db, result.account, name, f"locked for {locked} min" if locked else None
        )
        db.commit()
        if locked:
            return _login_page(request, 429, guard.locked_message(locked), email, locked * 60)
        return _login_page(request, 401, "Wrong email or password.", email)
    guard.succeeded(db, address, name)
    if request.ctx.session is not None:  # a fresh token on every login (no session fixation)
        sessions.end(db, request.cookies.get(config.COOKIE_NAME), commit=False)
    audit.record(db, result.user.email, "login", commit=False)
    token = sessions.start(db, result.user)  # commits the sign-in with its audit row
    resp = web.see_other(web.safe_next(web.form_value(request, "next")))
    web.set_cookie(request, resp, config.COOKIE_NAME, token)
    web.set_cookie(request, resp, config.LOGIN_COOKIE_NAME, "", max_age=0)
    return resp


@bp.post("/logout")
async def logout(request: Request):
    audit.record(request.ctx.db, request.ctx.user.email, "logout", commit=False)
    sessions.end(request.ctx.db, request.cookies.get(config.COOKIE_NAME))
    resp = web.see_other("/login")
    web.set_cookie(request, resp, config.COOKIE_NAME, "", max_age=0)
    return resp
