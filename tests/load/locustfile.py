"""Load test: what one Partline deployment holds (run by `make loadtest`, tests/load/run.py).

Five kinds of users, weighted like a working day: staff browsing pages, API consumers listing
and filtering, storekeepers posting receipts, planners asking how many assemblies stock can
build; then, alone and back to back, a typical API list and the bare /health/live view (the
ceiling of this machine).
The order map's heatmap joins the mix when the map exists.
Every request is named by its endpoint, not its URL, so the statistics group per endpoint.
Tokens come from the environment (run.py creates them): LOADTEST_TOKEN_<ROLE>.
"""

import os
import random
import re
import uuid

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOADTEST_PASSWORD", "partline-demo")


def token_headers(role: str) -> dict[str, str]:
    return {"Authorization": f"Token {os.environ[f'LOADTEST_TOKEN_{role.upper()}']}"}


def results(response) -> list[dict]:
    return response.json().get("results", []) if response.ok else []


class StaffBrowsing(HttpUser):
    """A logged-in viewer opening the pages people use all day."""

    weight = 3
    wait_time = between(1, 3)

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="login page")
        self._plain_http_cookies()
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        self.client.post(
            "/accounts/login/",
            data={
                "username": "viewer",
                "password": PASSWORD,
                "csrfmiddlewaretoken": match.group(1) if match else "",
            },
            name="login",
        )
        self._plain_http_cookies()

    def _plain_http_cookies(self) -> None:
        # Production marks the cookies Secure; this test speaks plain HTTP to gunicorn.
        for cookie in list(self.client.cookies):
            self.client.cookies.set(cookie.name, cookie.value)

    @task(3)
    def dashboard(self) -> None:
        self.client.get("/", name="page: dashboard")

    @task(3)
    def parts(self) -> None:
        self.client.get("/inventory/parts/", name="page: parts")

    @task(2)
    def stock(self) -> None:
        self.client.get("/warehouse/", name="page: stock overview")

    @task(2)
    def documents(self) -> None:
        self.client.get("/warehouse/documents/", name="page: documents")


class ApiConsumer(HttpUser):
    """An integration reading lists with filters and search."""

    weight = 4
    wait_time = between(0.5, 2)

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


class Storekeeper(HttpUser):
    """Receives goods: creates a receipt of one or two lines and posts it."""

    weight = 2
    wait_time = between(1, 4)

    def on_start(self) -> None:
        self.headers = token_headers("storekeeper")
        parts = results(
            self.client.get("/api/parts/?assembly=false", headers=self.headers, name="api: parts")
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


class Planner(HttpUser):
    """Asks how many of an assembly the stock can build."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.headers = token_headers("planner")
        assemblies = self.client.get(
            "/api/parts/?assembly=true", headers=self.headers, name="api: parts"
        )
        self.assembly_ids = [p["id"] for p in results(assemblies)]

    @task
    def buildable(self) -> None:
        if self.assembly_ids:
            part = random.choice(self.assembly_ids)
            self.client.get(
                f"/api/parts/{part}/buildable/", headers=self.headers, name="api: buildable"
            )


class ApiListCeiling(HttpUser):
    """A typical API list requested back to back: compared with /health/live's ceiling."""

    wait_time = between(0, 0)

    def on_start(self) -> None:
        self.headers = token_headers("viewer")

    @task
    def parts(self) -> None:
        self.client.get("/api/parts/", headers=self.headers, name="api: parts (back to back)")


class HealthProbe(HttpUser):
    """The bare liveness view: the most requests per second this machine serves."""

    # Only in the ceiling phase: run.py names the classes of each phase.
    wait_time = between(0, 0)

    @task
    def live(self) -> None:
        self.client.get("/health/live", name="health: live")
