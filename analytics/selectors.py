"""Reads across inventory and warehouse for dashboards (analytics depends on both)."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from config.db_router import reads_from_replica
from warehouse.models import StockMove


def dashboard_figures(*, user: Any) -> list[dict[str, Any]]:
    """Analytics contributes charts rather than figures for now (OEE arrives later)."""
    return []


@reads_from_replica
def stock_movement_chart(*, user: Any, days: int = 14) -> dict[str, Any] | None:
    """Units received and issued per day over the last `days` days, for the home page chart."""
    if not user.has_perm("warehouse.view_stockmove"):
        return None
    today = timezone.localdate()
    start = today - timedelta(days=days - 1)
    rows = (
        StockMove.objects.filter(created_at__date__gte=start)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(
            received=Sum("quantity", filter=Q(quantity__gt=0)),
            issued=Sum("quantity", filter=Q(quantity__lt=0)),
            moves=Count("id"),
        )
        .order_by("day")
    )
    by_day = {row["day"]: row for row in rows}
    labels, received, issued = [], [], []
    for offset in range(days):
        day = start + timedelta(days=offset)
        row = by_day.get(day, {})
        labels.append(day.strftime("%d %b"))
        received.append(float(row.get("received") or Decimal("0")))
        issued.append(float(-(row.get("issued") or Decimal("0"))))
    return {
        "title": f"Stock movements, last {days} days (units)",
        "type": "bar",
        "labels": labels,
        "datasets": [
            {"label": "In", "data": received, "backgroundColor": "#2680c2"},
            {"label": "Out", "data": issued, "backgroundColor": "#b7791f"},
        ],
        "empty": not any(received) and not any(issued),
    }
