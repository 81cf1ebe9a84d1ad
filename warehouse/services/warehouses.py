"""Warehouses and their location trees, and the receiving location every warehouse has."""

from django.db import transaction

from warehouse.choices import LocationKind
from warehouse.models import Location, Warehouse
from warehouse.services.errors import StockError

DEFAULT_RECEIVING_CODE = "RECEIVING"


@transaction.atomic
def warehouse_create(*, code: str, name: str, address: str = "") -> Warehouse:
    """Create a warehouse together with its default receiving location."""
    warehouse = Warehouse(code=code.strip(), name=name.strip(), address=address)
    warehouse.full_clean()
    warehouse.save()
    Location.objects.create(
        warehouse=warehouse,
        code=DEFAULT_RECEIVING_CODE,
        name="Receiving",
        kind=LocationKind.RECEIVING,
        is_default_receiving=True,
    )
    return warehouse


def default_receiving_location(*, warehouse: Warehouse) -> Location:
    """The warehouse's receiving location (created if a warehouse was made without one)."""
    location = Location.objects.filter(warehouse=warehouse, is_default_receiving=True).first()
    if location is not None:
        return location
    with transaction.atomic():
        location, _ = Location.objects.get_or_create(
            warehouse=warehouse,
            code=DEFAULT_RECEIVING_CODE,
            defaults={
                "name": "Receiving",
                "kind": LocationKind.RECEIVING,
                "is_default_receiving": True,
            },
        )
    return location


@transaction.atomic
def location_create(
    *,
    warehouse: Warehouse,
    code: str,
    kind: str = LocationKind.BIN,
    name: str = "",
    parent: Location | None = None,
) -> Location:
    """Create a location in the tree of one warehouse; the parent must be in the same one."""
    if parent is not None and parent.warehouse_id != warehouse.pk:
        raise StockError(f"Parent location {parent} is in another warehouse than {warehouse.code}.")
    location = Location(warehouse=warehouse, code=code.strip(), kind=kind, name=name, parent=parent)
    location.full_clean()
    location.save()
    return location
