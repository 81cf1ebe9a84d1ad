"""Fixtures shared by the operations tests."""

import copy

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend


@pytest.fixture
def unreachable_database(db):
    """Swap the default connection for a real one to an address where nothing answers."""
    original = connections[DEFAULT_DB_ALIAS]
    settings_dict = copy.deepcopy(original.settings_dict)
    if original.vendor == "postgresql":
        settings_dict.update(HOST="127.0.0.1", PORT="1")  # nothing listens on port 1
    else:
        settings_dict["NAME"] = "/nonexistent-dir/partline.sqlite3"
    broken = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = broken
    yield
    broken.close()
    connections[DEFAULT_DB_ALIAS] = original
