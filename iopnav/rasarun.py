"""`rasa ...` with the HTTP API's token read from the environment.

  python -m iopnav.rasarun run --enable-api ...      (services.rasa_service)

Rasa takes the token only as `--auth-token` on its command line, where `ps`
and /proc/<pid>/cmdline show it to every local user (review L7). Here it is
added to the arguments inside the process, from IOP_RASA_TOKEN.
"""

import sys

from rasa.__main__ import main

if __name__ == "__main__":
    sys.argv[0] = "rasa"
    if "--enable-api" in sys.argv:
        from iopnav import settings

        token = settings.env("IOP_RASA_TOKEN", "")
        if not token:
            sys.exit("error: IOP_RASA_TOKEN is not set: Rasa's HTTP API stays off without it")
        sys.argv += ["--auth-token", token]
    sys.exit(main())
