"""Shared fixtures: API clients per role; every test leaves a ledger that verifies clean."""

import pytest
from django.core.cache import cache
from django.db import DatabaseError, connection
from rest_framework.test import APIClient

from tests.factories import UserFactory
from warehouse.selectors import stock_ledger_mismatches


@pytest.fixture(autouse=True)
def _clear_cache():
    _clear_own_cache_keys()
    yield
    _clear_own_cache_keys()


def _clear_own_cache_keys() -> None:
    # django-redis: delete only this worker's prefixed keys; locmem: clear the process cache.
    if hasattr(cache, "delete_pattern"):
        cache.delete_pattern("*")
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _ledger_verifies_clean(request):
    """After each database test, every stock level must equal the sum of its ledger moves."""
    uses_db = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in ("db", "transactional_db")
    )
    if uses_db and request.node.get_closest_marker("ledger_unchecked"):
        uses_db = False  # the test builds stock rows directly, on purpose
    if uses_db:
        # Open the database before this fixture so that the check runs before it is torn down.
        request.getfixturevalue("_django_db_helper")
    yield
    if not uses_db:
        return
    try:
        checked, mismatches = stock_ledger_mismatches()
    except DatabaseError:
        return  # the test broke its transaction and has failed already; don't report it twice
    assert mismatches == [], f"stock levels differ from the ledger: {mismatches}"


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user_in_role(db):
    def make(role: str | None, **kwargs):
        if role == "superuser":
            return UserFactory(is_superuser=True, is_staff=True, **kwargs)
        return UserFactory(role=role, is_staff=role == "manager", **kwargs)

    return make


@pytest.fixture
def client_for(db, user_in_role):
    """client_for("storekeeper") -> an APIClient logged in as a fresh user of that role."""

    def make(role: str | None) -> APIClient:
        client = APIClient()
        if role is not None:
            client.force_authenticate(user_in_role(role))
        return client

    return make


@pytest.fixture
def manager_client(client_for) -> APIClient:
    return client_for("manager")


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres run only when the default database is PostgreSQL."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
