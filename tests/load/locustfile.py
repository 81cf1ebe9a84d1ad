"""Load test: what one Partline deployment holds (run by `make loadtest`, tests/load/run.py).

Five kinds of users, weighted like a working day: staff browsing pages, API consumers listing
and filtering, storekeepers posting receipts, planners asking how many assemblies stock can
build, and map users looking at the order map's heatmap; then, alone and back to back, a
typical API list and the bare /health/live view (the ceiling of this machine).
Every request is named by its endpoint, not its URL, so the statistics group per endpoint.
Tokens come from the environment (run.py creates them): LOADTEST_TOKEN_<ROLE>.

The users of the mix are people (about 50 of them), not loops: each waits 1 to 5 seconds
between two actions (`between(1, 5)`), the time to read a page or a list and decide what to do
next, so 50 users make roughly 10 to 20 requests per second between them. The two back-to-back
classes (no wait) are throughput measurements, not people.
The users are FastHttpUser (geventhttpclient): locust's client that spends several times less
CPU per request than the requests-based HttpUser, which matters when locust shares the 2 cores
with the server it measures.
A request counts as failed when it answers 4xx/5xx, and a page also when it does not answer 200
(a redirect to the login page means the session was lost: it would measure the login form).
"""

import os
import random
import re
import uuid
from urllib.parse import urlencode

from locust import FastHttpUser, between, constant, task

# People: seconds between two actions of one user of the mix.
THINK_TIME = between(1, 5)

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "partline-demo")


def token_headers(role: str) -> dict[str, str]:
    return {"Authorization": f"Token {os.environ[f'LOADTEST_TOKEN_{role.upper()}']}"}


def results(response) -> list[dict]:
    return response.json().get("results", []) if response.ok else []


class StaffBrowsing(FastHttpUser):
    """A logged-in viewer opening the pages people use all day."""

    weight = 3
    wait_time = THINK_TIME

    def on_start(self) -> None:
        page = self.page("/accounts/login/", "page: login")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text or "")
        form = {
            "username": "viewer",
            "password": PASSWORD,
            "csrfmiddlewaretoken": match.group(1) if match else "",
        }
        with self.client.post(
            "/accounts/login/",
            data=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login answered {response.status_code}, not a redirect")
        self._plain_http_cookies()

    def _plain_http_cookies(self) -> None:
        # Production marks the cookies Secure; this test speaks plain HTTP to gunicorn, and the
        # cookie jar sends Secure cookies over HTTPS only.
        for cookie in self.client.cookiejar:
            cookie.secure = False

    def page(self, path: str, name: str):
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} to {response.headers.get('Location')}")
        self._plain_http_cookies()
        return response

    @task(3)
    def dashboard(self) -> None:
        self.page("/", "page: dashboard")

    @task(3)
    def parts(self) -> None:
        self.page("/inventory/parts/", "page: parts")

    @task(2)
    def stock(self) -> None:
        self.page("/warehouse/", "page: stock overview")

    @task(2)
    def documents(self) -> None:
        self.page("/warehouse/documents/", "page: documents")


class ApiConsumer(FastHttpUser):
    """Someone's client reading lists with filters and search (a person at a screen behind it)."""

    weight = 4
    wait_time = THINK_TIME

    def on_start(self) -> None:
        self.headers = token_headers("viewer")
        parts = results(self.client.get("/api/parts/", headers=self.headers, name="api: parts"))
        self.part_ids = [p["id"] for p in parts] or [1]
        warehouses = self.client.get(
            "/api/warehouses/", headers=self.headers, name="api: warehouses"
        )
        self.warehouse_ids = [w["id"] for w in results(warehouses)] or [1]

    @task(4)
    def parts(self) -> None:
        self.client.get("/api/parts/", headers=self.headers, name="api: parts")

    @task(2)
    def parts_search(self) -> None:
        term = random.choice(["servo", "bolt", "board", "frame", "cable"])
        self.client.get(
            f"/api/parts/?search={term}", headers=self.headers, name="api: parts?search"
        )

    @task(3)
    def stock_levels(self) -> None:
        warehouse = random.choice(self.warehouse_ids)
        self.client.get(
            f"/api/stock-levels/?warehouse={warehouse}",
            headers=self.headers,
            name="api: stock-levels?warehouse",
        )

    @task(2)
    def moves_of_a_part(self) -> None:
        part = random.choice(self.part_ids)
        self.client.get(f"/api/moves/?part={part}", headers=self.headers, name="api: moves?part")

    @task(1)
    def posted_documents(self) -> None:
        self.client.get(
            "/api/documents/?status=POSTED", headers=self.headers, name="api: documents?status"
        )


class Storekeeper(FastHttpUser):
    """Receives goods: creates a receipt of one or two lines and posts it."""

    weight = 2
    wait_time = THINK_TIME

    def on_start(self) -> None:
        self.headers = token_headers("storekeeper")
        parts = results(
            self.client.get("/api/parts/?assembly=no", headers=self.headers, name="api: parts")
        )
        self.part_ids = [p["id"] for p in parts]
        locations = self.client.get(
            "/api/locations/?kind=bin", headers=self.headers, name="api: locations?kind"
        )
        self.location_ids = [loc["id"] for loc in results(locations)]

    @task
    def receive_and_post(self) -> None:
        if not self.part_ids or not self.location_ids:
            return
        lines = [
            {"part": part, "quantity": str(random.randint(1, 20)), "to_location": location}
            for part, location in zip(
                random.sample(self.part_ids, k=min(2, len(self.part_ids))),
                random.choices(self.location_ids, k=2),
                strict=False,
            )
        ]
        created = self.client.post(
            "/api/documents/",
            json={"doc_type": "RECEIPT", "lines": lines, "idempotency_key": str(uuid.uuid4())},
            headers=self.headers,
            name="api: create receipt",
        )
        if created.status_code == 201:
            self.client.post(
                f"/api/documents/{created.json()['id']}/post/",
                headers=self.headers,
                name="api: post document",
            )


class Planner(FastHttpUser):
    """Asks how many of an assembly the stock can build."""

    weight = 1
    wait_time = THINK_TIME

    def on_start(self) -> None:
        self.headers = token_headers("planner")
        assemblies = self.client.get(
            "/api/parts/?assembly=yes", headers=self.headers, name="api: parts"
        )
        self.assembly_ids = [p["id"] for p in results(assemblies)]

    @task
    def buildable(self) -> None:
        if self.assembly_ids:
            part = random.choice(self.assembly_ids)
            self.client.get(
                f"/api/parts/{part}/buildable/", headers=self.headers, name="api: buildable"
            )


class MapUser(FastHttpUser):
    """Looks at the order map: the heatmap of the demo city, zoomed (resolution) and filtered."""

    weight = 1
    wait_time = THINK_TIME

    def on_start(self) -> None:
        self.headers = token_headers("viewer")

    @task
    def heatmap(self) -> None:
        query = {
            "city": "DMO",
            "type": random.choice(["order_density", "order_density", "organic", "user_density"]),
            "resolution": random.choice([7, 8, 8, 9]),
        }
        if random.random() < 0.3:
            query["business_line"] = random.choice(["food", "groceries", "pharmacy"])
        if random.random() < 0.2:
            query["hours"] = random.choice(["8-14", "11-14", "17-21"])
        self.client.get(
            f"/api/geo/heatmap/?{urlencode(query)}", headers=self.headers, name="api: geo heatmap"
        )


class ApiListCeiling(FastHttpUser):
    """A typical API list requested back to back: compared with /health/live's ceiling."""

    # Only in its own phase: run.py names the classes of each phase.
    wait_time = constant(0)

    def on_start(self) -> None:
        self.headers = token_headers("viewer")

    @task
    def parts(self) -> None:
        self.client.get("/api/parts/", headers=self.headers, name="api: parts (back to back)")


class HealthProbe(FastHttpUser):
    """The bare liveness view: the most requests per second this machine serves."""

    # Only in the ceiling phase: run.py names the classes of each phase.
    wait_time = constant(0)

    @task
    def live(self) -> None:
        self.client.get("/health/live", name="health: live")
