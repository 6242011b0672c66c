"""HAProxy (Debian's package, `make haproxy-deps`) running deploy/haproxy.cfg:
the binary, the file sized to the servers actually running, its process,
and what its health checks see.

deploy/haproxy.cfg names three Rasa servers, two action servers and two web
pages (compose's set); `make scale` and tests/scale run other counts, so
`sized_config` repeats or drops those `server` lines and changes nothing else.
"""

import csv
import io
import re
import shutil
import urllib.request
from pathlib import Path
from typing import Dict, Mapping, Optional

from iopnav import settings
from iopnav.services import Service

CONFIG = settings.PROJECT_ROOT / "deploy" / "haproxy.cfg"
# `    server rasa1 "${IOP_RASA1}" check`
_SERVER = re.compile(r'^(\s*server )([a-z]+)(\d+) "\$\{IOP_([A-Z]+)\d+\}"(.*)$')
# The frontends' binds, as deploy/haproxy.cfg names them (IOP_LB_<SIDE>_BIND).
SIDES = ("PUBLIC", "RASA", "ACTIONS", "STATS")


def binary() -> str:
    found = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/sbin")
    if not found:
        raise FileNotFoundError("HAProxy is not installed: run `make haproxy-deps`")
    return found


def sized_config(out: Path, counts: Mapping[str, int], source: Path = CONFIG) -> Path:
    """`source` with `counts[kind]` server lines of each kind ("rasa", "actions",
    "web"), numbered from 1, in every backend that lists that kind."""
    lines = []
    for line in source.read_text().splitlines():
        match = _SERVER.match(line)
        if not match or match.group(2) not in counts:
            lines.append(line)
            continue
        indent, kind, number, var, rest = match.groups()
        if number == "1":  # the first line stands for all of them; the others go
            lines += [
                f'{indent}{kind}{n} "${{IOP_{var}{n}}}"{rest}' for n in range(1, counts[kind] + 1)
            ]
    out.write_text("\n".join(lines) + "\n")
    return out


def service(
    config: Path, binds: Mapping[str, int], servers: Mapping[str, str], log_path: Optional[Path]
) -> Service:
    """HAProxy in the foreground (-db), so stopping it ends exactly this process.
    `binds` maps each of SIDES to a loopback port; `servers` IOP_RASA1.. to host:port."""
    env = {f"IOP_LB_{side}_BIND": f"127.0.0.1:{port}" for side, port in binds.items()}
    return Service(
        "HAProxy",
        [binary(), "-db", "-f", str(config)],
        f"http://127.0.0.1:{binds['STATS']}/stats",
        env={**env, **servers},
        log_path=log_path,
    )


def states(stats_url: str) -> Dict[str, str]:
    """{"backend/server": "UP" | "DOWN" | ...} from HAProxy's stats page."""
    with urllib.request.urlopen(stats_url.rstrip("/") + "/stats;csv", timeout=5) as resp:
        rows = csv.DictReader(io.StringIO(resp.read().decode().lstrip("# ")))
        return {
            f"{r['pxname']}/{r['svname']}": r["status"]
            for r in rows
            if r["svname"] not in ("FRONTEND", "BACKEND")
        }
