"""The deployment files (Compose, Kubernetes, systemd, Prometheus, Grafana) checked offline.

Compose: parsed and checked for what docs/deploy.md promises (a health check on every
long-running service, dependencies that wait for health, named volumes), plus `docker compose
config` where the Compose plugin is installed. Kubernetes: `kubectl kustomize` renders the
overlay (the base files alone without kubectl) and every object is validated against the
Kubernetes 1.31 schemas shipped by kubernetes-validate, strictly (unknown fields fail).
Prometheus: `promtool check rules/config` when promtool is installed (CI installs Debian's
prometheus), parsed otherwise; every metric the rules and the dashboard use must exist. systemd:
parsed, and `systemd-analyze verify` where it exists.
"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE = ROOT / "docker-compose.yml"
COMPOSE_PROD = ROOT / "docker-compose.prod.yml"
K8S = DEPLOY / "k8s"
KUBERNETES_VERSION = "1.31.0"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
PROMETHEUS_CONFIG = DEPLOY / "prometheus" / "prometheus.yml"
DASHBOARD = DEPLOY / "grafana" / "dashboards" / "partline.json"
SYSTEMD = DEPLOY / "systemd"

# Services that run once and exit: waited for with service_completed_successfully.
ONE_SHOT = {"migrate"}
# Variables Compose interpolates that are not application settings.
COMPOSE_ENV = {"POSTGRES_PASSWORD", "GRAFANA_ADMIN_PASSWORD", "PARTLINE_IMAGE"}


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def compose_services() -> dict[str, dict]:
    return compose()["services"]


def long_running_services() -> dict[str, dict]:
    return {name: s for name, s in compose_services().items() if name not in ONE_SHOT}


# --- Compose -----------------------------------------------------------------------------------


def test_compose_has_every_service_the_deployment_needs():
    expected = {"web", "worker", "beat", "migrate", "postgres", "redis", "nginx", "prometheus"}
    assert expected | {"grafana"} <= set(compose_services())


def test_every_long_running_compose_service_has_a_health_check():
    for name, service in long_running_services().items():
        check = service.get("healthcheck")
        assert check and check.get("test"), f"{name} has no health check"
        assert not check.get("disable"), f"{name} disables its health check"


def test_compose_dependencies_wait_for_health_or_for_the_one_shot_to_finish():
    for name, service in compose_services().items():
        depends = service.get("depends_on", {})
        assert isinstance(depends, dict), f"{name}: depends_on must name conditions"
        for target, rule in depends.items():
            expected = "service_completed_successfully" if target in ONE_SHOT else "service_healthy"
            assert rule == {"condition": expected}, f"{name} -> {target}: {rule}"


def test_web_worker_and_beat_wait_for_the_migrations():
    services = compose_services()
    for name in ("web", "worker", "beat"):
        rule = services[name]["depends_on"]["migrate"]
        assert rule["condition"] == "service_completed_successfully"
    assert services["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    # A one-shot: restarted after it exits, it would never complete (the app services inherit
    # `restart: unless-stopped` from the same anchor), and nothing may wait for its health.
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["healthcheck"] == {"disable": True}


def test_redis_appends_to_its_log_and_postgres_is_version_16():
    services = compose_services()
    command = services["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")


def test_beat_is_never_scaled():
    prod = yaml.safe_load(COMPOSE_PROD.read_text())["services"]
    assert prod["beat"]["deploy"]["replicas"] == 1


def test_compose_state_lives_in_named_volumes():
    spec = compose()
    declared = set(spec["volumes"])
    for name in ("postgres", "redis", "prometheus", "grafana"):
        sources = {v.split(":")[0] for v in compose_services()[name].get("volumes", [])}
        assert sources & declared, f"{name} keeps its data in no named volume"
    for name, service in compose_services().items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith(("/", ".", "$")):
                assert source in declared, f"{name} mounts undeclared volume {source}"


def test_compose_mounts_files_that_exist_in_the_repository():
    for name, service in compose_services().items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./deploy/") and "tls" not in source:
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"


def test_nginx_in_compose_serves_the_shipped_site_file():
    nginx = compose_services()["nginx"]
    assert "./deploy/nginx/partline.conf:/etc/partline/partline.conf:ro" in nginx["volumes"]
    assert "server 127.0.0.1:8000;" in (DEPLOY / "nginx" / "partline.conf").read_text()


def test_app_services_read_their_secrets_from_the_env_file():
    for name in ("web", "worker", "beat", "migrate"):
        env_files = compose_services()[name]["env_file"]
        assert {"path": ".env", "required": True} in env_files


ENV_EXAMPLE = ROOT / ".env.example"
# A variable line of .env.example, commented out or not: NAME=value.
ENV_LINE = re.compile(r"^#?\s*([A-Z_][A-Z0-9_]*)=(.*)$")


def env_example_variables() -> set[str]:
    return {
        m.group(1) for line in ENV_EXAMPLE.read_text().splitlines() if (m := ENV_LINE.match(line))
    }


def variables_read_by_the_settings() -> set[str]:
    """Every NAME in env("NAME"), env.int("NAME", ...) and the like in the settings a deployment
    runs (base, production, local; test.py's are for the test suite only), and every
    os.environ.get("NAME") of deploy/gunicorn.conf.py."""
    names: set[str] = set()
    for name in ("base.py", "production.py", "local.py"):
        text = (ROOT / "config" / "settings" / name).read_text()
        names |= set(re.findall(r"\benv(?:\.[a-z_]+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", text))
    gunicorn = (DEPLOY / "gunicorn.conf.py").read_text()
    names |= set(re.findall(r"os\.environ\.get\(\s*\"([A-Z][A-Z0-9_]*)\"", gunicorn))
    return names - {"DJANGO_SETTINGS_MODULE"}  # chosen by the entry point, not a setting


def test_the_settings_read_the_variables_this_test_finds():
    # The pattern must keep finding what it is meant to find, or the next test proves nothing.
    found = variables_read_by_the_settings()
    assert {"SECRET_KEY", "DATABASE_URL", "CONTENT_SECURITY_POLICY", "GUNICORN_WORKERS"} <= found
    assert len(found) > 50


def test_env_example_lists_every_variable_the_settings_and_gunicorn_read():
    assert variables_read_by_the_settings() - env_example_variables() == set()


def test_env_example_lists_every_variable_compose_interpolates():
    names: set[str] = set()
    for path in (COMPOSE, COMPOSE_PROD):
        names |= set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", path.read_text()))
    assert names - env_example_variables() == set()


def test_env_example_gives_each_variable_a_meaning_and_no_comment_after_a_value():
    # The .env reader (django-environ), Compose's env_file and systemd's EnvironmentFile all keep
    # "60  # seconds" as the value: an uncommented line must hold nothing but NAME=value.
    lines = [line for line in ENV_EXAMPLE.read_text().splitlines() if line.strip()]
    for index, line in enumerate(lines):
        match = ENV_LINE.match(line)
        if not match:
            continue
        assert " #" not in match.group(2), f"comment after the value: {line}"
        # The nearest line above that is not another variable explains it (a group of related
        # variables shares one explanation); a section header explains nothing.
        above = next(
            previous for previous in reversed(lines[:index]) if not ENV_LINE.match(previous)
        )
        assert above.startswith("#") and not above.startswith("# ---"), f"no meaning: {line}"


def test_both_compose_files_are_valid_for_the_compose_specification_schema():
    # The Compose specification's JSON schema, as check-jsonschema ships it (offline).
    from importlib import resources

    import jsonschema

    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    schema = json.loads(vendor.joinpath("compose-spec.json").read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    for path in (COMPOSE, COMPOSE_PROD):
        errors = [
            f"{'/'.join(map(str, error.absolute_path))}: {error.message[:200]}"
            for error in validator.iter_errors(yaml.safe_load(path.read_text()))
        ]
        assert errors == [], path.name


def _docker_compose_missing() -> str:
    """Why `docker compose config` cannot run here, or "" when it can (no daemon is needed)."""
    if not shutil.which("docker"):
        return "no Docker client on this machine"
    result = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=30)
    if result.returncode != 0:
        # Debian's docker-compose package is Compose 1.x, which cannot read these files
        # (env_file with `required`, the Compose specification): the v2 plugin is needed.
        return "the Docker client has no Compose v2 plugin (`docker compose`)"
    return ""


DOCKER_COMPOSE_MISSING = _docker_compose_missing()


@pytest.mark.skipif(bool(DOCKER_COMPOSE_MISSING), reason=DOCKER_COMPOSE_MISSING)
def test_docker_compose_config_accepts_both_files(tmp_path):
    # A copy in a scratch project directory, with the .env the services require.
    for path in (COMPOSE, COMPOSE_PROD):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / ".env").write_text("SECRET_KEY=x\n")
    env = {
        **os.environ,
        "POSTGRES_PASSWORD": "x",
        "GRAFANA_ADMIN_PASSWORD": "x",
        "PARTLINE_IMAGE": "partline:test",
    }
    for files in (["-f", COMPOSE.name], ["-f", COMPOSE.name, "-f", COMPOSE_PROD.name]):
        result = subprocess.run(
            ["docker", "compose", "--project-directory", str(tmp_path), *files, "config", "-q"],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr


def test_the_proxy_closes_idle_upstream_connections_before_gunicorn_does(monkeypatch):
    # Otherwise nginx may send a request on a connection gunicorn is closing: a POST is not
    # retried and the client gets a 502 (the load test met it, directly against gunicorn).
    import runpy

    monkeypatch.delenv("GUNICORN_KEEPALIVE", raising=False)
    gunicorn = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["keepalive"]
    site = (DEPLOY / "nginx" / "partline.conf").read_text()
    upstream = re.search(r"upstream partline_app \{(.*?)\}", site, re.S).group(1)
    nginx = re.search(r"^\s*keepalive_timeout (\d+)s;", upstream, re.M)
    assert nginx, "the upstream block must say how long nginx keeps an idle connection"
    assert gunicorn > int(nginx.group(1))
    # ingress-nginx keeps upstream connections 60 s unless the ConfigMap says otherwise.
    assert gunicorn > 60


# --- Kubernetes --------------------------------------------------------------------------------


def kubernetes_objects() -> list[dict]:
    """The production overlay rendered by kustomize, or the base files without kubectl."""
    kubectl = shutil.which("kubectl")
    if kubectl:
        rendered = subprocess.run(
            [kubectl, "kustomize", str(K8S / "overlays" / "production")],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        return [doc for doc in yaml.safe_load_all(rendered) if doc]
    base = yaml.safe_load((K8S / "base" / "kustomization.yaml").read_text())
    objects = []
    for resource in base["resources"]:
        objects += [doc for doc in yaml.safe_load_all((K8S / "base" / resource).read_text()) if doc]
    return objects


@pytest.fixture(scope="module")
def k8s() -> dict[tuple[str, str], dict]:
    return {(o["kind"], o["metadata"]["name"]): o for o in kubernetes_objects()}


def test_every_kubernetes_object_is_valid_for_the_named_version(k8s):
    kubernetes_validate = pytest.importorskip("kubernetes_validate")
    secret = yaml.safe_load((K8S / "base" / "secret.example.yaml").read_text())
    for obj in [*k8s.values(), secret]:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)


def test_kubernetes_has_every_object_the_deployment_needs(k8s):
    expected = {
        ("Namespace", "partline"),
        ("ConfigMap", "partline-config"),
        ("Deployment", "partline-web"),
        ("Deployment", "partline-worker"),
        ("Deployment", "partline-beat"),
        ("Service", "partline-web"),
        ("Ingress", "partline"),
        ("HorizontalPodAutoscaler", "partline-web"),
        ("HorizontalPodAutoscaler", "partline-worker"),
        ("PodDisruptionBudget", "partline-web"),
        ("Job", "partline-migrate"),
        ("CronJob", "partline-backup"),
    }
    assert expected <= set(k8s)


def pod_specs(k8s) -> dict[str, dict]:
    specs = {}
    for (kind, name), obj in k8s.items():
        if kind in ("Deployment", "Job"):
            specs[name] = obj["spec"]["template"]["spec"]
        elif kind == "CronJob":
            specs[name] = obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return specs


def test_every_pod_runs_as_non_root_on_a_read_only_root_with_a_writable_tmp(k8s):
    for name, spec in pod_specs(k8s).items():
        assert spec["securityContext"]["runAsNonRoot"] is True, name
        volumes = {v["name"]: v for v in spec["volumes"]}
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, name
            assert context["allowPrivilegeEscalation"] is False, name
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            assert "emptyDir" in volumes[mounts["/tmp"]], f"{name}: /tmp is not an emptyDir"
            assert container["resources"]["requests"] and container["resources"]["limits"], name


def test_web_pods_probe_the_three_health_endpoints(k8s):
    container = pod_specs(k8s)["partline-web"]["containers"][0]
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/live"
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert container["startupProbe"]["httpGet"]["path"] == "/health/startup"


def test_beat_is_one_replica_replaced_by_recreate(k8s):
    beat = k8s[("Deployment", "partline-beat")]
    assert beat["spec"]["replicas"] == 1
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    assert ("HorizontalPodAutoscaler", "partline-beat") not in k8s


def test_ingress_terminates_tls_for_the_host_it_routes(k8s):
    ingress = k8s[("Ingress", "partline")]["spec"]
    hosts = {host for tls in ingress["tls"] for host in tls["hosts"]}
    assert {rule["host"] for rule in ingress["rules"]} <= hosts


def test_autoscalers_and_budgets_point_at_existing_deployments(k8s):
    for (kind, _name), obj in k8s.items():
        if kind == "HorizontalPodAutoscaler":
            assert ("Deployment", obj["spec"]["scaleTargetRef"]["name"]) in k8s
        if kind == "PodDisruptionBudget":
            wanted = obj["spec"]["selector"]["matchLabels"]
            assert any(
                wanted.items() <= d["spec"]["template"]["metadata"]["labels"].items()
                for (k, _), d in k8s.items()
                if k == "Deployment"
            )


def test_pods_read_the_config_map_and_the_secret_the_template_defines(k8s):
    secret = yaml.safe_load((K8S / "base" / "secret.example.yaml").read_text())
    for name, spec in pod_specs(k8s).items():
        sources = spec["containers"][0]["envFrom"]
        assert {"configMapRef": {"name": "partline-config"}} in sources, name
        assert {"secretRef": {"name": secret["metadata"]["name"]}} in sources, name


def test_the_backup_cron_job_runs_the_backup_command(k8s):
    cron = k8s[("CronJob", "partline-backup")]
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    args = pod_specs(k8s)["partline-backup"]["containers"][0]["args"]
    assert args[:3] == ["python", "manage.py", "backup"]


# --- Prometheus and Grafana --------------------------------------------------------------------

# Metrics from the exporters beside the application (docker-compose.yml), as they document them.
EXPORTER_METRICS = {
    "up",
    # celery-exporter (danihodovic/celery-exporter)
    "celery_task_failed_total",
    "celery_task_succeeded_total",
    "celery_task_runtime_bucket",
    "celery_queue_length",
    "celery_worker_up",
    # postgres_exporter
    "pg_stat_database_numbackends",
    "pg_settings_max_connections",
    # node_exporter
    "node_filesystem_avail_bytes",
    "node_filesystem_size_bytes",
}
PROMQL_FUNCTIONS = {"histogram_quantile"}


def application_metric_names() -> set[str]:
    """Every series name /metrics can export (histograms with their suffixes)."""
    from prometheus_client import REGISTRY

    from config.ops.metrics import database_collectors

    names = set()
    for collector in [REGISTRY, *database_collectors()]:
        metrics = collector.collect() if collector is REGISTRY else collector.describe()
        for metric in metrics:
            names.add(metric.name)
            names |= {sample.name for sample in metric.samples}
            if metric.type == "histogram":
                names |= {f"{metric.name}_{s}" for s in ("bucket", "count", "sum")}
            if metric.type == "counter":
                names.add(f"{metric.name}_total")
    return names


def metric_names_in(expression: str) -> set[str]:
    text = re.sub(r'"[^"]*"', "", expression)
    text = re.sub(r"\{[^}]*\}", "", text)
    text = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", text)
    words = set(re.findall(r"\b[a-z_][a-z0-9_]*\b", text))
    return {w for w in words if "_" in w and w not in PROMQL_FUNCTIONS} | ({"up"} & words)


def alert_rules() -> list[dict]:
    return [
        rule for group in yaml.safe_load(ALERTS.read_text())["groups"] for rule in group["rules"]
    ]


def dashboard_expressions() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [target["expr"] for panel in panels for target in panel["targets"]]


def test_alert_rules_cover_what_operators_must_be_paged_for():
    expressions = " ".join(rule["expr"] for rule in alert_rules())
    for needle in (
        "up == 0",
        'status=~"5.."',
        "histogram_quantile(0.95",
        "celery_task_failed_total",
        "celery_queue_length",
        "partline_stock_verify_last_run_timestamp_seconds",
        "partline_stock_verify_mismatches > 0",
        "pg_settings_max_connections",
        "node_filesystem_avail_bytes",
    ):
        assert needle in expressions, needle
    for rule in alert_rules():
        assert rule["labels"]["severity"] in ("page", "warn"), rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]


@pytest.mark.django_db
def test_alerts_and_dashboard_use_only_metrics_that_exist(client):
    client.get("/health/live")  # loads the middleware, which registers the HTTP metrics
    known = application_metric_names() | EXPORTER_METRICS
    used: dict[str, str] = {}
    for expression in [rule["expr"] for rule in alert_rules()] + dashboard_expressions():
        for name in metric_names_in(expression):
            used.setdefault(name, expression)
    unknown = {name: expr for name, expr in used.items() if name not in known}
    assert unknown == {}


def test_the_dashboard_shows_requests_latency_errors_postings_tasks_and_freshness():
    panels = json.loads(DASHBOARD.read_text())["panels"]
    text = json.dumps(panels)
    for needle in (
        "django_http_requests_total_by_view_transport_method_total",
        "histogram_quantile(0.99",
        'status=~\\"5..\\"',
        "partline_documents_posted_total",
        "celery_task_runtime_bucket",
        "partline_stock_verify_last_run_timestamp_seconds",
    ):
        assert needle in text, needle
    datasource = yaml.safe_load(
        (DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text()
    )["datasources"][0]
    assert {p["datasource"]["uid"] for p in panels} == {datasource["uid"]}
    assert len({p["id"] for p in panels}) == len(panels)


def test_prometheus_scrapes_the_jobs_the_rules_select():
    config = yaml.safe_load(PROMETHEUS_CONFIG.read_text())
    jobs = {job["job_name"] for job in config["scrape_configs"]}
    selected = set(re.findall(r'job="([^"]+)"', ALERTS.read_text() + DASHBOARD.read_text()))
    assert selected <= jobs
    assert config["rule_files"] == ["/etc/prometheus/alerts.yml"]


PROMTOOL = shutil.which("promtool")


@pytest.mark.skipif(PROMTOOL is None, reason="promtool not installed (Debian: prometheus)")
def test_promtool_accepts_the_rules_and_the_config(tmp_path):
    rules = subprocess.run(
        [PROMTOOL, "check", "rules", str(ALERTS)], capture_output=True, text=True, timeout=60
    )
    assert rules.returncode == 0, rules.stdout + rules.stderr
    # The config names the rules by their path inside the container: point it at ours.
    shutil.copy(ALERTS, tmp_path / "alerts.yml")
    config = PROMETHEUS_CONFIG.read_text().replace("/etc/prometheus/alerts.yml", "alerts.yml")
    (tmp_path / "prometheus.yml").write_text(config)
    checked = subprocess.run(
        [PROMTOOL, "check", "config", "prometheus.yml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.skipif(PROMTOOL is None, reason="promtool not installed (Debian: prometheus)")
def test_promtool_unit_tests_fire_the_alerts_on_sample_series():
    tests = DEPLOY / "prometheus" / "alerts_test.yml"
    result = subprocess.run(
        [PROMTOOL, "test", "rules", tests.name],
        capture_output=True,
        text=True,
        cwd=tests.parent,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- systemd -----------------------------------------------------------------------------------


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in (SYSTEMD / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key, []).append(value)
    return sections


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_service_units_restart_read_the_environment_file_and_are_hardened(name):
    service = unit(f"partline-{name}.service")["Service"]
    assert service["Restart"][0] in ("always", "on-failure")
    assert service["EnvironmentFile"] == ["/etc/partline/partline.env"]
    assert service["User"] == ["partline"]
    assert service["ProtectSystem"] == ["strict"]
    assert service["NoNewPrivileges"] == ["true"]
    assert service["PrivateTmp"] == ["true"]


def test_the_backup_timer_starts_the_backup_service_nightly():
    timer = unit("partline-backup.timer")["Timer"]
    assert timer["Unit"] == ["partline-backup.service"]
    assert timer["Persistent"] == ["true"]
    service = unit("partline-backup.service")["Service"]
    assert service["Type"] == ["oneshot"]
    assert "manage.py backup" in service["ExecStart"][0]


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_systemd_analyze_verifies_the_units(tmp_path):
    # The units name the production paths; point them at this checkout's virtualenv.
    venv_bin = str(Path(sys.executable).parent) + "/"
    for path in SYSTEMD.iterdir():
        text = path.read_text().replace("/opt/partline/.venv/bin/", venv_bin)
        (tmp_path / path.name).write_text(text)
    units = sorted(str(p) for p in tmp_path.iterdir())
    result = subprocess.run(
        ["systemd-analyze", "verify", *units], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "partline" not in result.stderr, result.stderr


# --- load test ---------------------------------------------------------------------------------


def test_the_load_test_phases_name_user_classes_the_locustfile_defines():
    # Parsed, not imported: importing locust patches the standard library for gevent.
    import ast

    tree = ast.parse((ROOT / "tests" / "load" / "locustfile.py").read_text())
    defined = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    run = ast.parse((ROOT / "tests" / "load" / "run.py").read_text())
    mix = next(
        ast.literal_eval(node.value)
        for node in run.body
        if isinstance(node, ast.Assign) and node.targets[0].id == "MIX"
    )
    assert set(mix) | {"HealthProbe"} <= defined
    assert "loadtest:" in (ROOT / "Makefile").read_text()


def _row(name: str, rps: float, p95: float, p99: float, failures: int = 0, kind: str = "GET"):
    return {
        "type": kind if name != "ALL" else "",
        "name": name,
        "requests": 100,
        "failures": failures,
        "rps": rps,
        "p50": p95 / 2,
        "p95": p95,
        "p99": p99,
    }


def test_the_load_test_judges_each_target_of_the_issue():
    from tests.load.run import _targets

    mix = [
        _row("api: parts", 5, 80, 300),
        _row("api: create receipt", 1, 900, 2000, kind="POST"),  # a write: no latency target
        _row("ALL", 6, 90, 1500),
    ]
    api_list = [_row("api: parts (back to back)", 120, 400, 900), _row("ALL", 120, 400, 900)]
    ceiling = [_row("health: live", 200, 300, 500), _row("ALL", 200, 300, 500)]
    assert [passed for passed, _ in _targets(mix, api_list, ceiling)] == [True] * 4

    slow_read = [_row("page: parts", 5, 120, 600), *mix]
    failed = [_row("ALL", 120, 400, 900, failures=1)]
    slow_list = [_row("ALL", 90, 400, 900)]
    verdicts = _targets(slow_read, failed, ceiling) + _targets(mix, slow_list, ceiling)
    assert [passed for passed, _ in verdicts] == [False, False, False, True] + [True] * 3 + [False]
    assert "page: parts" in verdicts[1][1] and "90.0 vs 200.0" in verdicts[7][1]
