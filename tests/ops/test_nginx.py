"""deploy/nginx/partline.conf, run by a real nginx in front of a stand-in for gunicorn.

Only ports, certificate and log paths are rewritten (to free ports and temporary files); every
location and header is the shipped file's. Without nginx the tests fail in CI (CI=true; .ci/run
installs nginx-light) and skip elsewhere.
"""

import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.faults.conftest import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "deploy" / "nginx" / "partline.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


class Upstream(BaseHTTPRequestHandler):
    """Answers every request with the path and headers it received, as JSON."""

    def do_GET(self) -> None:
        body = json.dumps({"path": self.path, "headers": dict(self.headers)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def nginx(tmp_path):
    if NGINX is None:
        message = "nginx is not installed: run `apt-get install -y nginx-light`."
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")]
        + ["-subj", "/CN=partline.example.com"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    http_port, https_port = free_port(), free_port()
    conf = CONF.read_text()
    for old, new in {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream.server_address[1]};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl;",
        "listen [::]:443 ssl http2;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "/etc/ssl/partline/fullchain.pem": str(tmp_path / "cert.pem"),
        "/etc/ssl/partline/privkey.pem": str(tmp_path / "key.pem"),
        "/var/log/nginx/": f"{tmp_path}/",
    }.items():
        assert old in conf, f"{old!r} is no longer in {CONF}"
        conf = conf.replace(old, new)
    (tmp_path / "partline.conf").write_text(conf)
    (tmp_path / "nginx.conf").write_text(
        f"daemon off;\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{ include {tmp_path}/partline.conf; }}\n"
    )
    process = subprocess.Popen(
        [NGINX, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def get(path: str, headers: dict | None = None) -> tuple[int, bytes]:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection = http.client.HTTPSConnection(
            "127.0.0.1", https_port, timeout=5, context=context
        )
        try:
            connection.request(
                "GET", path, headers={"Host": "partline.example.com", **(headers or {})}
            )
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def up() -> bool:
        try:
            return get("/health/live")[0] == 200
        except OSError:
            return False

    try:
        wait_until(lambda: up() or process.poll() is not None, timeout=20, what="nginx")
        assert process.poll() is None, (tmp_path / "error.log").read_text()
        yield get, tmp_path
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGQUIT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        upstream.shutdown()
        upstream.server_close()


@pytest.mark.parametrize("path", ["/metrics", "/metrics/", "/metrics?name[]=x", "//metrics"])
def test_metrics_are_refused_at_the_proxy_and_never_reach_the_app(nginx, path):
    get, _ = nginx
    status, body = get(path)
    assert status == 403
    assert b'"path"' not in body


def test_pages_are_proxied_with_a_generated_request_id_and_the_scheme(nginx):
    get, tmp_path = nginx
    status, body = get("/api/parts/")
    assert status == 200
    received = json.loads(body)
    assert received["path"] == "/api/parts/"
    request_id = received["headers"]["X-Request-ID"]
    assert len(request_id) == 32 and int(request_id, 16) >= 0
    assert received["headers"]["X-Forwarded-Proto"] == "https"
    assert received["headers"]["Host"] == "partline.example.com"

    def logged() -> list[dict]:
        log = tmp_path / "partline.access.log"
        complete = log.read_text().split("\n")[:-1] if log.exists() else []
        return [json.loads(line) for line in complete]  # nginx logs after it answered

    wait_until(
        lambda: any(x["request_id"] == request_id and x["path"] == "/api/parts/" for x in logged()),
        timeout=10,
        what="nginx's JSON access line with the request id",
    )


def test_a_client_request_id_is_passed_on_unchanged(nginx):
    get, _ = nginx
    status, body = get("/", {"X-Request-ID": "trace-proxy-0001"})
    assert json.loads(body)["headers"]["X-Request-ID"] == "trace-proxy-0001"
