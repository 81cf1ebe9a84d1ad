"""Quality-suite collection hooks: known bugs in others' code are xfail with the bug named."""

import pytest


def pytest_collection_modifyitems(config, items):
    from tests.quality.test_api_fuzz import KNOWN_BUGS

    for item in items:
        label = item.name.partition("[")[2].rstrip("]")
        # Known bugs concern what an authorised client can do; anonymous is refused before them.
        if label in KNOWN_BUGS and item.name.startswith("test_manager_"):
            item.add_marker(pytest.mark.xfail(reason=KNOWN_BUGS[label], strict=False))
