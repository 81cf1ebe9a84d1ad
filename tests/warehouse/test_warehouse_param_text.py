"""Odd text in ?warehouse= is refused readably on every page that takes it.

A NUL byte: PostgreSQL cannot compare text containing it, so the lookup itself must never run.
A "%": the message quotes the user's text, and forms %-format their messages.
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


@pytest.mark.parametrize("url", ["/warehouse/", "/warehouse/planner/", "/warehouse/documents/"])
@pytest.mark.parametrize("value", ["50%", "%(x)s", "²"])
def test_pages_quote_odd_warehouse_text_back_unchanged(client, url, value):
    client.force_login(UserFactory(role="manager"))
    assembly = AssemblyFactory()
    BomLineFactory(assembly=assembly)
    response = client.get(url, {"warehouse": value, "part": assembly.pk, "quantity": 1})
    assert response.status_code in (200, 400)
    assert "Unknown warehouse" in response.content.decode()
