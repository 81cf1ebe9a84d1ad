"""A person's walk through Partline in a real browser: every page opens without errors.

Every page listed in tests/e2e/pages.py is opened, checked and screenshotted to
var/screenshots/<name>.png (kept as CI artifacts).
"""

import pytest

from tests.e2e.pages import PAGES, resolve_path

pytestmark = pytest.mark.e2e


def test_a_person_logs_in_and_lands_on_the_dashboard(session_for):
    session = session_for(None)
    session.login("viewer")
    assert session.page.url.rstrip("/") == session.base_url.rstrip("/")
    assert session.page.locator("header .userbox").inner_text().startswith("viewer")
    session.screenshot("login-landing")
    session.assert_no_errors("login")


def test_a_wrong_password_keeps_the_person_on_the_login_page(session_for):
    session = session_for(None)
    session.login("viewer", password="not-the-password")
    assert "/accounts/login/" in session.page.url
    assert "didn't match" in session.page.content()


def test_every_page_opens_without_console_errors_and_is_screenshotted(session_for):
    sessions = {}
    for page in PAGES:
        session = sessions.get(page.role) or sessions.setdefault(page.role, session_for(page.role))
        path = resolve_path(page.path)
        session.open(path)
        assert page.expect in session.page.content(), f"{page.name} ({path}) lacks {page.expect!r}"
        session.screenshot(page.name)
        session.assert_no_errors(f"{page.name} ({path})")
