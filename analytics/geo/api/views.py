"""The order map's API: heatmap, coverage, vendors, orders (cursor pages, CSV export), areas,
sources (with "refresh now") and refresh runs. Thin: parse → selector or service → serialize."""

from collections.abc import Iterator
from typing import Any

from django.http import StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.geo import reports, selectors
from analytics.geo.api import serializers
from analytics.geo.filters import OrderFilter, RefreshRunFilter, VendorFilter
from analytics.geo.models import DataSource, MarketingArea, Order, RefreshRun, Vendor
from analytics.geo.params import HEATMAP_TYPES, coverage_params, heatmap_params, period_params
from analytics.geo.rows import COLUMNS
from analytics.geo.services import map_job_start, source_refresh_now
from config.csv_io import CsvWriter

# The export has the columns the orders import reads, so a file goes back in unchanged.
EXPORT_COLUMNS = COLUMNS["orders"]


class CanViewOrders(BasePermission):
    """The map's questions read orders: the analytics.view_order permission."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm("analytics.view_order"))


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


class JSONErrorsNegotiation(BaseContentNegotiation):
    """The CSV export streams its own text/csv body; anything else it answers (401, 400) is JSON,
    whatever the client's Accept header asks (DRF would answer 406 to Accept: text/csv)."""

    def select_parser(self, request: Request, parsers: list) -> Any:
        return parsers[0]

    def select_renderer(self, request: Request, renderers: list, format_suffix: Any = None):
        return renderers[0], renderers[0].media_type


def _params(*names: tuple[str, str]) -> list[OpenApiParameter]:
    return [OpenApiParameter(name, str, description=text) for name, text in names]


COMMON_PARAMETERS = _params(
    ("city", "City code (required)."),
    ("from", "First local day, YYYY-MM-DD (default: 29 days before `to`)."),
    ("to", "Last local day, YYYY-MM-DD (default: today)."),
    ("grade", "Vendor grade A, B, C or D."),
    ("business_line", "Business line."),
)


@extend_schema(
    parameters=[
        OpenApiParameter("type", str, enum=HEATMAP_TYPES, description="What to count per cell."),
        OpenApiParameter("resolution", int, description="H3 resolution 5..9 (default 8)."),
        *COMMON_PARAMETERS,
        *_params(
            ("hours", "Local hour range, e.g. 8-14."),
            ("weekdays", "ISO weekdays, e.g. 1,2 (Monday, Tuesday)."),
            ("area", "Marketing area id: only cells whose centre lies in it."),
        ),
        OpenApiParameter("format", str, enum=("json", "geojson"), description="geojson: hexagons."),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
class HeatmapView(APIView):
    """Counts per H3 cell (exact; distinct users for user_density) and display values 0–100."""

    permission_classes = [CanViewOrders]
    renderer_classes = [JSONRenderer, GeoJSONRenderer]

    def get(self, request: Request) -> Response:
        params = heatmap_params(request.query_params)
        reports.refuse_heavy_heatmap(params)  # 400 naming POST /api/geo/heatmap/jobs/
        answer = selectors.heatmap(params)
        if request.accepted_renderer.format == "geojson":
            return Response(selectors.as_geojson(answer))
        return Response(answer)


@extend_schema(
    parameters=[
        OpenApiParameter("resolution", int, description="H3 resolution 7..9 (default 9)."),
        *COMMON_PARAMETERS,
        *_params(
            ("radius_scale", "What-if: every radius scaled to this percent (e.g. 120)."),
            ("radius_km", "What-if: every radius set to this many km."),
            ("include_closed", "true: count closed, hidden and inactive vendors too."),
            ("top", "How many uncovered cells to rank (default 20)."),
            ("cells", "false: leave the per-cell list out (the areas and summary only)."),
        ),
    ],
    responses={200: OpenApiTypes.OBJECT},
)
class CoverageView(APIView):
    """Vendors reaching each cell, coverage % per marketing area, top uncovered cells."""

    permission_classes = [CanViewOrders]

    def get(self, request: Request) -> Response:
        params = coverage_params(request.query_params)
        reports.refuse_heavy_coverage(params)  # 400 naming POST /api/geo/coverage/jobs/
        return Response(selectors.coverage(params))


JOB_PARAMETERS = _params(
    ("file_format", "json (default: the synchronous endpoint's body) or csv (a row per cell)."),
)


class _MapJobView(APIView):
    """Start the question as a background report job: 202 with the job's status URL."""

    permission_classes = [CanViewOrders]
    kind = ""
    question = ""

    @extend_schema(
        parameters=JOB_PARAMETERS,
        request=OpenApiTypes.OBJECT,
        responses={202: serializers.MapJobStartedSerializer},
    )
    def post(self, request: Request) -> Response:
        body = request.data if hasattr(request.data, "keys") else {}
        query = {**request.query_params.dict(), **{key: body.get(key) for key in body}}
        job = map_job_start(kind=self.kind, query=query, user=request.user)
        answer = {
            "job": job.pk,
            "detail": f"The {self.question} is being computed in the background.",
            "status": reverse("api-report-job", args=[job.pk]),
            "download": reverse("api-report-job-download", args=[job.pk]),
        }
        return Response(
            serializers.MapJobStartedSerializer(answer).data, status=status.HTTP_202_ACCEPTED
        )


class HeatmapJobView(_MapJobView):
    """The heatmap of these parameters (those of GET /api/geo/heatmap/, in the body or the query
    string) as a report job; its file is the same answer as JSON, or CSV h3,count,value."""

    kind = "geo_heatmap"
    question = "heatmap"


class CoverageJobView(_MapJobView):
    """Coverage with every cell of the city's grid (parameters of GET /api/geo/coverage/) as a
    report job; its file is the same answer as JSON, or CSV with one row per cell."""

    kind = "geo_coverage"
    question = "coverage grid"


class VendorViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Vendor.objects.select_related("city")
    serializer_class = serializers.VendorSerializer
    filterset_class = VendorFilter
    search_fields = ["code", "name"]
    ordering_fields = ["code", "grade", "updated_at"]

    @extend_schema(
        parameters=COMMON_PARAMETERS[1:3], responses={200: OpenApiTypes.OBJECT}, filters=False
    )
    @action(detail=True, filterset_class=None, pagination_class=None)
    def summary(self, request: Request, pk: str | None = None) -> Response:
        """The vendor's orders per day and its share of the demand inside its radius."""
        date_from, date_to = period_params(request.query_params)
        return Response(
            selectors.vendor_summary(vendor=self.get_object(), date_from=date_from, date_to=date_to)
        )


class OrderCursorPagination(CursorPagination):
    """Newest first, 100 a page; a cursor that was not ours is a 400 naming `cursor`."""

    page_size = 100
    ordering = ("-created_at", "-id")

    def decode_cursor(self, request: Request) -> Any:
        try:
            return super().decode_cursor(request)
        except Exception:
            raise ValidationError({"cursor": ["Invalid cursor: use the next/previous links."]})


class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Order.objects.select_related("vendor", "city")
    serializer_class = serializers.OrderSerializer
    filterset_class = OrderFilter
    pagination_class = OrderCursorPagination
    ordering_fields = ["created_at"]

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    @action(detail=False, content_negotiation_class=JSONErrorsNegotiation)
    def export(self, request: Request) -> StreamingHttpResponse:
        """The filtered orders as CSV (the source's columns), streamed row by row."""
        orders = self.filter_queryset(self.get_queryset()).order_by("created_at", "id")
        response = StreamingHttpResponse(_csv_lines(orders), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="orders.csv"'
        return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(orders: Any) -> Iterator[str]:
    writer = CsvWriter(_Echo())  # every export's cells pass the formula rule
    yield writer.writerow(EXPORT_COLUMNS)
    for order in orders.values_list(
        "order_id",
        "vendor__code",
        "city__code",
        "business_line",
        "created_at",
        "latitude",
        "longitude",
        "user_id",
        "is_organic",
    ).iterator(chunk_size=2000):
        row = list(order)
        row[4] = row[4].isoformat()
        row[8] = "true" if row[8] else "false"
        yield writer.writerow(row)


class MarketingAreaViewSet(viewsets.ModelViewSet):
    queryset = MarketingArea.objects.select_related("city")
    serializer_class = serializers.MarketingAreaSerializer
    filterset_fields = {"city__code": ["exact"]}


class DataSourceViewSet(viewsets.ModelViewSet):
    queryset = DataSource.objects.all()
    serializer_class = serializers.DataSourceSerializer
    filterset_fields = ["kind", "source_type", "enabled"]

    def get_success_headers(self, data: Any) -> dict[str, str]:
        # DRF sends a created object's `url` field as Location; a source's url is the external
        # address it reads from (any text: a non-ASCII one broke the header), not this object.
        return {}

    @extend_schema(request=None, responses={202: serializers.RefreshRunSerializer(allow_null=True)})
    @action(detail=True, methods=["post"])
    def refresh(self, request: Request, pk: str | None = None) -> Response:
        """Refresh now: runs at once where Celery is eager, else queued (the body is null)."""
        run = source_refresh_now(source=self.get_object())
        body = serializers.RefreshRunSerializer(run).data if run else None
        return Response(body, status=status.HTTP_202_ACCEPTED)


class RefreshRunViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = RefreshRun.objects.select_related("source")
    serializer_class = serializers.RefreshRunSerializer
    filterset_class = RefreshRunFilter
