"""Analytics API: OEE figures, the loss Pareto, bulk ingestion of runs and downtime.

Thin: a query serializer validates, a selector or service does the work, an output serializer
renders. Domain errors propagate to the one exception handler.
"""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api import serializers as api
from analytics.oee import selectors, services
from analytics.oee.models import DowntimeEvent, OeeDaily, ProductionRun


def _query(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


PERIOD_PARAMETERS = [
    OpenApiParameter("line", str, description="Line code; leave out for the plant."),
    OpenApiParameter("from", str, description="First day, YYYY-MM-DD (default: 30 days back)."),
    OpenApiParameter("to", str, description="Last day, YYYY-MM-DD (default: today)."),
]


class OeeView(APIView):
    """Daily, weekly or monthly OEE of a line or the plant, as ratios of sums."""

    queryset = OeeDaily.objects.all()

    @extend_schema(
        parameters=[
            *PERIOD_PARAMETERS,
            OpenApiParameter("granularity", str, enum=["day", "week", "month"]),
        ],
        responses=api.OeeSeriesSerializer,
    )
    def get(self, request: Request) -> Response:
        query = _query(api.OeeQuerySerializer, request)
        rows = selectors.oee_series(**query)
        return Response(api.OeeSeriesSerializer({"results": rows}).data)


class OeeLossesView(APIView):
    """Minutes lost per loss category and reason, largest first."""

    queryset = DowntimeEvent.objects.all()

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=api.LossParetoSerializer)
    def get(self, request: Request) -> Response:
        pareto = selectors.loss_pareto(**_query(api.PeriodQuerySerializer, request))
        return Response(api.LossParetoSerializer(pareto).data)


class BulkView(APIView):
    """POST a JSON list; all recorded or none, with the errors of each refused item by index."""

    item_serializer: type = api.RunInputSerializer
    record: Any = None

    def post(self, request: Request) -> Response:
        items = api.validated_items(self.item_serializer, request.data)
        created = type(self).record(items=items)
        body = {"created": len(created), "ids": [obj.pk for obj in created]}
        return Response(api.BulkCreatedSerializer(body).data, status=status.HTTP_201_CREATED)


class RunBulkView(BulkView):
    """Record production runs (shift records) in bulk, for machine integrations."""

    queryset = ProductionRun.objects.all()
    item_serializer = api.RunInputSerializer
    record = services.runs_bulk_record

    @extend_schema(
        request=api.RunInputSerializer(many=True), responses={201: api.BulkCreatedSerializer}
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class DowntimeBulkView(BulkView):
    """Record downtime events in bulk; overlaps on a line are refused."""

    queryset = DowntimeEvent.objects.all()
    item_serializer = api.DowntimeInputSerializer
    record = services.downtime_bulk_record

    @extend_schema(
        request=api.DowntimeInputSerializer(many=True),
        responses={201: api.BulkCreatedSerializer},
    )
    def post(self, request: Request) -> Response:
        return super().post(request)
