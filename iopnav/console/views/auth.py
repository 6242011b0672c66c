"""Sign in and out. The login form carries its own CSRF token (a cookie and
a hidden field that must match), since there is no session yet."""

from sanic import Blueprint, Request, response

from iopnav.console import accounts, audit, config, sessions, web

bp = Blueprint("auth")


def _login_page(request: Request, status: int = 200, error: str = "", email: str = ""):
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
        login_token=token,
        next=web.safe_next(request.args.get("next") or web.form_value(request, "next")),
    )
    web.set_cookie(resp, config.LOGIN_COOKIE_NAME, token)
    return resp


@bp.get("/login")
async def login_form(request: Request):
    if request.ctx.user is not None:
        return response.redirect(web.safe_next(request.args.get("next")))
    return _login_page(request)


@bp.post("/login")
async def login(request: Request):
    email = web.form_value(request, "email").strip()[:254]
    password = web.form_value(request, "password")
    if not sessions.csrf_ok(
        request.cookies.get(config.LOGIN_COOKIE_NAME), web.form_value(request, "login_token")
    ):
        return _login_page(request, 400, "The sign-in form expired. Please try again.", email)
    if not email or not password:
        return _login_page(request, 400, "Enter your email address and password.", email)
    db = request.ctx.db
    result = accounts.authenticate(db, email, password, request.app.ctx.settings.lockout)
    if not result.ok or result.user is None:
        audit.record(
            db, email.lower(), "login_failed", None, "locked" if result.locked_minutes else None
        )
        if result.locked_minutes:
            return _login_page(
                request,
                429,
                "Too many failed attempts. Sign-in for this address is locked "
                f"for about {result.locked_minutes} minutes.",
                email,
            )
        return _login_page(request, 401, "Wrong email or password.", email)
    if request.ctx.session is not None:  # a fresh token on every login (no session fixation)
        sessions.end(db, request.cookies.get(config.COOKIE_NAME))
    token = sessions.start(db, result.user)
    audit.record(db, result.user.email, "login")
    resp = web.see_other(web.safe_next(web.form_value(request, "next")))
    web.set_cookie(resp, config.COOKIE_NAME, token)
    web.set_cookie(resp, config.LOGIN_COOKIE_NAME, "", max_age=0)
    return resp


@bp.post("/logout")
async def logout(request: Request):
    audit.record(request.ctx.db, request.ctx.user.email, "logout")
    sessions.end(request.ctx.db, request.cookies.get(config.COOKIE_NAME))
    resp = web.see_other("/login")
    web.set_cookie(resp, config.COOKIE_NAME, "", max_age=0)
    return resp
