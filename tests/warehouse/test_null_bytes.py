"""A NUL byte in ?warehouse= is refused readably on every page and API that takes it.

PostgreSQL cannot compare text containing NUL, so the lookup itself must never run.
"""

import pytest

from tests.factories import AssemblyFactory, BomLineFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/warehouse/", "/warehouse/planner/", "/warehouse/documents/"])
def test_pages_show_the_error_instead_of_failing(client, url):
    client.force_login(UserFactory(role="manager"))
    assembly = AssemblyFactory()
    BomLineFactory(assembly=assembly)
    response = client.get(url, {"warehouse": "WH\x00", "part": assembly.pk, "quantity": 1})
    assert response.status_code in (200, 400)
    assert "Null characters are not allowed." in response.content.decode()
