"""Two admin users saving at the same moment cannot together close a loop (PostgreSQL).

Each save is slowed down between its check and its write, so without the advisory locks
(services.lock_category_tree, services.lock_bom_structure) both checks would pass and both
writes would land, making a loop. With the locks the second request waits, then sees the first
one's change and is refused with the loop named.
"""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from inventory.models import BomLine, Category
from tests.factories import AssemblyFactory, CategoryFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PAUSE = 0.4  # seconds between the check and the write of each save
LINE = {"quantity": "1", "position": "0"}


def _post_together(requests: list[tuple[str, dict]]) -> list[int]:
    """POST each (url, data) from its own thread and admin session at the same moment."""
    admin = UserFactory(is_staff=True, is_superuser=True)
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = []

    def post(url: str, data: dict) -> None:
        client = Client()
        client.force_login(admin)
        try:
            barrier.wait(timeout=10)
            statuses.append(client.post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=request) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(statuses)


def _slowed(original):
    def save(self, *args, **kwargs):
        time.sleep(PAUSE)
        return original(self, *args, **kwargs)

    return save


def test_two_category_moves_that_together_make_a_loop_cannot_both_be_saved(monkeypatch):
    robots, tools = CategoryFactory(name="Robots"), CategoryFactory(name="Tools")
    monkeypatch.setattr(Category, "save", _slowed(Category.save))

    statuses = _post_together(
        [
            (
                reverse("admin:inventory_category_change", args=[robots.pk]),
                {"name": "Robots", "parent": str(tools.pk)},
            ),
            (
                reverse("admin:inventory_category_change", args=[tools.pk]),
                {"name": "Tools", "parent": str(robots.pk)},
            ),
        ]
    )

    assert statuses == [200, 302]  # one saved and redirected, one shown again with the error
    parents = dict(Category.objects.values_list("name", "parent__name"))
    assert sorted(parents.values(), key=str) in ([None, "Robots"], [None, "Tools"])


def test_two_bom_lines_that_together_close_a_cycle_cannot_both_be_added(monkeypatch):
    arm, wrist = AssemblyFactory(sku="ARM-101"), AssemblyFactory(sku="WRIST-01")
    monkeypatch.setattr(BomLine, "save", _slowed(BomLine.save))
    url = reverse("admin:inventory_bomline_add")

    statuses = _post_together(
        [
            (url, {"assembly": str(arm.pk), "component": str(wrist.pk), **LINE}),
            (url, {"assembly": str(wrist.pk), "component": str(arm.pk), **LINE}),
        ]
    )

    assert statuses == [200, 302]
    assert BomLine.objects.count() == 1
