"""Inventory API views: thin viewsets over the models, services and selectors."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from config.api.listing import FastListMixin
from inventory import selectors, services
from inventory.api import serializers
from inventory.filters import BomLineFilter, PartFilter, SupplierPartFilter
from inventory.models import BomLine, Category, Manufacturer, Part, Supplier, SupplierPart
from inventory.revisions import PARTS


def _ref(part: Part) -> dict[str, Any]:
    return {"id": part.pk, "sku": part.sku, "name": part.name}


def _tree_rows(tree: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of ``selectors.bom_tree`` as ``BomTreeRowSerializer`` reads them."""
    parts, costs = tree["parts"], tree["unit_costs"]
    return [
        {
            "depth": row.depth,
            "assembly": row.assembly_id,
            "component": _ref(parts[row.component_id]),
            "quantity": row.quantity,
            "extended_quantity": row.extended_quantity,
            "optional": row.optional,
            "unit_cost": costs.get(row.component_id, parts[row.component_id].unit_cost),
            "has_children": row.has_children,
        }
        for row in tree["rows"]
    ]


def _cost_lines(rollup: Any, parts: dict[int, Part]) -> list[dict[str, Any]]:
    """The lines of a cost roll-up as ``CostLineSerializer`` reads them."""
    return [
        {
            "assembly": _ref(parts[line.assembly_id]),
            "component": _ref(parts[line.component_id]),
            "quantity": line.quantity,
            "unit_cost": line.unit_cost,
            "extended_cost": line.extended_cost,
            "extended_quantity": line.extended_quantity,
            "contribution": line.contribution,
            "is_leaf": line.is_leaf,
        }
        for line in rollup.lines
    ]


def _query(serializer_class: type, request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ProtectedDestroyMixin:
    """DELETE of a row that others still reference answers 409 naming what holds it."""

    def perform_destroy(self, instance: Any) -> None:
        services.record_delete(record=instance)


IN_USE_SCHEMA = extend_schema_view(
    destroy=extend_schema(
        responses={
            204: None,
            409: OpenApiResponse(
                serializers.ErrorDetailSerializer, description="Still used elsewhere."
            ),
        }
    )
)


@IN_USE_SCHEMA
class CategoryViewSet(ProtectedDestroyMixin, viewsets.ModelViewSet):
    queryset = Category.objects.all()
    serializer_class = serializers.CategorySerializer
    search_fields = ["name"]
    filterset_fields = ["parent"]


class ManufacturerViewSet(viewsets.ModelViewSet):
    queryset = Manufacturer.objects.all()
    serializer_class = serializers.ManufacturerSerializer
    search_fields = ["name"]


class SupplierViewSet(viewsets.ModelViewSet):
    queryset = Supplier.objects.all()
    serializer_class = serializers.SupplierSerializer
    search_fields = ["name", "code"]
    filterset_fields = ["is_active"]


class SupplierPartViewSet(viewsets.ModelViewSet):
    queryset = SupplierPart.objects.select_related("supplier", "part")
    serializer_class = serializers.SupplierPartSerializer
    filterset_class = SupplierPartFilter
    search_fields = ["supplier_sku", "part__sku"]


class BomLineViewSet(viewsets.ModelViewSet):
    """BOM lines; adding or changing one that would close a cycle is refused with its path."""

    queryset = BomLine.objects.select_related("assembly", "component")
    serializer_class = serializers.BomLineSerializer
    filterset_class = BomLineFilter
    search_fields = ["assembly__sku", "component__sku", "reference"]

    def perform_destroy(self, instance: BomLine) -> None:
        services.bom_line_delete(line=instance)


@IN_USE_SCHEMA
class PartViewSet(FastListMixin, ProtectedDestroyMixin, viewsets.ModelViewSet):
    # The serializer shows the category and manufacturer as ids (the row's own columns): no join.
    queryset = Part.objects.all()
    serializer_class = serializers.PartSerializer
    filterset_class = PartFilter
    list_revisions = (PARTS,)
    search_fields = ["sku", "name", "mpn"]

    @extend_schema(
        parameters=[serializers.DepthQuerySerializer], responses=serializers.BomTreeSerializer
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def bom(self, request: Request, pk: str | None = None) -> Response:
        """The indented multi-level BOM with rolled-up unit costs (a few queries in all)."""
        part = self.get_object()
        depth = _query(serializers.DepthQuerySerializer, request).get("depth")
        tree = selectors.bom_tree(part=part, depth=depth)
        rows = _tree_rows(tree)
        data = {"part": _ref(part), "depth": depth, "truncated": tree["truncated"], "rows": rows}
        return Response(serializers.BomTreeSerializer(data).data)

    @extend_schema(
        parameters=[serializers.QuantityQuerySerializer], responses=serializers.ExplodeSerializer
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def explode(self, request: Request, pk: str | None = None) -> Response:
        """Gross requirement of every leaf part for `quantity` units, through all levels."""
        part = self.get_object()
        query = _query(serializers.QuantityQuerySerializer, request)
        required, parts = selectors.explode(
            part=part, quantity=query["quantity"], include_optional=query["include_optional"]
        )
        data = {
            "part": _ref(part),
            "quantity": query["quantity"],
            "requirements": [
                {"part": _ref(parts[p]), "quantity": q}
                for p, q in sorted(required.items(), key=lambda item: parts[item[0]].sku)
            ],
        }
        return Response(serializers.ExplodeSerializer(data).data)

    @extend_schema(
        parameters=[serializers.IncludeOptionalQuerySerializer],
        responses=serializers.CostSerializer,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def cost(self, request: Request, pk: str | None = None) -> Response:
        """Material cost of one unit through all levels, with every line's contribution."""
        part = self.get_object()
        query = _query(serializers.IncludeOptionalQuerySerializer, request)
        rollup, parts = selectors.cost_rollup(part=part, include_optional=query["include_optional"])
        data = {
            "part": _ref(part),
            "unit_cost": rollup.unit_cost,
            "currency": part.currency,
            "lines": _cost_lines(rollup, parts),
        }
        return Response(serializers.CostSerializer(data).data)

    @extend_schema(
        responses={200: OpenApiResponse(serializers.WhereUsedSerializer(many=True))}, parameters=[]
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="where-used",
        pagination_class=None,
        filter_backends=[],
    )
    def where_used(self, request: Request, pk: str | None = None) -> Response:
        """Every assembly that uses the part, at any depth, with the quantity per unit."""
        part = self.get_object()
        rows = [
            {"part": _ref(row["part"]), "level": row["level"], "quantity": row["quantity"]}
            for row in selectors.where_used(part=part)
        ]
        return Response(serializers.WhereUsedSerializer(rows, many=True).data)
