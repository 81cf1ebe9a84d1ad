"""factory-boy factories: one per model, shared by every test."""

import datetime
from datetime import UTC
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from analytics.geo.cells import cell_of
from analytics.models import (
    DowntimeEvent,
    ForecastModel,
    LineProduct,
    OeeDaily,
    Prediction,
    ProductionLine,
    ProductionRun,
    ShiftCalendar,
    ShiftWindow,
)
from config.models import ReportJob
from inventory.models import (
    BomLine,
    BomRevision,
    Category,
    Manufacturer,
    Part,
    Supplier,
    SupplierPart,
)
from warehouse.choices import DocumentType, LocationKind, RackFace
from warehouse.models import (
    Asset,
    Connection,
    DocumentLine,
    DocumentSequence,
    IdempotencyRecord,
    Location,
    RackPlacement,
    StockDocument,
    StockLevel,
    StockMove,
    StockVerification,
    Warehouse,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs) -> None:
        """UserFactory(role="storekeeper") puts the user in that role group."""
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")


class ManufacturerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Manufacturer

    name = factory.Sequence(lambda n: f"Manufacturer {n}")
    website = "https://example.com"


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Part

    sku = factory.Sequence(lambda n: f"PART-{n:05d}")
    name = factory.Sequence(lambda n: f"Part {n}")
    unit_cost = Decimal("1.00")


class AssemblyFactory(PartFactory):
    sku = factory.Sequence(lambda n: f"ASM-{n:05d}")
    is_assembly = True
    is_purchased = False
    unit_cost = Decimal("0")


class DevicePartFactory(PartFactory):
    """A rack-mountable device model."""

    sku = factory.Sequence(lambda n: f"DEV-{n:05d}")
    device_type = "server"
    height_u = 1
    width_class = "full"
    depth_mm = 700
    is_full_depth = True
    weight_kg = Decimal("15.00")
    power_w = Decimal("300.0")
    heat_btu_h = Decimal("1023.6")
    airflow = "front_to_back"


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    name = factory.Sequence(lambda n: f"Supplier {n}")
    code = factory.Sequence(lambda n: f"SUP{n}")


class SupplierPartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierPart

    supplier = factory.SubFactory(SupplierFactory)
    part = factory.SubFactory(PartFactory)
    price = Decimal("1.00")
    moq = Decimal("1")
    pack_size = Decimal("1")
    lead_time_days = 7


class BomLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BomLine

    assembly = factory.SubFactory(AssemblyFactory)
    component = factory.SubFactory(PartFactory)
    quantity = Decimal("1")


class BomRevisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BomRevision
        django_get_or_create = ("id",)

    id = 1
    number = 0


class WarehouseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"WH{n}")
    name = factory.Sequence(lambda n: f"Warehouse {n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    warehouse = factory.SubFactory(WarehouseFactory)
    code = factory.Sequence(lambda n: f"BIN-{n:04d}")
    kind = LocationKind.BIN


class RackFactory(LocationFactory):
    code = factory.Sequence(lambda n: f"RACK-{n:03d}")
    kind = LocationKind.RACK
    rack_height_u = 42
    rack_width = 19
    rack_depth_mm = 1000
    max_weight_kg = Decimal("1000")
    max_power_w = Decimal("10000")
    cooling_capacity_btu_h = Decimal("40000")
    max_inlet_temp_c = Decimal("27")
    ambient_temp_c = Decimal("21")


class StockLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockLevel

    location = factory.SubFactory(LocationFactory)
    part = factory.SubFactory(PartFactory)
    quantity = Decimal("10")


class DocumentSequenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentSequence

    doc_type = DocumentType.RECEIPT
    year = 2026
    last_number = 0


class StockDocumentFactory(factory.django.DjangoModelFactory):
    """A bare DRAFT document row; tests that post use the services to create documents."""

    class Meta:
        model = StockDocument

    number = factory.Sequence(lambda n: f"TST-2026-{n:05d}")
    doc_type = DocumentType.RECEIPT


class DocumentLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DocumentLine

    document = factory.SubFactory(StockDocumentFactory)
    part = factory.SubFactory(PartFactory)
    quantity = Decimal("1")


class StockMoveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockMove

    document = factory.SubFactory(StockDocumentFactory)
    location = factory.SubFactory(LocationFactory)
    part = factory.SubFactory(PartFactory)
    quantity = Decimal("1")
    balance_after = Decimal("1")


class IdempotencyRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdempotencyRecord

    key = factory.Sequence(lambda n: f"key-{n}")
    scope = "documents.post"
    request_hash = "0" * 64
    response_status = 200
    response_body = factory.LazyFunction(dict)


class StockVerificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockVerification

    started_at = factory.Faker("date_time_this_year", tzinfo=__import__("datetime").timezone.utc)
    finished_at = factory.LazyAttribute(lambda o: o.started_at)


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    part = factory.SubFactory(DevicePartFactory)
    name = factory.Sequence(lambda n: f"host{n:03d}")
    serial_number = factory.Sequence(lambda n: f"SN{n:08d}")


class RackPlacementFactory(factory.django.DjangoModelFactory):
    """A bare placement row; tests of the rules use the placement service."""

    class Meta:
        model = RackPlacement

    asset = factory.SubFactory(AssetFactory)
    rack = factory.SubFactory(RackFactory)
    start_u = 1
    face = RackFace.FRONT
    height_u = factory.LazyAttribute(lambda o: o.asset.part.height_u or 1)
    is_full_depth = factory.LazyAttribute(lambda o: o.asset.part.is_full_depth)


class ConnectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Connection

    a_asset = factory.SubFactory(AssetFactory)
    a_port = "eth0"
    b_asset = factory.SubFactory(AssetFactory)
    b_port = factory.Sequence(lambda n: f"port{n}")


class ShiftCalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShiftCalendar

    name = factory.Sequence(lambda n: f"Calendar {n}")


class ShiftWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShiftWindow

    calendar = factory.SubFactory(ShiftCalendarFactory)
    weekday = 0
    start = datetime.time(6, 0)
    end = datetime.time(14, 0)
    break_minutes = 30


class ProductionLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductionLine
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"LINE-{n}")
    name = factory.Sequence(lambda n: f"Line {n}")


class LineProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LineProduct

    line = factory.SubFactory(ProductionLineFactory)
    part = factory.SubFactory(AssemblyFactory)
    ideal_cycle_seconds = Decimal("30")


def _shift_start(n: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC) + datetime.timedelta(days=n)


class ProductionRunFactory(factory.django.DjangoModelFactory):
    """A valid shift (8 h, 7 h planned, 6 h run, 600 × 30 s ideal, 590 good); the day is the
    start's date. Made directly: tests of the services call run_record instead."""

    class Meta:
        model = ProductionRun

    product = factory.SubFactory(LineProductFactory)
    line = factory.SelfAttribute("product.line")
    shift_start = factory.Sequence(_shift_start)
    shift_end = factory.LazyAttribute(lambda o: o.shift_start + datetime.timedelta(hours=8))
    day = factory.LazyAttribute(lambda o: o.shift_start.date())
    planned_seconds = 7 * 3600
    run_seconds = 6 * 3600
    ideal_cycle_seconds = factory.SelfAttribute("product.ideal_cycle_seconds")
    total_count = 600
    good_count = 590


class DowntimeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DowntimeEvent

    line = factory.SubFactory(ProductionLineFactory)
    start = factory.Sequence(_shift_start)
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(minutes=20))
    day = factory.LazyAttribute(lambda o: o.start.date())
    seconds = factory.LazyAttribute(lambda o: int((o.end - o.start).total_seconds()))
    reason = "jam"
    category = "small_stop"


class OeeDailyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OeeDaily

    line = factory.SubFactory(ProductionLineFactory)
    date = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))


class ForecastModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ForecastModel

    line = factory.SubFactory(ProductionLineFactory)
    method = "seasonal_naive"
    train_from = datetime.date(2026, 1, 5)
    train_to = datetime.date(2026, 3, 6)
    training_days = 45
    backtest = factory.LazyFunction(
        lambda: {"seasonal_naive": {"1": {"mae": 0.05, "mase": 1.0, "rmse": 0.06}}}
    )
    note = "Seasonal naive is shown."


class PredictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prediction

    model = factory.SubFactory(ForecastModelFactory)
    line = factory.SelfAttribute("model.line")
    made_on = datetime.date(2026, 3, 6)
    target_date = factory.Sequence(lambda n: datetime.date(2026, 3, 9) + datetime.timedelta(n))
    horizon = 1
    value = 0.7
    lower80 = 0.62
    upper80 = 0.78
    lower95 = 0.58
    upper95 = 0.82


class ReportJobFactory(factory.django.DjangoModelFactory):
    """A finished CSV report with its file (nobody's: only a superuser may see it)."""

    class Meta:
        model = ReportJob

    kind = "oee_daily"
    parameters = factory.LazyFunction(
        lambda: {"date_from": "2026-03-01", "date_to": "2026-03-31", "line": None}
    )
    status = ReportJob.Status.DONE
    progress = 100
    result = factory.django.FileField(filename="oee-plant.csv", data=b"line,date\n")


# --- analytics.geo: the order map (a city around 52.5 N 13.4 E, ~40 × 40 km)


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "analytics.City"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"CT{n:03d}")
    name = factory.LazyAttribute(lambda o: f"City {o.code}")
    min_latitude = 52.3
    max_latitude = 52.7
    min_longitude = 13.1
    max_longitude = 13.7


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "analytics.Vendor"

    code = factory.Sequence(lambda n: f"V{n:05d}")
    name = factory.LazyAttribute(lambda o: f"Vendor {o.code}")
    city = factory.SubFactory(CityFactory)
    latitude = 52.5
    longitude = 13.4
    grade = "A"
    business_line = "food"
    radius_km = Decimal("3")


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "analytics.Order"

    order_id = factory.Sequence(lambda n: f"O{n:07d}")
    vendor = factory.SubFactory(VendorFactory)
    city = factory.LazyAttribute(lambda o: o.vendor.city)
    business_line = "food"
    created_at = factory.Faker("date_time_this_month", tzinfo=UTC)
    latitude = 52.51
    longitude = 13.41
    user_id = factory.Sequence(lambda n: f"U{n % 50}")
    is_organic = False
    cell = factory.LazyAttribute(lambda o: cell_of(o.latitude, o.longitude))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Orders are written with their OrderKey, as the refresh writes them (unique ids)."""
        from analytics.geo.models import OrderKey

        order = super()._create(model_class, *args, **kwargs)
        OrderKey.objects.create(
            order_id=order.order_id, city_id=order.city_id, created_at=order.created_at
        )
        return order


class MarketingAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "analytics.MarketingArea"

    name = factory.Sequence(lambda n: f"Area {n}")
    city = factory.SubFactory(CityFactory)
    geojson = {
        "type": "Polygon",
        "coordinates": [
            [[13.3, 52.45], [13.5, 52.45], [13.5, 52.55], [13.3, 52.55], [13.3, 52.45]]
        ],
    }
    target_percent = Decimal("80")


class DataSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "analytics.DataSource"

    name = factory.Sequence(lambda n: f"source-{n}")
    kind = "vendors"
    source_type = "csv"
    url = "/nonexistent/vendors.csv"
