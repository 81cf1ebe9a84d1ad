"""The Warehouse sub-navigation: on every warehouse page, listing only pages the user may open."""

import re

import pytest
from django.urls import reverse

from tests.factories import RackFactory

pytestmark = pytest.mark.django_db


def _subnav_labels(html: str) -> list[str]:
    nav = re.search(r'<nav class="subnav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "page has no warehouse sub-navigation"
    return re.findall(r">([^<>]+)</a>", nav.group(1))


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("viewer", ["Stock", "Documents", "Planner", "Racks"]),
        ("planner", ["Stock", "Documents", "Planner", "Racks"]),
        ("storekeeper", ["Stock", "Documents", "New document", "Planner", "Racks"]),
        ("manager", ["Stock", "Documents", "New document", "Planner", "Racks"]),
    ],
)
def test_new_document_is_offered_only_to_roles_that_may_create_one(
    client, user_in_role, role, expected
):
    client.force_login(user_in_role(role))
    html = client.get(reverse("warehouse:document-list")).content.decode()
    assert _subnav_labels(html) == expected


def test_the_link_it_offers_opens_for_that_user(client, user_in_role):
    client.force_login(user_in_role("viewer"))
    html = client.get(reverse("warehouse:stock-overview")).content.decode()
    hrefs = re.findall(
        r'href="([^"]+)"', re.search(r"<nav class=\"subnav\".*?</nav>", html, re.S).group(0)
    )
    assert hrefs and all(client.get(href).status_code == 200 for href in hrefs)


def test_planner_and_rack_pages_carry_the_subnav_with_their_own_entry_marked(client, user_in_role):
    client.force_login(user_in_role("manager"))
    rack = RackFactory()
    for url, active in [
        (reverse("warehouse:planner"), "Planner"),
        (reverse("warehouse:rack-list"), "Racks"),
        (reverse("warehouse:rack-detail", args=[rack.pk]), "Racks"),
        (reverse("warehouse:rack-optimise", args=[rack.pk]), "Racks"),
    ]:
        html = client.get(url).content.decode()
        assert _subnav_labels(html), url
        assert re.search(rf'class="active" aria-current="page">{active}</a>', html), url
