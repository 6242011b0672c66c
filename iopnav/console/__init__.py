"""Staff console: transcripts, crisis flags, intake requests, audit.

A small Sanic app with server-rendered Jinja2 pages (no external scripts or
fonts), served by `python -m iopnav.console` on IOP_CONSOLE_PORT (8081).
It reads Rasa's tracker store and never writes conversation events; the only
writes there are the admin's "forget me" delete and the retention command.
"""
