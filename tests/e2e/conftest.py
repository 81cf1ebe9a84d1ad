"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Chromium comes from `apt-get install chromium` (.ci/run installs it); Playwright's own browser
downloads are never used. Without /usr/bin/chromium the tests fail in CI (CI=true) and skip on a
developer's machine, saying how to install it.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DEMO_PASSWORD = "partline-demo"


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        message = f"Chromium not found at {CHROMIUM}: run `apt-get install -y chromium`."
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db) -> None:
    """The demo data and logins (admin and one user per role, password partline-demo)."""
    from django.core.management import call_command

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


class BrowserSession:
    """One browser context logged in as a demo user, collecting console and page errors."""

    def __init__(self, browser, base_url: str) -> None:
        self.base_url = base_url
        self.context = browser.new_context(
            base_url=base_url, viewport={"width": 1280, "height": 900}
        )
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        # Destructive buttons ask window.confirm (static/js/confirm.js); Playwright would
        # dismiss the dialog and so cancel the click: answer yes, as the user clicking meant.
        self.page.on("dialog", lambda dialog: dialog.accept())
        self.context.on("response", self._on_response)

    def _on_console(self, message) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            self.errors.append(f"console error: {message.text} ({where})")

    def _on_response(self, response) -> None:
        # Names the resource behind a "Failed to load resource" console error.
        if response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def login(self, username: str, password: str = DEMO_PASSWORD) -> None:
        self.page.goto("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state("networkidle")

    def open(self, path: str) -> None:
        response = self.page.goto(path)
        assert response is not None and response.ok, (
            f"{path} answered {response and response.status}"
        )
        self.page.wait_for_load_state("networkidle")

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_no_errors(self, where: str) -> None:
        errors, self.errors = self.errors, []
        assert not errors, f"Errors in the browser on {where}:\n" + "\n".join(errors)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session_for(browser, live_server, demo):
    """session_for("storekeeper") -> a BrowserSession logged in as that demo user."""
    opened: list[BrowserSession] = []

    def make(username: str | None) -> BrowserSession:
        session = BrowserSession(browser, live_server.url)
        opened.append(session)
        if username:
            session.login(username)
        return session

    yield make
    for session in opened:
        session.close()
