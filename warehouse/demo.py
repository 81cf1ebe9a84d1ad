"""Demo warehouses: two sites with a location tree and stock posted through real documents.

Opening balances are one ADJUSTMENT (a count); then a supplier receipt, a transfer to the
assembly site, a build of one SO-ARM100 follower arm and an issue give the ledger some history.
Each document carries an idempotency key, so running the loader again posts nothing twice.
A few parts are left at or below their reorder point on purpose.
"""

from decimal import Decimal
from typing import Any

from django.db import transaction

from inventory.models import Part
from warehouse.choices import DocumentStatus, DocumentType, LocationKind
from warehouse.models import Location, StockDocument, Warehouse
from warehouse.services import (
    document_create,
    document_post,
    location_create,
    warehouse_create,
)

WAREHOUSES = {
    "WH1": ("Main warehouse", "Unit 4, Harbour Road, Bristol"),
    "WH2": ("Assembly workshop", "Unit 7, Harbour Road, Bristol"),
}
# (warehouse, code, parent code or None, kind, name)
LOCATIONS = [
    ("WH1", "A", None, LocationKind.ZONE, "Components"),
    ("WH1", "A-01", "A", LocationKind.SHELF, "Shelf A-01"),
    ("WH1", "A-01-01", "A-01", LocationKind.BIN, "Servos"),
    ("WH1", "A-01-02", "A-01", LocationKind.BIN, "Electronics"),
    ("WH1", "A-01-03", "A-01", LocationKind.BIN, "Power"),
    ("WH1", "A-02", "A", LocationKind.SHELF, "Shelf A-02"),
    ("WH1", "A-02-01", "A-02", LocationKind.BIN, "Mechanical"),
    ("WH1", "A-02-02", "A-02", LocationKind.BIN, "Printed parts"),
    ("WH1", "B", None, LocationKind.ZONE, "Finished goods"),
    ("WH1", "B-01", "B", LocationKind.SHELF, "Shelf B-01"),
    ("WH2", "P", None, LocationKind.ZONE, "Production"),
    ("WH2", "P-01", "P", LocationKind.BIN, "Arm line side"),
    ("WH2", "P-02", "P", LocationKind.BIN, "Base line side"),
]
# sku: (WH1 location, counted quantity, unit cost, reorder point if the part has none)
OPENING = {
    "STS3215-7V4": ("A-01-01", "40", "14.00", "24"),
    "STS3215-12V": ("A-01-01", "6", "16.45", "4"),
    "WS-BUS-SERVO-A": ("A-01-02", "6", "11.00", "4"),
    "RPI5-4GB": ("A-01-02", "2", "60.00", "3"),
    "USB-CAM": ("A-01-02", "6", "31.99", "2"),
    "MICROSD-64": ("A-01-02", "5", "21.99", "3"),
    "PSU-5V-4A": ("A-01-03", "5", "10.00", "5"),
    "BATT-12V-5A": ("A-01-03", "1", "32.99", "2"),
    "DCDC-12V-5V": ("A-01-03", "3", "9.99", "2"),
    "DC-PLUG-12V": ("A-01-03", "3", "9.49", "2"),
    "USBC-CABLE-2PK": ("A-01-03", "8", "7.00", "4"),
    "WAGO-221-413": ("A-02-01", "20", "6.70", "10"),
    "SCREW-SET-M2M4": ("A-02-01", "3", "14.99", "2"),
    "STANDOFF-M3X50": ("A-02-01", "4", "5.99", "2"),
    "OMNI-WHEEL-4IN": ("A-02-01", "9", "9.99", "6"),
    "CLAMP-2PK": ("A-02-01", "4", "9.00", "2"),
    "SCREWDRIVER-SET": ("A-02-01", "2", "6.00", "1"),
    "SO100-PRINT-F": ("A-02-02", "3", "8.00", "2"),
    "SO100-PRINT-L": ("A-02-02", "2", "8.00", "1"),
    "LEKIWI-PRINT": ("A-02-02", "2", "12.00", "1"),
}
# Kit for one SO-ARM100 follower arm, moved to the arm line side in WH2.
ARM_KIT = {
    "STS3215-7V4": "12",
    "WS-BUS-SERVO-A": "2",
    "USBC-CABLE-2PK": "2",
    "PSU-5V-4A": "2",
    "SO100-PRINT-F": "2",
}


def _ensure_locations() -> dict[tuple[str, str], Location]:
    warehouses = {}
    for code, (name, address) in WAREHOUSES.items():
        warehouses[code] = Warehouse.objects.filter(code=code).first() or warehouse_create(
            code=code, name=name, address=address
        )
    locations: dict[tuple[str, str], Location] = {
        (loc.warehouse.code, loc.code): loc
        for loc in Location.objects.filter(warehouse__in=warehouses.values()).select_related(
            "warehouse"
        )
    }
    for wh, code, parent, kind, name in LOCATIONS:
        if (wh, code) not in locations:
            locations[(wh, code)] = location_create(
                warehouse=warehouses[wh],
                code=code,
                kind=kind,
                name=name,
                parent=locations[(wh, parent)] if parent else None,
            )
    return locations


def _post_once(key: str, **kwargs: Any) -> StockDocument:
    document = document_create(idempotency_key=key, user=None, **kwargs)
    if document.status == DocumentStatus.DRAFT:
        document = document_post(document=document, user=None)
    return document


@transaction.atomic
def load_demo_warehouse() -> str:
    """Create (or complete) the demo warehouses and their stock; returns a one-line summary."""
    parts = {p.sku: p for p in Part.objects.filter(sku__in=[*OPENING, "SO-ARM100-F"])}
    if not parts:
        return "warehouse: skipped (no demo parts; load the inventory demo first)"
    locations = _ensure_locations()
    for sku, (_, _, _, reorder_point) in OPENING.items():
        part = parts.get(sku)
        if part is not None and part.reorder_point == 0:
            part.reorder_point = Decimal(reorder_point)
            part.save(update_fields=["reorder_point", "updated_at"])

    documents = [
        _post_once(
            "demo-wh-opening",
            doc_type=DocumentType.ADJUSTMENT,
            note="Opening balances (demo).",
            lines=[
                {
                    "part": parts[sku],
                    "quantity": Decimal(quantity),
                    "to_location": locations[("WH1", code)],
                    "unit_cost": Decimal(cost),
                }
                for sku, (code, quantity, cost, _) in OPENING.items()
                if sku in parts
            ],
        )
    ]
    if "STS3215-7V4" in parts:
        documents.append(
            _post_once(
                "demo-wh-receipt-servos",
                doc_type=DocumentType.RECEIPT,
                partner="Alibaba Feetech Store",
                external_reference="PO-2026-0117",
                destination_location=locations[("WH1", "RECEIVING")],
                lines=[
                    {
                        "part": parts["STS3215-7V4"],
                        "quantity": Decimal("20"),
                        "unit_cost": Decimal("13.20"),
                    }
                ],
            )
        )
    kit = [sku for sku in ARM_KIT if sku in parts]
    if kit:
        documents.append(
            _post_once(
                "demo-wh-transfer-arm-kit",
                doc_type=DocumentType.TRANSFER,
                note="Kit for the arm line.",
                destination_location=locations[("WH2", "P-01")],
                lines=[
                    {
                        "part": parts[sku],
                        "quantity": Decimal(ARM_KIT[sku]),
                        "from_location": locations[("WH1", OPENING[sku][0])],
                    }
                    for sku in kit
                ],
            )
        )
    arm = parts.get("SO-ARM100-F")
    if arm is not None and arm.is_assembly and len(kit) == len(ARM_KIT):
        documents.append(
            _post_once(
                "demo-wh-build-arm",
                doc_type=DocumentType.BUILD,
                lines=[],
                build_part=arm,
                build_quantity=Decimal("1"),
                source_location=locations[("WH2", "P-01")],
                destination_location=locations[("WH2", "P-01")],
                note="First follower arm (demo).",
            )
        )
    if "USB-CAM" in parts:
        documents.append(
            _post_once(
                "demo-wh-issue-cameras",
                doc_type=DocumentType.ISSUE,
                partner="R&D bench",
                source_location=locations[("WH1", "A-01-02")],
                lines=[{"part": parts["USB-CAM"], "quantity": Decimal("3")}],
            )
        )
    return (
        f"warehouse: {len(WAREHOUSES)} warehouses, {len(locations)} locations, "
        f"{len(documents)} posted documents"
    )
