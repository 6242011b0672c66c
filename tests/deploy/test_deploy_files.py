"""The deployment files in deploy/, validated offline (no Docker, no
cluster): HAProxy's own check of haproxy.cfg, compose.yaml against the
Compose specification's JSON schema, every Kubernetes manifest against the
API schemas (kubernetes-validate --strict), and what ties them to the code:
the commands name real modules, the health checks real endpoints, the
timeouts outlast the lock. The same haproxy.cfg runs in front of real
servers in tests/channels/test_load_balancer.py."""

import re
from pathlib import Path

import pytest
import yaml

from iopnav import settings
from iopnav.atomic_lock_store import DEFAULT_LIFETIME_SECONDS
from iopnav.ops.haproxy import sized_config
from tests.deploy.support import DEPLOY, HAPROXY_CFG, haproxy, haproxy_env, run, tool

K8S = sorted((DEPLOY / "k8s").glob("*.yaml")) + [DEPLOY / "k8s-secret.example.yaml"]
LOOPBACK_ADDRESSES = {
    "IOP_LB_PUBLIC_BIND": "127.0.0.1:18080",
    "IOP_LB_RASA_BIND": "127.0.0.1:15005",
    "IOP_LB_ACTIONS_BIND": "127.0.0.1:15055",
    "IOP_LB_STATS_BIND": "127.0.0.1:18404",
    **{f"IOP_RASA{i}": f"127.0.0.1:{5100 + i}" for i in (1, 2, 3)},
    **{f"IOP_ACTIONS{i}": f"127.0.0.1:{5200 + i}" for i in (1, 2)},
    **{f"IOP_WEB{i}": f"127.0.0.1:{5300 + i}" for i in (1, 2)},
}


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


# --- HAProxy -------------------------------------------------------------------


def test_haproxy_accepts_the_config_with_loopback_and_with_compose_addresses():
    checked = run([haproxy(), "-c", "-f", str(HAPROXY_CFG)], haproxy_env(LOOPBACK_ADDRESSES))
    assert checked.returncode == 0, checked.stderr
    in_compose = {k: str(v) for k, v in compose()["services"]["haproxy"]["environment"].items()}
    # Container names do not resolve here: HAProxy starts with those servers
    # down and finds them at run time (init-addr none, resolvers).
    checked = run([haproxy(), "-c", "-f", str(HAPROXY_CFG)], haproxy_env(in_compose))
    assert checked.returncode == 0, checked.stderr


def test_haproxy_check_has_teeth(tmp_path):
    broken = tmp_path / "haproxy.cfg"
    broken.write_text(HAPROXY_CFG.read_text().replace("balance leastconn", "balance sideways"))
    checked = run([haproxy(), "-c", "-f", str(broken)], haproxy_env(LOOPBACK_ADDRESSES))
    assert checked.returncode != 0


def test_make_scale_sizes_the_same_config_to_its_servers(tmp_path):
    """`make scale` runs deploy/haproxy.cfg with one server line per running
    server (iopnav/ops/haproxy.py): HAProxy accepts it, and nothing else moved."""
    sized = sized_config(tmp_path / "haproxy.cfg", {"rasa": 5, "actions": 1, "web": 1})
    text = sized.read_text()
    addresses = {
        **LOOPBACK_ADDRESSES,
        **{f"IOP_RASA{i}": f"127.0.0.1:{5100 + i}" for i in range(1, 6)},
    }
    checked = run([haproxy(), "-c", "-f", str(sized)], haproxy_env(addresses))
    assert checked.returncode == 0, checked.stderr
    assert text.count('server rasa5 "${IOP_RASA5}" check') == 2  # rasa and rasa_alive
    assert "actions2" not in text and "web2" not in text
    unchanged = [line for line in HAPROXY_CFG.read_text().splitlines() if " server " not in line]
    assert [line for line in text.splitlines() if " server " not in line] == unchanged


def seconds(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(ms|s|m)?", value).groups()
    return int(number) * {"ms": 0.001, "s": 1, "m": 60, None: 0.001}[unit]


def test_haproxy_waits_longer_than_the_lock_lifetime_and_sticks_to_nothing():
    text = HAPROXY_CFG.read_text()
    (server_timeout,) = re.findall(r"^\s*timeout server (\S+)", text, re.M)
    assert seconds(server_timeout) > DEFAULT_LIFETIME_SECONDS
    for sticky in ("cookie ", "stick-table", "stick on", "balance source", "hash-type"):
        assert sticky not in text


def test_haproxy_checks_the_readiness_endpoints_and_hides_them_from_the_public():
    text = HAPROXY_CFG.read_text()
    backends = dict(re.findall(r"^backend (\S+)\n((?:(?!^\S).*\n?)*)", text, re.M))
    for name in ("rasa", "actions", "web"):
        assert "option httpchk GET /ready" in backends[name], name
    # Used only when no Rasa server is ready (a shared store is down): alive is enough.
    assert "option httpchk GET /webhooks/rest/" in backends["rasa_alive"]
    public = re.search(r"^frontend public\n((?:(?!^\S).*\n?)*)", text, re.M).group(1)
    assert "deny" in public and "/ready" in public and "/metrics" in public


# --- compose -------------------------------------------------------------------


def test_compose_file_matches_the_compose_specification():
    checked = run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", "compose.yaml"]
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_compose_schema_check_has_teeth(tmp_path):
    broken = tmp_path / "compose.yaml"
    broken.write_text(
        (DEPLOY / "compose.yaml").read_text().replace("restart: unless-stopped", "restart: 3", 1)
    )
    checked = run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(broken)]
    )
    assert checked.returncode != 0


def test_compose_runs_every_part_and_hands_secrets_in_from_outside():
    services = compose()["services"]
    for name in ("postgres", "redis", "haproxy", "prepare", "console"):
        assert name in services
    assert {"rasa1", "rasa2", "rasa3"} <= set(services)
    assert {"actions1", "actions2", "web1", "web2"} <= set(services)
    # HAProxy's addresses name the compose services.
    for key, value in services["haproxy"]["environment"].items():
        if re.fullmatch(r"IOP_(RASA|ACTIONS|WEB)\d", key):
            assert value.split(":")[0] in services, key
    text = (DEPLOY / "compose.yaml").read_text()
    for secret in ("IOP_PG_PASSWORD", "IOP_ACTIONS_TOKEN", "IOP_WEB_SESSION_SECRET"):
        assert f"${{{secret}:?" in text, f"{secret} must be required from the environment"
    env_example = (DEPLOY / "env.example").read_text()
    for secret in set(re.findall(r"\$\{(IOP_[A-Z_]+)", text)) - {"IOP_IMAGE"}:
        if secret.endswith(("PASSWORD", "TOKEN", "SECRET")):
            assert f"{secret}=" in env_example, secret
    # The console is for staff: published on this host's loopback only.
    assert services["console"]["ports"] == ["127.0.0.1:8081:8081"]
    assert services["haproxy"]["ports"] == ["8080:8080"]


def test_compose_servers_wait_for_the_one_prepare_step():
    services = compose()["services"]
    for name in ("rasa1", "actions1", "web1", "console"):
        assert services[name]["depends_on"]["prepare"]["condition"] == (
            "service_completed_successfully"
        )


# --- Kubernetes ------------------------------------------------------------------


@pytest.mark.parametrize("manifest", K8S, ids=lambda p: p.name)
def test_kubernetes_manifest_is_valid(manifest: Path):
    checked = run([tool("kubernetes-validate"), "--strict", "--quiet", str(manifest)])
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_kubernetes_validation_has_teeth(tmp_path):
    broken = tmp_path / "rasa.yaml"
    broken.write_text(
        (DEPLOY / "k8s" / "40-rasa.yaml").read_text().replace("replicas: 3", "replicas: three")
    )
    checked = run([tool("kubernetes-validate"), "--strict", "--quiet", str(broken)])
    assert checked.returncode != 0


def k8s_documents():
    for manifest in K8S:
        yield from (d for d in yaml.safe_load_all(manifest.read_text()) if d)


def test_kubernetes_pods_probe_readiness_and_run_as_nobody():
    deployments = {d["metadata"]["name"]: d for d in k8s_documents() if d["kind"] == "Deployment"}
    for name in ("rasa", "actions", "web", "console"):
        pod = deployments[name]["spec"]["template"]["spec"]
        (container,) = pod["containers"]
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready", name
        assert pod["securityContext"]["runAsNonRoot"] is True, name
    assert deployments["rasa"]["spec"]["replicas"] >= 2


# --- what ties the files to the code ---------------------------------------------------


def module_of(command) -> str:
    return command[command.index("-m") + 1]


def assert_module_exists(module: str) -> None:
    path = settings.PROJECT_ROOT / Path(*module.split("."))
    assert path.with_suffix(".py").exists() or (path / "__main__.py").exists(), module


def test_every_command_names_a_module_of_ours():
    commands = [s["command"] for s in compose()["services"].values() if "command" in s]
    commands += [
        c["command"]
        for d in k8s_documents()
        if d["kind"] in ("Deployment", "Job")
        for c in d["spec"]["template"]["spec"]["containers"]
        if "command" in c
    ]
    ours = [c for c in commands if isinstance(c, list) and c[:2] == ["python", "-m"]]
    assert len(ours) >= 8
    for command in ours:
        assert_module_exists(module_of(command))
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    for module in re.findall(r'"-m", "([\w.]+)"', dockerfile):
        assert_module_exists(module)
    for script in re.findall(r"python (scripts/\S+\.py)", dockerfile):
        assert (settings.PROJECT_ROOT / script).exists(), script


def test_deploy_endpoints_match_the_local_ones_but_for_the_action_url():
    local = yaml.safe_load((settings.PROJECT_ROOT / "endpoints.yml").read_text())
    deployed = yaml.safe_load((DEPLOY / "endpoints.yml").read_text())
    assert deployed["action_endpoint"]["url"] == "${IOP_ACTIONS_URL}"
    deployed["action_endpoint"]["url"] = local["action_endpoint"]["url"]
    assert deployed == local


def test_the_image_leaves_local_data_out():
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    for private in (".venv", "var", "*.db", ".env", "*.secret"):
        assert private in ignored


def test_applying_the_k8s_folder_never_writes_a_secret():
    """`kubectl apply -f deploy/k8s/` must not overwrite the clinic's real
    Secret with the example's placeholder values."""
    for manifest in (DEPLOY / "k8s").glob("*"):
        kinds = [d["kind"] for d in yaml.safe_load_all(manifest.read_text()) if d]
        assert "Secret" not in kinds, manifest.name
