"""N Rasa servers and M action servers behind HAProxy (deploy/haproxy.cfg),
with the web page and the staff console: what `make scale` runs
(iopnav/scale.py) and what tests/scale breaks.

Every part is the launcher's Service, started the way `make run` starts it;
only the addresses differ. HAProxy takes the front ports `make run` uses
(the page on IOP_WEB_PORT, the REST and SMS webhooks on IOP_RASA_PORT, the
action servers' side on IOP_ACTIONS_PORT); the servers behind it get free
loopback ports. Each Rasa server logs as rasa1..N (IOP_SERVER_NAME), so its
turn lines say who answered.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from iopnav import settings
from iopnav.launcher import MODEL, console_service, web_page_service
from iopnav.ops import haproxy
from iopnav.services import Service, actions_service, free_port, rasa_service, write_endpoints


@dataclass
class Cluster:
    log_dir: Path
    rasa_count: int
    actions_count: int = 2
    # IOP_* settings for every server (stores, lock store, budgets...).
    env: Dict[str, str] = field(default_factory=dict)
    model: Path = MODEL
    binds: Dict[str, int] = field(
        default_factory=lambda: {
            "PUBLIC": settings.WEB_PORT,
            "RASA": settings.RASA_PORT,
            "ACTIONS": settings.ACTIONS_PORT,
            "STATS": free_port(),
        }
    )
    with_console: bool = True
    rasa_ports: List[int] = field(init=False)
    actions_ports: List[int] = field(init=False)
    web_port: int = field(init=False)

    def __post_init__(self) -> None:
        self.rasa_ports = [free_port() for _ in range(self.rasa_count)]
        self.actions_ports = [free_port() for _ in range(self.actions_count)]
        self.web_port = free_port()
        self.log_dir.mkdir(parents=True, exist_ok=True)

    def url(self, side: str) -> str:
        """http://127.0.0.1:port of HAProxy's PUBLIC, RASA, ACTIONS or STATS side."""
        return f"http://127.0.0.1:{self.binds[side]}"

    def rasa_servers(self, env: Optional[Dict[str, str]] = None) -> List[Service]:
        """The Rasa servers, rasa1..N; `env` replaces the cluster's settings
        (tests restart them with another lock store)."""
        endpoints = write_endpoints(self.log_dir / "endpoints.yml", self.binds["ACTIONS"])
        servers = []
        for n, port in enumerate(self.rasa_ports, 1):
            name = f"rasa{n}"
            server = rasa_service(
                port,
                self.model,
                endpoints,
                {**(self.env if env is None else env), "IOP_SERVER_NAME": name},
                log_path=self.log_dir / f"{name}.log",
            )
            server.name = f"Rasa server {name}"
            servers.append(server)
        return servers

    def action_servers(self) -> List[Service]:
        servers = []
        for n, port in enumerate(self.actions_ports, 1):
            server = actions_service(
                port,
                {**self.env, "IOP_SERVER_NAME": f"actions{n}"},
                self.log_dir / f"actions{n}.log",
            )
            server.name = f"action server actions{n}"
            servers.append(server)
        return servers

    def balancer(self) -> Service:
        config = haproxy.sized_config(
            self.log_dir / "haproxy.cfg",
            {"rasa": self.rasa_count, "actions": self.actions_count, "web": 1},
        )
        addresses = {
            **{f"IOP_RASA{n}": f"127.0.0.1:{p}" for n, p in enumerate(self.rasa_ports, 1)},
            **{f"IOP_ACTIONS{n}": f"127.0.0.1:{p}" for n, p in enumerate(self.actions_ports, 1)},
            "IOP_WEB1": f"127.0.0.1:{self.web_port}",
        }
        return haproxy.service(config, self.binds, addresses, self.log_dir / "haproxy.log")

    def web_page(self) -> Service:
        return web_page_service(
            self.log_dir / "web.log",
            {
                **self.env,
                "IOP_WEB_PORT": str(self.web_port),
                "IOP_WEB_HOST": "127.0.0.1",
                "IOP_RASA_URL": self.url("RASA"),
                "IOP_SERVER_NAME": "web1",
            },
        )

    def services(self) -> List[Service]:
        """Every part, in start order (they start together; stop is the reverse)."""
        parts = [*self.action_servers(), *self.rasa_servers(), self.web_page(), self.balancer()]
        if self.with_console:
            parts.append(console_service(self.log_dir / "console.log"))
        return parts

    def all_up(self) -> bool:
        """HAProxy's checks see every server of every backend UP."""
        try:
            return all(
                state.startswith("UP") for state in haproxy.states(self.url("STATS")).values()
            )
        except OSError:
            return False
