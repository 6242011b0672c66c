"""`make scale`: the assistant as it is deployed, on this machine. N Rasa
servers (default: one per core) and M=2 action servers behind HAProxy,
PostgreSQL for both stores, the Redis lock store, the web page and the
console; prints the URLs; Ctrl-C stops everything.

    python -m iopnav.scale [--rasa N] [--actions M]

Stores default to PostgreSQL on 127.0.0.1:5432 (databases iop_scale and
iop_scale_rasa, created when missing) and Redis 127.0.0.1:6379/1, with
JSON logs; the IOP_DATABASE_URL, IOP_TRACKER_STORE_URL, IOP_LOCK_STORE_URL
and IOP_LOG_FORMAT settings win. The one-off prepare step (iopnav.ops.prepare) runs first, so the
servers never race to create or migrate anything.
"""

import argparse
import os
import sys
from typing import List, Optional

from iopnav import settings
from iopnav.launcher import MODEL, console_line, serve
from iopnav.ops import haproxy, prepare
from iopnav.ops.cluster import Cluster
from iopnav.services import private_files

DEFAULTS = {
    "IOP_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/iop_scale",
    "IOP_TRACKER_STORE_URL": "postgresql://postgres@127.0.0.1:5432/iop_scale_rasa",
    "IOP_LOCK_STORE_URL": "redis://127.0.0.1:6379/1",
    # One JSON line a turn naming the server that answered (docs/operations.md).
    "IOP_LOG_FORMAT": "json",
}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m iopnav.scale")
    parser.add_argument("--rasa", type=int, default=os.cpu_count() or 1, help="Rasa servers")
    parser.add_argument("--actions", type=int, default=2, help="action servers")
    args = parser.parse_args(argv)
    if not MODEL.exists():
        print("No trained model: run `make train` (make scale does it for you).")
        return 1
    try:
        haproxy.binary()
    except FileNotFoundError as exc:
        print(exc)
        return 1
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)  # the servers inherit IOP_* settings
    private_files()
    prepare.main(["--sample-programs"])
    log_dir = settings.VAR_DIR / "logs" / "scale"
    cluster = Cluster(log_dir, args.rasa, args.actions)
    return serve(
        cluster.services(),
        [
            f"  {args.rasa} Rasa servers and {args.actions} action servers behind HAProxy",
            f"  Web chat page   {cluster.url('PUBLIC')}/",
            console_line(),
            f"  SMS webhook     POST {cluster.url('PUBLIC')}/webhooks/sms/webhook",
            f"  REST webhook    POST {cluster.url('RASA')}/webhooks/rest/webhook",
            f"  HAProxy stats   {cluster.url('STATS')}/stats",
            f"  Lock store      {settings.lock_store_url()}",
            f"  Logs            {log_dir}",
        ],
    )


if __name__ == "__main__":
    sys.exit(main())
