"""Build planner API: buildable quantity and shortage list of an assembly from stock."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from inventory.models import Part
from warehouse.planning.api.serializers import (
    BuildableSerializer,
    PlanQuerySerializer,
    ShortageQuerySerializer,
    ShortagesSerializer,
    plan_data,
)
from warehouse.planning.selectors import BuildPlan, build_plan
from warehouse.selectors import resolve_warehouse


class _PlanView(APIView):
    # Reads only: the default model permissions ask for inventory.view_part.
    queryset = Part.objects.all()
    query_serializer = PlanQuerySerializer

    def plan(self, request: Request, pk: int) -> BuildPlan:
        part = get_object_or_404(Part, pk=pk)
        query = self.query_serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return build_plan(
            part=part,
            quantity=query.validated_data.get("quantity"),
            warehouse=resolve_warehouse(query.validated_data.get("warehouse")),
            include_optional=query.validated_data["include_optional"],
        )


class BuildableView(_PlanView):
    @extend_schema(parameters=[PlanQuerySerializer], responses=BuildableSerializer)
    def get(self, request: Request, pk: int) -> Response:
        """How many units of the assembly the stock allows now, and what limits it."""
        return Response(BuildableSerializer(plan_data(self.plan(request, pk))).data)


class ShortagesView(_PlanView):
    query_serializer = ShortageQuerySerializer

    @extend_schema(parameters=[ShortageQuerySerializer], responses=ShortagesSerializer)
    def get(self, request: Request, pk: int) -> Response:
        """What building `quantity` units lacks, what buying it costs and when it could be in."""
        return Response(ShortagesSerializer(plan_data(self.plan(request, pk))).data)
