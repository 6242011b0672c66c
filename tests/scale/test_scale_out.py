"""Scale-out as deployed: 3 Rasa servers and 2 action servers behind HAProxy
(deploy/haproxy.cfg: no stickiness) on loopback, PostgreSQL for both stores
and the Redis lock store (iopnav/ops/cluster.py, what `make scale` runs).

30 conversations at once (FAQ, program search, intake, crisis; REST, the
web page, signed SMS; double-texts), one Rasa server SIGKILLed a third of
the way through. Then PostgreSQL must hold every message once and in order,
the answers the clients got, one turn at a time, exact crisis flags and
referrals, and most conversations must have crossed servers. The same
checks on the same stores with per-server in-memory locks and double-texts
split across two servers must find violations (tests/scale/harness.py has
the checks)."""

import json
import secrets
import subprocess
import sys
import uuid

import pytest

from iopnav.ops import haproxy
from iopnav.ops.cluster import Cluster
from iopnav.services import base_env, free_port
from tests.scale import harness
from tests.support.assistant import TWILIO_TOKEN, UNLIMITED_BUDGETS, model_path
from tests.support.databases import isolated_database_url, postgres_available, redis_available
from tests.support.waiting import wait_for

REDIS_DB = 8  # this suite's own Redis database; keys carry a per-run prefix too
KINDS = ["faq", "search", "intake", "crisis"]


def require_everything() -> None:
    if not postgres_available() or not redis_available():
        pytest.skip("tests/scale needs PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379)")
    if not model_path().exists():
        pytest.fail("No trained model: run `make train` (make test does it first).")
    haproxy.binary()  # FileNotFoundError names `make haproxy-deps`


def rasa_up(cluster: Cluster, *numbers: int):
    def check():
        states = haproxy.states(cluster.url("STATS"))
        return all(states.get(f"rasa/rasa{n}", "").startswith("UP") for n in numbers)

    wait_for(check, timeout=30, every=0.25, ignore=(OSError,))


@pytest.fixture(scope="module")
def scale_cluster(tmp_path_factory):
    require_everything()
    workdir = tmp_path_factory.mktemp("scale")
    with (
        isolated_database_url("postgresql", workdir) as tracker_url,
        isolated_database_url("postgresql", workdir) as app_url,
    ):
        env = {
            "IOP_DATABASE_URL": app_url,
            "IOP_TRACKER_STORE_URL": tracker_url,
            "IOP_LOCK_STORE_URL": f"redis://127.0.0.1:6379/{REDIS_DB}",
            "IOP_LOCK_STORE_PREFIX": "scale" + uuid.uuid4().hex[:8],
            # A killed server's conversations wait this long for its tickets.
            "IOP_LOCK_LIFETIME": "8",
            "IOP_TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
            "IOP_TWILIO_VALIDATE": "true",
            "IOP_PUBLIC_URL": "",  # sign against the URL HAProxy passes on
            "IOP_LOG_FORMAT": "json",
            "IOP_VAR_DIR": str(workdir),
            "IOP_OUTBOX_DIR": str(workdir / "outbox"),
            "IOP_WEB_SESSION_SECRET": secrets.token_hex(16),
            "IOP_FLAG_SWEEP_SECONDS": "2",
            **UNLIMITED_BUDGETS,
        }
        # The one-off step `make scale` runs first: the servers then find
        # both databases migrated and race on nothing.
        subprocess.run(
            [sys.executable, "-m", "iopnav.ops.prepare", "--sample-programs"],
            env=base_env(env),
            check=True,
            capture_output=True,
        )
        cluster = Cluster(
            workdir / "logs",
            rasa_count=3,
            env=env,
            binds={side: free_port() for side in haproxy.SIDES},
            with_console=False,
        )
        cluster.rasa = cluster.rasa_servers()
        parts = [*cluster.action_servers(), *cluster.rasa, cluster.web_page(), cluster.balancer()]
        try:
            for part in parts:
                part.start()  # all at once: the model loads overlap
            for part in parts:
                part.wait_ready()
            wait_for(cluster.all_up, timeout=30, every=0.25)
            cluster.tracker_url, cluster.app_url = tracker_url, app_url
            yield cluster
        finally:
            for part in reversed([*parts, *getattr(cluster, "restarted", [])]):
                part.stop()


def summary(report: harness.Report) -> str:
    counts = {name: len(found) for name, found in report.violations.items()}
    return (
        f"{report.messages} messages ({report.attempts} sends) in {report.seconds:.1f} s;"
        f" {report.crossed:.0%} of conversations crossed servers; violations {counts}"
    )


def test_thirty_conversations_with_a_server_killed_lose_nothing(scale_cluster):
    conversations = harness.plan(30, KINDS)
    driver = harness.Driver(scale_cluster)
    total = sum(len(step) for c in conversations for step in harness.SCRIPTS[c.kind])
    seconds = driver.run(conversations, victim=scale_cluster.rasa[1], kill_at=total // 3)
    assert scale_cluster.rasa[1].proc.poll() is not None, "rasa2 was not killed"
    report = harness.check(
        scale_cluster, conversations, seconds, scale_cluster.tracker_url, scale_cluster.app_url
    )
    print(summary(report))
    (scale_cluster.log_dir / "report.json").write_text(json.dumps(report.violations, indent=1))
    assert report.total == 0, {k: v[:5] for k, v in report.violations.items() if v}
    # The run must have exercised crossing servers. How many conversations
    # cross depends on timing (those that run after the kill on the two
    # servers left can land on one by interleaving): 87% on one CI run of
    # 2026-12-03, over 90% on the others.
    assert report.crossed >= 0.8, summary(report)


def test_with_per_server_locks_the_same_checks_find_violations(scale_cluster):
    """The teeth: the same stores, double-texts only, and rasa2 (the one
    killed above) restarted with its own in-memory lock (no
    IOP_LOCK_STORE_URL) beside rasa1; rasa3 is stopped. Each double-text's
    first text goes straight to rasa1 and its second to rasa2 (REST), so
    every double-text is two turns of one conversation at once unless the
    lock is shared, and the checks must say so. Through HAProxy the split
    was left to leastconn, and on two runs of 2026-12-05 (CI and a fresh
    clone) the checks found nothing in 18 double-texts. One restart, not two: a Rasa start costs
    30-60 s on this machine (tests/scale has a 4-minute budget)."""
    scale_cluster.rasa[2].stop()
    env = {k: v for k, v in scale_cluster.env.items() if not k.startswith("IOP_LOCK_STORE")}
    scale_cluster.restarted = [scale_cluster.rasa_servers(env)[1].start()]
    scale_cluster.restarted[0].wait_ready()
    rasa_up(scale_cluster, 1, 2)
    servers = [f"http://127.0.0.1:{port}" for port in scale_cluster.rasa_ports[:2]]
    driver = harness.Driver(scale_cluster, think=0.1, rest_servers=servers)
    for server in servers:
        driver.warm(server)
    # A race shows only when the two turns overlap: on a quiet moment both
    # may end before they meet (CI on 2026-12-07: 18 double-texts, none
    # overlapped). Fresh conversations, up to three rounds of them, until
    # the checks catch one; each round is a few seconds.
    for _ in range(3):
        conversations = harness.plan(9, ["double"], channels=["rest"])
        seconds = driver.run(conversations)
        report = harness.check(
            scale_cluster,
            conversations,
            seconds,
            scale_cluster.tracker_url,
            scale_cluster.app_url,
            flags_within=0,
        )
        print(summary(report))
        assert report.crossed == 1.0, summary(report)
        caught = (
            report.violations["turns_one_at_a_time"] + report.violations["stored_once_and_in_order"]
        )
        if caught:
            break
    assert caught, summary(report)
