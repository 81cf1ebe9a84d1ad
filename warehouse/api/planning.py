"""Build planner API: buildable quantity and shortage list of an assembly from stock."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from inventory.api.serializers import PartRefSerializer
from inventory.models import Part
from warehouse import planning


class PlanQuerySerializer(serializers.Serializer):
    warehouse = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Warehouse code or id; stock of every warehouse when left out.",
    )
    include_optional = serializers.BooleanField(
        required=False, default=False, help_text="Also require the optional BOM lines."
    )


class ShortageQuerySerializer(PlanQuerySerializer):
    quantity = serializers.IntegerField(
        min_value=1, max_value=1_000_000, help_text="How many units of the assembly to build."
    )


class LimitingPartSerializer(serializers.Serializer):
    part = PartRefSerializer(help_text="A part whose stock stops one more unit.")
    on_hand = serializers.DecimalField(
        max_digits=18, decimal_places=4, help_text="On hand in the chosen scope."
    )
    required_for_next = serializers.DecimalField(
        max_digits=18, decimal_places=4, help_text="Needed to build one unit more than buildable."
    )


class BuildableSerializer(serializers.Serializer):
    part = PartRefSerializer(help_text="The assembly.")
    warehouse = serializers.CharField(allow_null=True, help_text="Warehouse code, or null for all.")
    buildable = serializers.IntegerField(help_text="Largest whole number of units buildable now.")
    limiting_parts = LimitingPartSerializer(many=True, help_text="Parts that stop one more unit.")


class ShortageLineSerializer(serializers.Serializer):
    part = PartRefSerializer(help_text="The short part.")
    required = serializers.DecimalField(max_digits=18, decimal_places=4, help_text="Required.")
    available = serializers.DecimalField(max_digits=18, decimal_places=4, help_text="On hand.")
    short = serializers.DecimalField(max_digits=18, decimal_places=4, help_text="Missing.")
    order_quantity = serializers.DecimalField(
        max_digits=18, decimal_places=4, help_text="Suggested order, rounded to MOQ and pack size."
    )
    unit_price = serializers.DecimalField(
        max_digits=18, decimal_places=4, help_text="Price per unit from the chosen supplier part."
    )
    cost = serializers.DecimalField(
        max_digits=18, decimal_places=4, help_text="Order quantity × unit price."
    )
    lead_time_days = serializers.IntegerField(help_text="Lead time of the chosen supply.")
    supplier = serializers.CharField(allow_null=True, help_text="Supplier code, if any.")
    supplier_sku = serializers.CharField(allow_blank=True, help_text="Supplier's SKU.")


class BuildStepSerializer(serializers.Serializer):
    part = PartRefSerializer(help_text="A sub-assembly.")
    required = serializers.DecimalField(max_digits=18, decimal_places=4, help_text="Required.")
    available = serializers.DecimalField(max_digits=18, decimal_places=4, help_text="On hand.")
    to_build = serializers.IntegerField(help_text="Units to build after netting stock.")


class ShortagesSerializer(BuildableSerializer):
    quantity = serializers.IntegerField(help_text="The target quantity.")
    total_cost = serializers.DecimalField(
        max_digits=18, decimal_places=4, help_text="Cost of every suggested order."
    )
    earliest_date = serializers.DateField(help_text="When every short part could be in.")
    shortages = ShortageLineSerializer(many=True, help_text="Short parts only.")
    sub_assemblies = BuildStepSerializer(many=True, help_text="Sub-assemblies netted and built.")


def _ref(part: Part) -> dict[str, Any]:
    return {"id": part.pk, "sku": part.sku, "name": part.name}


def plan_payload(plan: planning.BuildPlan) -> dict[str, Any]:
    data: dict[str, Any] = {
        "part": _ref(plan.part),
        "warehouse": plan.warehouse.code if plan.warehouse else None,
        "buildable": plan.buildable,
        "limiting_parts": [
            {"part": _ref(x.part), "on_hand": x.on_hand, "required_for_next": x.required_for_next}
            for x in plan.limiting
        ],
    }
    if plan.report is not None:
        parts = plan.parts or {}
        data.update(
            quantity=plan.quantity,
            total_cost=plan.report.total_cost,
            earliest_date=plan.report.earliest_date,
            shortages=[
                {
                    **row,
                    "part": _ref(row["part"]),
                    "supplier": row["supplier"].code if row["supplier"] else None,
                }
                for row in planning.shortage_rows(plan)
            ],
            sub_assemblies=[
                {
                    "part": _ref(parts[step.part_id]),
                    "required": step.required,
                    "available": step.available,
                    "to_build": step.to_build,
                }
                for step in plan.report.builds
            ],
        )
    return data


class _PlanView(APIView):
    # Reads only: the default model permissions ask for inventory.view_part.
    queryset = Part.objects.all()
    query_serializer = PlanQuerySerializer

    def plan(self, request: Request, pk: int) -> planning.BuildPlan:
        part = get_object_or_404(Part, pk=pk)
        query = self.query_serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return planning.build_plan(
            part=part,
            quantity=query.validated_data.get("quantity"),
            warehouse=planning.resolve_warehouse(query.validated_data.get("warehouse")),
            include_optional=query.validated_data["include_optional"],
        )


class BuildableView(_PlanView):
    @extend_schema(parameters=[PlanQuerySerializer], responses=BuildableSerializer)
    def get(self, request: Request, pk: int) -> Response:
        """How many units of the assembly the stock allows now, and what limits it."""
        return Response(BuildableSerializer(plan_payload(self.plan(request, pk))).data)


class ShortagesView(_PlanView):
    query_serializer = ShortageQuerySerializer

    @extend_schema(parameters=[ShortageQuerySerializer], responses=ShortagesSerializer)
    def get(self, request: Request, pk: int) -> Response:
        """What building `quantity` units lacks, what buying it costs and when it could be in."""
        return Response(ShortagesSerializer(plan_payload(self.plan(request, pk))).data)
