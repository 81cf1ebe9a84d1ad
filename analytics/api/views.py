"""Analytics API: OEE figures, the loss Pareto, bulk ingestion of runs and downtime.

Thin: a query serializer validates, a selector or service does the work, an output serializer
renders. Domain errors propagate to the one exception handler.
"""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api import serializers as api
from analytics.oee import selectors, services
from analytics.oee.models import (
    DowntimeEvent,
    ForecastModel,
    OeeDaily,
    Prediction,
    ProductionLine,
    ProductionRun,
)
from config.errors import NotFoundError


class NoForecastYet(NotFoundError):
    """The line has no fitted forecast model yet."""


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
    """POST a JSON list; all recorded or none, with the errors of each refused item by index.

    The schema documents JSON only: a list has no form encoding (a multipart body would carry
    no list, and the fuzzer's attempt at one reached DRF with no media type: an undocumented 415).
    """

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
        request={"application/json": api.RunInputSerializer(many=True)},
        responses={201: api.BulkCreatedSerializer},
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class DowntimeBulkView(BulkView):
    """Record downtime events in bulk; overlaps on a line are refused."""

    queryset = DowntimeEvent.objects.all()
    item_serializer = api.DowntimeInputSerializer
    record = services.downtime_bulk_record

    @extend_schema(
        request={"application/json": api.DowntimeInputSerializer(many=True)},
        responses={201: api.BulkCreatedSerializer},
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class OeeForecastView(APIView):
    """A line's daily OEE forecast with 80 % and 95 % intervals, and the model behind it."""

    queryset = Prediction.objects.all()

    @extend_schema(
        parameters=[
            OpenApiParameter("line", str, required=True, description="Line code."),
            OpenApiParameter("horizon", int, description="Production days ahead, 1–30."),
        ],
        responses=api.ForecastSerializer,
    )
    def get(self, request: Request) -> Response:
        query = _query(api.ForecastQuerySerializer, request)
        forecast = selectors.line_forecast(**query)
        if forecast is None:
            code = query["line"].code
            raise NoForecastYet(
                f"No forecast for {code} yet: run `manage.py forecast_oee --line {code}` or "
                "POST /api/oee/forecast/refit/."
            )
        return Response(api.ForecastSerializer(forecast).data)


class RefitPermission(BasePermission):
    """Refitting needs the refit permission (planners and managers), as on the page."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm(services.REFIT_PERMISSION))


class OeeRefitView(APIView):
    """Refit the forecasts of every line (or one) now, as one background job with progress."""

    queryset = ForecastModel.objects.all()
    permission_classes = [RefitPermission]

    @extend_schema(request=api.RefitInputSerializer, responses={202: api.JobStartedSerializer})
    def post(self, request: Request) -> Response:
        serializer = api.RefitInputSerializer(data=request.data or {})
        serializer.is_valid(raise_exception=True)
        line = serializer.validated_data.get("line")
        job = services.forecast_refit_start(
            user=request.user, line=line, horizon=serializer.validated_data["horizon"]
        )
        body = {
            "job": job.pk,
            "detail": f"Forecast refit started for {line.code if line else 'every line'}.",
            "status": reverse("report-job-status", args=[job.pk]),
        }
        return Response(api.JobStartedSerializer(body).data, status=status.HTTP_202_ACCEPTED)


class OeeAccuracyView(APIView):
    """Live forecast accuracy per line (last 30 predicted days) beside the backtest's promise."""

    queryset = Prediction.objects.all()

    @extend_schema(
        parameters=[OpenApiParameter("line", str, description="Line code; default every line.")],
        responses=api.AccuracyListSerializer,
    )
    def get(self, request: Request) -> Response:
        line = _query(api.AccuracyQuerySerializer, request).get("line")
        lines = [line] if line else ProductionLine.objects.filter(is_active=True)
        rows = [selectors.live_accuracy(line=each) for each in lines]
        return Response(api.AccuracyListSerializer({"results": rows}).data)
