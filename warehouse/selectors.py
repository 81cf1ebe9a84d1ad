"""Stock reads that need care: on hand, totals, valuation, the ledger check, dashboard figures."""

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Round
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from config.errors import DomainError

# format_quantity is also imported from here by warehouse.services (config.numbers is its home).
from config.numbers import FOUR_PLACES, format_quantity, from_db
from inventory.models import Part
from warehouse.choices import DocumentStatus
from warehouse.models import (
    Location,
    PartValuation,
    StockDocument,
    StockLevel,
    StockMove,
    StockVerification,
    Warehouse,
)

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=20, decimal_places=4)
VERIFICATION_MAX_AGE = timedelta(hours=26)


def unit_cost_expression(part_path: str = "part") -> Coalesce:
    """The moving-average cost of a part, or its standard cost before its first receipt."""
    average = PartValuation.objects.filter(part_id=OuterRef(f"{part_path}_id")).values(
        "average_unit_cost"
    )[:1]
    return Coalesce(Subquery(average), F(f"{part_path}__unit_cost"), output_field=MONEY)


def stock_on_hand(
    *, part_ids: list[int] | None = None, warehouse: Warehouse | None = None
) -> dict[int, Decimal]:
    """Quantity on hand per part, in one warehouse or the whole company, in one query.

    The one on-hand read: pages, the planner and (registered in WarehouseConfig.ready()) the
    stock provider of inventory's part pages, which cannot import warehouse. Parts without a
    stock row are absent. With ``part_ids`` the ids travel as one parameter: a plan knows the
    parts below an assembly from its compiled BOM structure, up to 10,000 of them.
    """
    stock = connection.ops.quote_name(StockLevel._meta.db_table)
    locations = connection.ops.quote_name(Location._meta.db_table)
    params: list[Any] = []
    join = ""
    if part_ids is not None:
        # A join on the unnested ids, not "part_id = ANY(...)": PostgreSQL tests ANY by scanning
        # the whole array for every row, which is slow for a 10,000-part BOM. The ids travel as
        # one comma-separated string: psycopg's client-side binding quotes a Python list
        # element by element (~15 ms for 10,000 ids), a string at once.
        if connection.vendor == "postgresql":
            ids_sql = "unnest(string_to_array(%s, ',')::bigint[]) AS wanted(id)"
            params.append(",".join(str(int(pk)) for pk in part_ids))
        else:
            ids_sql = "(SELECT value AS id FROM json_each(%s)) AS wanted"
            params.append(json.dumps([int(pk) for pk in part_ids]))
        join = f" JOIN {ids_sql} ON wanted.id = s.part_id"
    where = ""
    if warehouse is not None:
        where = f" WHERE s.location_id IN (SELECT id FROM {locations} WHERE warehouse_id = %s)"
        params.append(warehouse.pk)
    sql = f"SELECT s.part_id, SUM(s.quantity) FROM {stock} s{join}{where} GROUP BY s.part_id"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # PostgreSQL hands back Decimal; SQLite sums NUMERIC as floats (rounded to four places).
        return {part_id: from_db(total) for part_id, total in cursor.fetchall()}


def resolve_warehouse(value: Any, queryset: QuerySet | None = None) -> Warehouse | None:
    """A warehouse from its code (any case) or id; None for blank; DomainError if unknown.

    The one rule for ?warehouse= in the pages, the API and the commands (forms and filters use
    it through warehouse.forms.WarehouseChoiceField). The error is keyed by "warehouse".
    """
    if value in (None, ""):
        return None
    if isinstance(value, Warehouse):
        return value
    warehouses = Warehouse.objects.all() if queryset is None else queryset
    text = str(value).strip()
    if "\x00" in text:  # as Django's own text fields say it (PostgreSQL refuses NUL in text)
        raise DomainError({"warehouse": "Null characters are not allowed."})
    found = warehouses.filter(code__iexact=text).first()
    if found is None and text.isascii() and text.isdecimal():  # "²" is a digit, not a number
        found = warehouses.filter(pk=int(text)).first()
    if found is None:
        # The user's text goes in as a parameter: forms and filters %-format error messages.
        unknown = DomainError(
            "Unknown warehouse %(value)s: give its code (e.g. WH1) or id.",
            code="unknown_warehouse",
            params={"value": repr(text)},
        )
        raise DomainError({"warehouse": unknown})
    return found


def stock_levels_with_value(*, warehouse: Any = None, location: Any = None) -> QuerySet:
    """Non-zero stock rows with part, location, unit cost and value (low: parts_below_reorder)."""
    levels = (
        StockLevel.objects.filter(quantity__gt=0)
        .select_related("part", "location__warehouse")
        .annotate(unit_cost=unit_cost_expression())
        .annotate(
            value=ExpressionWrapper(F("quantity") * F("unit_cost"), output_field=MONEY),
        )
        .order_by("location__warehouse__code", "location__code", "part__sku")
    )
    if warehouse is not None:
        levels = levels.filter(location__warehouse=warehouse)
    if location is not None:
        levels = levels.filter(location=location)
    return levels


def parts_below_reorder(*, warehouse: Any = None) -> QuerySet:
    """Active parts with a reorder point > 0 whose stock is at or below it: the one low-stock rule.

    Every card, row highlight and filter (dashboard, stock overview, part stock card,
    ?below_reorder= of the pages and the API) asks this; a single bin is never compared with
    the part's reorder point, only a warehouse's total or the company's.

    Company-wide: the total over all warehouses (a part with no stock at all counts).
    In one warehouse: only the parts that warehouse stocks (has a stock row for, even at
    zero) — a server room that never held a servo is not short of servos.
    """
    stock_filter = Q(stock_levels__location__warehouse=warehouse) if warehouse else Q()
    parts = Part.objects.filter(is_active=True, reorder_point__gt=0)
    if warehouse is not None:
        parts = parts.filter(
            Exists(StockLevel.objects.filter(part=OuterRef("pk"), location__warehouse=warehouse))
        )
    return (
        parts.annotate(
            # Rounded to the stored four decimals: SQLite sums as floats (0.1 + 0.2 > 0.3).
            on_hand=Round(
                Coalesce(
                    Sum("stock_levels__quantity", filter=stock_filter),
                    Value(ZERO),
                    output_field=MONEY,
                ),
                4,
                output_field=MONEY,
            )
        )
        .filter(on_hand__lte=F("reorder_point"))
        .order_by("sku")
    )


def warehouse_summaries() -> list[dict[str, Any]]:
    """Per warehouse: number of parts in stock, units, value and parts below reorder point."""
    values = {
        row["location__warehouse"]: row
        for row in StockLevel.objects.filter(quantity__gt=0)
        .annotate(unit_cost=unit_cost_expression())
        .values("location__warehouse")
        .annotate(
            value=Sum(ExpressionWrapper(F("quantity") * F("unit_cost"), output_field=MONEY)),
            units=Sum("quantity"),
            parts=Count("id"),
        )
    }
    result = []
    for warehouse in Warehouse.objects.all():
        row = values.get(warehouse.pk, {})
        result.append(
            {
                "warehouse": warehouse,
                "value": row.get("value") or ZERO,
                "units": row.get("units") or ZERO,
                "parts": row.get("parts") or 0,
                "low": parts_below_reorder(warehouse=warehouse).count(),
            }
        )
    return result


def location_rows(*, warehouse: Warehouse) -> list[dict[str, Any]]:
    """The warehouse's locations in tree order with their depth, units and value."""
    locations = list(Location.objects.filter(warehouse=warehouse).order_by("code"))
    totals = {
        row["location"]: row
        for row in StockLevel.objects.filter(location__warehouse=warehouse, quantity__gt=0)
        .annotate(unit_cost=unit_cost_expression())
        .values("location")
        .annotate(
            units=Sum("quantity"),
            value=Sum(ExpressionWrapper(F("quantity") * F("unit_cost"), output_field=MONEY)),
        )
    }
    children: dict[int | None, list[Location]] = {}
    for location in locations:
        children.setdefault(location.parent_id, []).append(location)
    rows: list[dict[str, Any]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for location in children.get(parent_id, []):
            total = totals.get(location.pk, {})
            rows.append(
                {
                    "location": location,
                    "depth": min(depth, 5),
                    "units": total.get("units") or ZERO,
                    "value": total.get("value") or ZERO,
                }
            )
            walk(location.pk, depth + 1)

    walk(None, 0)
    known = {row["location"].pk for row in rows}
    for location in locations:  # parents in another warehouse would hide a branch; show it
        if location.pk not in known:
            rows.append({"location": location, "depth": 0, "units": ZERO, "value": ZERO})
    return rows


def part_stock_card(*, part: Part) -> dict[str, Any]:
    """Balances per location and the total for one part; the ledger is paged by the view."""
    levels = list(
        StockLevel.objects.filter(part=part)
        .exclude(quantity=0)
        .select_related("location__warehouse")
        .order_by("location__warehouse__code", "location__code")
    )
    valuation = PartValuation.objects.filter(part=part).first()
    unit_cost = valuation.average_unit_cost if valuation else part.unit_cost
    total = sum((level.quantity for level in levels), ZERO)
    return {
        "levels": levels,
        "total": total,
        "unit_cost": unit_cost,
        "value": total * unit_cost,
        "below_reorder": parts_below_reorder().filter(pk=part.pk).exists(),
    }


def part_moves(*, part: Part) -> QuerySet:
    return (
        StockMove.objects.filter(part=part)
        .select_related("document", "location__warehouse", "user")
        .order_by("-created_at", "-id")
    )


def stock_ledger_mismatches() -> tuple[int, list[dict[str, Any]]]:
    """Compare every stock level with the sum of its ledger moves.

    Returns (levels checked, mismatches). The ledger side is one aggregate query; a level with
    no moves must be zero and a ledger sum with no level row is a mismatch too.
    """
    # SQLite sums NUMERIC columns as floats (10000 - 9999.9999 = 0.0000999999992...); every move
    # has four decimal places, so the exact sum is the float sum rounded to four. (Django hands
    # the float sum over as an unrounded Decimal, hence the quantize after from_db.)
    ledger = {
        (row["location_id"], row["part_id"]): from_db(row["total"]).quantize(FOUR_PLACES)
        for row in StockMove.objects.order_by()
        .values("location_id", "part_id")
        .annotate(total=Sum("quantity"))
    }
    levels = {
        (location_id, part_id): quantity
        for location_id, part_id, quantity in StockLevel.objects.values_list(
            "location_id", "part_id", "quantity"
        )
    }
    keys = set(ledger) | set(levels)
    wrong = sorted(key for key in keys if (ledger.get(key) or ZERO) != (levels.get(key) or ZERO))
    if not wrong:
        return len(keys), []
    locations = {
        loc.pk: str(loc)
        for loc in Location.objects.filter(pk__in={k[0] for k in wrong}).select_related("warehouse")
    }
    skus = dict(Part.objects.filter(pk__in={k[1] for k in wrong}).values_list("pk", "sku"))
    mismatches = [
        {
            "location_id": location_id,
            "location": locations.get(location_id, str(location_id)),
            "part_id": part_id,
            "part": skus.get(part_id, str(part_id)),
            "level": format_quantity(levels.get((location_id, part_id))),
            "ledger": format_quantity(ledger.get((location_id, part_id))),
        }
        for location_id, part_id in wrong
    ]
    return len(keys), mismatches


def latest_verification() -> StockVerification | None:
    return StockVerification.objects.order_by("-started_at").first()


def verification_freshness() -> dict[str, Any]:
    """For /health/detailed: when the ledger was last verified and what it found."""
    latest = latest_verification()
    if latest is None:
        return {"stock_verification": {"ok": False, "last_run": None, "stale": True}}
    age = timezone.now() - latest.finished_at
    stale = age > VERIFICATION_MAX_AGE
    return {
        "stock_verification": {
            "ok": latest.mismatch_count == 0 and not stale,
            "last_run": latest.finished_at.isoformat(),
            "age_seconds": int(age.total_seconds()),
            "stale": stale,
            "mismatch_count": latest.mismatch_count,
        }
    }


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def dashboard_figures(*, user: Any) -> list[dict[str, Any]]:
    """Home page cards: stock value, parts below reorder point, drafts waiting, ledger check."""
    if not user.has_perm("warehouse.view_stocklevel"):
        return []
    overview = _url("warehouse:stock-overview")
    documents = _url("warehouse:document-list")
    value = (
        StockLevel.objects.filter(quantity__gt=0)
        .annotate(unit_cost=unit_cost_expression())
        .aggregate(
            total=Sum(ExpressionWrapper(F("quantity") * F("unit_cost"), output_field=MONEY))
        )["total"]
        or ZERO
    )
    low = parts_below_reorder().count()
    drafts = StockDocument.objects.filter(status=DocumentStatus.DRAFT).count()
    figures: list[dict[str, Any]] = [
        {"label": "Stock value", "value": value, "money": True, "url": overview},
        {
            "label": "Parts at or below reorder point",
            "value": low,
            "url": f"{overview}?low=1",
            "warn": low > 0,
        },
        {"label": "Draft stock documents", "value": drafts, "url": f"{documents}?status=DRAFT"},
    ]
    latest = latest_verification()
    if latest is not None:
        figures.append(
            {
                "label": "Ledger mismatches (last check)",
                "value": latest.mismatch_count,
                "url": overview,
                "warn": latest.mismatch_count > 0,
            }
        )
    return figures


def location_search(*, text: str, limit: int, warehouse: Warehouse | None = None) -> list[Location]:
    """Active locations whose code or name holds ``text`` (or WAREHOUSE/CODE), in one warehouse
    when given, by warehouse and code; at most ``limit`` (the pickers' autocomplete)."""
    locations = Location.objects.filter(is_active=True).select_related("warehouse")
    if warehouse is not None:
        locations = locations.filter(warehouse=warehouse)
    if "/" in text:
        warehouse_code, text = text.split("/", 1)
        locations = locations.filter(warehouse__code__iexact=warehouse_code.strip())
    if text:
        locations = locations.filter(Q(code__icontains=text) | Q(name__icontains=text))
    return list(locations.order_by("warehouse__code", "code", "pk")[:limit])
