"""Pages scale with the data: with 50,000 parts (and thousands of bins and rack devices) every
page of tests/e2e/pages.py stays under 1 MB, because no page lists an unbounded table (pickers
search as you type; lists paginate).

The big catalogue is written once per module with bulk inserts inside one transaction that is
rolled back at the end, so the other tests never see it.
"""

from collections.abc import Iterator
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from inventory.models import Part
from tests.e2e.pages import PAGES, resolve_path
from warehouse.choices import LocationKind
from warehouse.models import Asset, Location, Warehouse

PART_COUNT = 50_000
BIN_COUNT = 25_000  # a select of every location would pass 1 MB on its own
DEVICE_COUNT = 5_000
PAGE_LIMIT = 1_000_000  # bytes


def _bulk_catalogue() -> None:
    # Every tenth part an assembly: the planner's and the BUILD form's assembly pickers grow too.
    Part.objects.bulk_create(
        (
            Part(sku=f"BULK-{n:06d}", name=f"Bulk catalogue part {n}", is_assembly=n % 10 == 0)
            for n in range(PART_COUNT)
        ),
        batch_size=5_000,
    )
    warehouse = Warehouse.objects.order_by("pk").first()
    Location.objects.bulk_create(
        (
            Location(warehouse=warehouse, code=f"BULK-BIN-{n:05d}", kind=LocationKind.BIN)
            for n in range(BIN_COUNT)
        ),
        batch_size=5_000,
    )
    # Unplaced rack devices: the rack page's "place a device" picker.
    device_model = Part.objects.filter(height_u__isnull=False).order_by("pk").first()
    Asset.objects.bulk_create(
        (
            Asset(part=device_model, name=f"bulk-device-{n:05d}", serial_number=f"BULK-SN-{n}")
            for n in range(DEVICE_COUNT)
        ),
        batch_size=5_000,
    )


@pytest.fixture(scope="module")
def big_catalogue(django_db_setup, django_db_blocker) -> Iterator[None]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", stdout=StringIO())
            _bulk_catalogue()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_every_page_stays_under_one_megabyte_with_fifty_thousand_parts(big_catalogue, db, page):
    username = "admin" if page.role == "admin" else page.role
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    path = resolve_path(page.path)
    response = client.get(path)
    assert response.status_code == 200, f"{page.name} ({path}) answered {response.status_code}"
    size = len(response.content)
    assert size < PAGE_LIMIT, f"{page.name} ({path}) is {size:,} bytes with {PART_COUNT:,} parts"
