"""Demo inventory: the SO-ARM100 arms and the LeKiwi mobile base, with categories and suppliers.

The BOM comes from ``inventory/demo_data/bom.csv`` (transcribed from the projects' published
BOM tables) and goes through the same import service as ``manage.py import_bom``. Running the
loader again changes nothing.
"""

from decimal import Decimal
from pathlib import Path

from django.db import transaction

from inventory.imports.bom import bom_import_csv
from inventory.models import Category, Manufacturer, Part, Supplier, SupplierPart

BOM_CSV = Path(__file__).resolve().parent / "demo_data" / "bom.csv"

CATEGORIES = {
    "Robots": ["Arms", "Mobile robots"],
    "Sub-assemblies": [],
    "Actuators": ["Servos"],
    "Electronics": ["Controllers", "Computers", "Cameras", "Power", "Cables and connectors"],
    "Mechanical": ["Printed parts", "Fasteners", "Wheels", "Clamps"],
    "Tools": [],
}

MANUFACTURERS = {
    "Feetech": "https://www.feetechrc.com",
    "Waveshare": "https://www.waveshare.com",
    "Raspberry Pi": "https://www.raspberrypi.com",
    "WAGO": "https://www.wago.com",
    "The Robot Studio": "https://www.therobotstudio.com",
    "Arducam": "https://www.arducam.com",
    "SanDisk": "https://www.sandisk.com",
}

# sku: (category, manufacturer or "", MPN)
PART_DETAILS = {
    "SO-ARM100-F": ("Arms", "The Robot Studio", "SO-ARM100-FOLLOWER"),
    "SO-ARM100-L": ("Arms", "The Robot Studio", "SO-ARM100-LEADER"),
    "LEKIWI-12V": ("Mobile robots", "", ""),
    "LEKIWI-BASE-12V": ("Sub-assemblies", "", ""),
    "STS3215-7V4": ("Servos", "Feetech", "STS3215-C001"),
    "STS3215-12V": ("Servos", "Feetech", "STS3215-C018"),
    "WS-BUS-SERVO-A": ("Controllers", "Waveshare", "Bus Servo Adapter (A)"),
    "RPI5-4GB": ("Computers", "Raspberry Pi", "SC1111"),
    "USB-CAM": ("Cameras", "Arducam", "B0196"),
    "MICROSD-64": ("Computers", "SanDisk", "SDSQUA4-064G"),
    "PSU-5V-4A": ("Power", "", ""),
    "BATT-12V-5A": ("Power", "", ""),
    "DCDC-12V-5V": ("Power", "", ""),
    "DC-PLUG-12V": ("Cables and connectors", "", ""),
    "USBC-CABLE-2PK": ("Cables and connectors", "", ""),
    "WAGO-221-413": ("Cables and connectors", "WAGO", "221-413"),
    "SCREW-SET-M2M4": ("Fasteners", "", ""),
    "STANDOFF-M3X50": ("Fasteners", "", ""),
    "OMNI-WHEEL-4IN": ("Wheels", "", ""),
    "CLAMP-2PK": ("Clamps", "", ""),
    "SCREWDRIVER-SET": ("Tools", "", ""),
    "SO100-PRINT-F": ("Printed parts", "", ""),
    "SO100-PRINT-L": ("Printed parts", "", ""),
    "LEKIWI-PRINT": ("Printed parts", "", ""),
}

# Top-level assemblies never appear as components in the CSV, so the import names them by SKU.
ASSEMBLY_NAMES = {
    "SO-ARM100-L": "SO-ARM100 leader arm",
    "LEKIWI-12V": "LeKiwi mobile manipulator 12 V",
}
# Own lead times (days) of parts bought ad hoc or printed in-house, used when no supplier part.
LEAD_TIMES = {"printed": 2, "purchased": 7}

SUPPLIERS = {
    "ALI": {
        "name": "Alibaba Feetech Store",
        "website": "https://feetech.en.alibaba.com",
        "email": "sales@feetech.example",
    },
    "DIGIKEY": {
        "name": "DigiKey",
        "website": "https://www.digikey.com",
        "email": "orders@digikey.example",
    },
}

# (supplier code, sku): (supplier sku, price, moq, pack size, lead time days, preferred)
SUPPLIER_PARTS = {
    ("ALI", "STS3215-7V4"): ("STS3215-7.4V", "13.20", "10", "10", 21, True),
    ("ALI", "STS3215-12V"): ("STS3215-12V", "15.60", "10", "10", 21, True),
    ("ALI", "WS-BUS-SERVO-A"): ("BUS-SERVO-ADAPTER-A", "9.80", "5", "5", 21, False),
    ("ALI", "OMNI-WHEEL-4IN"): ("OMNI-100MM", "8.50", "6", "3", 25, True),
    ("ALI", "USBC-CABLE-2PK"): ("USBC-1M-2PK", "5.40", "10", "1", 18, False),
    ("DIGIKEY", "STS3215-7V4"): ("1528-STS3215-ND", "15.95", "1", "1", 4, False),
    ("DIGIKEY", "WS-BUS-SERVO-A"): ("1738-BUSSERVO-A-ND", "11.00", "1", "1", 3, True),
    ("DIGIKEY", "RPI5-4GB"): ("2648-SC1111-ND", "60.00", "1", "1", 3, True),
    ("DIGIKEY", "MICROSD-64"): ("SDSQUA4-064G-ND", "11.99", "1", "1", 3, True),
    # The BOM's WAGO line (one per base, 6.70) is a bag of 10 connectors: offered by the bag.
    ("DIGIKEY", "WAGO-221-413"): ("2946-221-413-10-ND", "6.70", "1", "1", 3, True),
    ("DIGIKEY", "PSU-5V-4A"): ("1470-PSU5V4A-ND", "10.50", "1", "1", 3, True),
    ("DIGIKEY", "USBC-CABLE-2PK"): ("USBC-2PK-ND", "7.00", "1", "1", 3, True),
    ("DIGIKEY", "DCDC-12V-5V"): ("DCDC-12-5-5A-ND", "9.99", "1", "1", 5, True),
    ("DIGIKEY", "BATT-12V-5A"): ("BATT-12V5A-ND", "32.99", "1", "1", 7, True),
}


@transaction.atomic
def load_demo_inventory() -> str:
    """Load (or refresh) the demo parts, BOMs, categories, manufacturers and suppliers."""
    categories: dict[str, Category] = {}
    for root, children in CATEGORIES.items():
        categories[root], _ = Category.objects.get_or_create(parent=None, name=root)
        for child in children:
            categories[child], _ = Category.objects.get_or_create(
                parent=categories[root], name=child
            )
    manufacturers = {}
    for name, website in MANUFACTURERS.items():
        manufacturers[name], _ = Manufacturer.objects.get_or_create(
            name=name, defaults={"website": website}
        )
    result = bom_import_csv(content=BOM_CSV.read_bytes())
    parts = {p.sku: p for p in Part.objects.filter(sku__in=PART_DETAILS)}
    for sku, (category, manufacturer, mpn) in PART_DETAILS.items():
        part = parts.get(sku)
        if part is None:
            continue
        wanted = {
            "category": categories[category],
            "manufacturer": manufacturers.get(manufacturer),
            "mpn": mpn,
        }
        if sku in ASSEMBLY_NAMES and part.name == part.sku:
            wanted["name"] = ASSEMBLY_NAMES[sku]
        if not part.is_assembly and part.lead_time_days == 0:
            kind = "purchased" if part.is_purchased else "printed"
            wanted["lead_time_days"] = LEAD_TIMES[kind]
        if any(getattr(part, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(part, k, v)
            part.save(update_fields=[*wanted, "updated_at"])
    suppliers = {}
    for code, fields in SUPPLIERS.items():
        suppliers[code], _ = Supplier.objects.get_or_create(code=code, defaults=fields)
    for (code, sku), (supplier_sku, price, moq, pack, lead, preferred) in SUPPLIER_PARTS.items():
        if sku in parts:
            SupplierPart.objects.get_or_create(
                supplier=suppliers[code],
                part=parts[sku],
                defaults={
                    "supplier_sku": supplier_sku,
                    "price": Decimal(price),
                    "moq": Decimal(moq),
                    "pack_size": Decimal(pack),
                    "lead_time_days": lead,
                    "is_preferred": preferred,
                },
            )
    # Only the demo's own parts are counted: other loaders (racks) add parts of their own, and
    # the line must read the same on the first run and on a re-run.
    assemblies = sum(1 for part in parts.values() if part.is_assembly)
    return (
        f"inventory: {len(parts)} parts, {assemblies} assemblies, {result.rows} BOM lines "
        f"({result.lines_created} created), {len(suppliers)} suppliers"
    )
