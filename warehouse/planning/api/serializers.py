"""Build planner API serializers: the query of a plan and the plan it answers."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from inventory.api.serializers import PartRefSerializer
from warehouse.planning.selectors import BuildPlan, build_rows, shortage_rows


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


def plan_data(plan: BuildPlan) -> dict[str, Any]:
    """A plan as BuildableSerializer / ShortagesSerializer read it (parts render as references)."""
    data: dict[str, Any] = {
        "part": plan.part,
        "warehouse": plan.warehouse.code if plan.warehouse else None,
        "buildable": plan.buildable,
        "limiting_parts": plan.limiting,
    }
    if plan.report is not None:
        data.update(
            quantity=plan.quantity,
            total_cost=plan.report.total_cost,
            earliest_date=plan.report.earliest_date,
            shortages=[
                {**row, "supplier": row["supplier"].code if row["supplier"] else None}
                for row in shortage_rows(plan)
            ],
            sub_assemblies=build_rows(plan),
        )
    return data
