"""The image as the Dockerfile builds and runs it: collectstatic, gunicorn, its logs, its probe.

The Dockerfile is read, not copied: its runtime ENV, the collectstatic step and the CMD are
parsed from it, so these tests follow it when it changes. There is no Docker daemon here, so the
commands run in child processes with the image's environment (paths moved to temporary ones).
"""

import http.client
import json
import os
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.conftest import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the last stage, continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    instructions: list[tuple[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, arguments = line.partition(" ")
        if keyword.upper() == "FROM":
            instructions = []  # only the runtime (last) stage matters
        instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, arguments in dockerfile_instructions():
        if keyword == "ENV":
            for token in shlex.split(arguments):
                name, _, value = token.partition("=")
                env[name] = value
    env.pop("PATH", None)  # the image's venv path; ours is sys.executable's
    return env


def collectstatic_step() -> tuple[list[str], dict[str, str]]:
    """The RUN step's commands before collectstatic, and the variables collectstatic gets."""
    for keyword, arguments in dockerfile_instructions():
        if keyword == "RUN" and "collectstatic" in arguments:
            commands = [part.strip() for part in arguments.split("&&")]
            index = next(i for i, command in enumerate(commands) if "collectstatic" in command)
            assignments = {}
            for token in shlex.split(commands[index]):
                if "=" not in token or token.startswith("-"):
                    break
                name, _, value = token.partition("=")
                assignments[name] = value
            return commands[:index], assignments
    raise AssertionError("the Dockerfile has no RUN step with collectstatic")


def image_environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """Our environment minus project settings, plus the image's ENV with paths under tmp_path."""
    drop = ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "PYTEST_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(dockerfile_env())
    env["STATIC_ROOT"] = str(tmp_path / "staticfiles")
    env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path / "prometheus")
    env.update(overrides)
    return env


def test_the_image_sets_a_metrics_directory_for_its_processes():
    assert dockerfile_env()["PROMETHEUS_MULTIPROC_DIR"]


def test_the_metrics_directory_is_created_before_collectstatic_runs():
    directory = dockerfile_env()["PROMETHEUS_MULTIPROC_DIR"]
    before, _ = collectstatic_step()
    assert any(
        command.startswith("mkdir") and directory in command.split() for command in before
    ), f"{directory} must exist before collectstatic: {before}"


def compose_postgres_major() -> str:
    import yaml

    image = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["postgres"]
    return re.fullmatch(r"postgres:(\d+)(?:[.-].*)?", image["image"]).group(1)


def postgres_client_step() -> tuple[dict[str, str], list[str]]:
    """The runtime stage's build arguments (with defaults) and the commands of the RUN step that
    installs the PostgreSQL client, in order."""
    arguments = {}
    for keyword, args in dockerfile_instructions():
        if keyword == "ARG":
            name, _, default = args.partition("=")
            arguments[name] = default
        if keyword == "RUN" and "postgresql-client" in args:
            return arguments, [command.strip() for command in args.split("&&")]
    raise AssertionError("the runtime stage installs no postgresql-client package")


def test_the_image_installs_pg_dump_of_the_major_version_compose_runs():
    # `manage.py backup` runs pg_dump -Fc in the web container (Compose, the Kubernetes CronJob);
    # a pg_dump older than the server refuses to dump it. There is no Docker daemon here to build
    # the image, so the step is read: the right package, from the PostgreSQL project's signed
    # repository, and a check that fails the build if the installed pg_dump is another version.
    arguments, commands = postgres_client_step()
    major = compose_postgres_major()
    assert arguments.get("POSTGRES_MAJOR") == major, "the image's client and Compose's server"

    def position(what: str, predicate, after: int = -1) -> int:
        found = [i for i, command in enumerate(commands) if i > after and predicate(command)]
        assert found, f"no step {what} (after step {after}): {commands}"
        return found[0]

    key = position("fetching the PGDG key", lambda c: c.startswith("curl") and "ACCC4CF8" in c)
    words = commands[key].split()
    key_file = words[words.index("-o") + 1]
    # The repository's suite is the image's own Debian release (bookworm-pgdg, trixie-pgdg).
    release = position("reading the Debian release", lambda c: c == ". /etc/os-release")
    source = position(
        "adding the repository signed by that key",
        lambda c: (
            "apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" in c
            and f"signed-by={key_file}" in c
        ),
        after=max(key, release),
    )
    update = position("reading the new repository", lambda c: c == "apt-get update", after=source)
    install = position(
        "installing the client of that major version",
        lambda c: c.startswith("apt-get install") and "postgresql-client-${POSTGRES_MAJOR}" in c,
        after=update,
    )
    for program in ("pg_dump", "pg_restore"):
        position(
            f"failing the build unless {program} is of that version",
            lambda c, p=program: (
                c.startswith(f"{p} --version | grep -q") and "${POSTGRES_MAJOR}" in c
            ),
            after=install,
        )


@pytest.fixture(scope="module")
def image_static_root(tmp_path_factory) -> Path:
    """The build step's collectstatic, with the image environment and an empty metrics directory."""
    tmp_path = tmp_path_factory.mktemp("image")
    _, assignments = collectstatic_step()
    env = image_environment(tmp_path, **assignments)
    Path(env["PROMETHEUS_MULTIPROC_DIR"]).mkdir()  # as the step's mkdir does, and empty
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return Path(env["STATIC_ROOT"])


def test_collectstatic_succeeds_with_the_image_environment_and_an_empty_metrics_directory(
    image_static_root,
):
    assert (image_static_root / "staticfiles.json").exists()


def get(port: int, path: str, host: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def answers(port: int) -> bool:
    try:
        return get(port, "/health/live", f"127.0.0.1:{port}")[0] == 200
    except OSError:
        return False


@pytest.fixture
def gunicorn_as_in_the_image(tmp_path, image_static_root):
    """The image's CMD, one worker, on a free port, with production settings and SQLite, over the
    static files its build step collected."""
    port = free_port()
    env = image_environment(
        tmp_path,
        STATIC_ROOT=str(image_static_root),
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="partline.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'partline.sqlite3'}",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        XDG_RUNTIME_DIR=str(tmp_path),  # gunicorn's control socket: one per test run
    )
    # A file left by an earlier run (or by the build) must not be counted again.
    stale = Path(env["PROMETHEUS_MULTIPROC_DIR"]) / "counter_999999.db"
    stale.parent.mkdir()
    stale.write_bytes(b"stale")
    command = json.loads(
        next(args for keyword, args in dockerfile_instructions() if keyword == "CMD")
    )
    command[0] = str(Path(sys.executable).with_name(command[0]))
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_until(lambda: answers(port) or process.poll() is not None, timeout=60, what="boot")
        assert process.poll() is None, log.read_text()[-3000:]
        yield port, log, stale
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def test_the_image_healthcheck_and_probes_by_address_are_answered(gunicorn_as_in_the_image):
    port, log, _ = gunicorn_as_in_the_image
    instructions = dict(dockerfile_instructions())
    healthcheck = instructions["HEALTHCHECK"]
    path = re.search(r"http://127\.0\.0\.1:\d+(/\S*)", healthcheck).group(1)
    assert get(port, path, f"127.0.0.1:{port}")[0] == 200  # what curl sends
    assert get(port, path, "10.42.3.17:8000")[0] == 200  # a Kubernetes probe to the pod IP
    assert get(port, "/health/ready", "10.42.3.17:8000")[0] == 200
    # Everything else still answers only to the site's own name.
    assert get(port, "/", f"127.0.0.1:{port}")[0] == 400
    assert get(port, "/health/detailed", f"127.0.0.1:{port}")[0] == 400


def test_every_line_gunicorn_and_the_app_write_is_json_with_no_second_access_line(
    gunicorn_as_in_the_image,
):
    port, log, stale = gunicorn_as_in_the_image
    assert not stale.exists()
    status, _ = get(port, "/health/ready", "10.42.3.17:8000")
    assert status == 200
    wait_until(lambda: "partline.access" in log.read_text(), timeout=10, what="access line")
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # fails on the first line that is not JSON
    loggers = {record["logger"] for record in records}
    assert "gunicorn.error" in loggers  # gunicorn's own start-up lines, as JSON
    assert "gunicorn.access" not in loggers
    access = [record for record in records if record["logger"] == "partline.access"]
    assert [(r["path"], r["status"]) for r in access] == [("/health/ready", 200)]
    assert access[0]["request_id"] not in (None, "-")


# --- The systemd unit (hosts without containers) builds the static manifest before gunicorn.

SYSTEMD_UNIT = ROOT / "deploy" / "systemd" / "partline-web.service"


def systemd_directives() -> list[tuple[str, str]]:
    directives = []
    for line in SYSTEMD_UNIT.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "[")):
            name, _, value = line.partition("=")
            directives.append((name, value))
    return directives


def test_the_systemd_unit_collects_static_files_before_gunicorn_starts():
    directives = systemd_directives()
    steps = [value for name, value in directives if name in ("ExecStartPre", "ExecStart")]
    collect = next(i for i, step in enumerate(steps) if "manage.py collectstatic --noinput" in step)
    start = next(i for i, (name, _) in enumerate(directives) if name == "ExecStart")
    assert "gunicorn config.wsgi:application -c deploy/gunicorn.conf.py" in directives[start][1]
    assert collect < len(steps) - 1, "collectstatic must run before gunicorn"
    # collectstatic writes metric files too: their directory is made before it runs.
    environment = dict(value.split("=", 1) for name, value in directives if name == "Environment")
    assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    metrics = environment["PROMETHEUS_MULTIPROC_DIR"]
    assert any(f"mkdir -p {metrics}" in step for step in steps[:collect])


@pytest.mark.parametrize(("proxies", "allowed"), [("0", ""), ("1", "127.0.0.1")])
def test_gunicorn_believes_forwarded_proto_only_behind_trusted_proxies(proxies, allowed):
    env = {k: v for k, v in os.environ.items() if k != "FORWARDED_ALLOW_IPS"}
    env["TRUSTED_PROXY_COUNT"] = proxies
    code = (
        "import runpy; "
        "print(repr(runpy.run_path('deploy/gunicorn.conf.py')['forwarded_allow_ips']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(allowed)
