"""Rack API views: thin viewsets that validate, call the rack services and selectors, and render.

Refusals are RackRuleError (a config.errors.DomainError): the project's one exception handler
renders them ({detail, rule, rules, devices} with 400 or 409), so no view catches them.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from warehouse.models import Asset, Connection, RackPlacement
from warehouse.racks.analysis import analyse
from warehouse.racks.api.permissions import RackPermission
from warehouse.racks.api.serializers import (
    ApplyInputSerializer,
    ApplyResultSerializer,
    AssetSerializer,
    BadInputSerializer,
    ConnectionSerializer,
    LayoutSerializer,
    OptimiseInputSerializer,
    PlacementCreatedSerializer,
    PlacementInputSerializer,
    PlacementSerializer,
    ProposalSerializer,
    RackRefusalSerializer,
    RackSerializer,
    ThermalSerializer,
)
from warehouse.racks.filters import AssetFilterSet, ConnectionFilterSet, RackFilterSet
from warehouse.racks.selectors import (
    rack_cached,
    rack_layout,
    rack_placements,
    rack_queryset,
    racks_with_analysis,
)
from warehouse.racks.services import (
    placement_create,
    placement_delete,
    proposal_apply,
    proposal_make,
)

ERRORS = {
    400: OpenApiResponse(
        response=BadInputSerializer,
        description="Bad input ({field: [messages]}) or a placement rule refused the change "
        "(detail, rule, rules, devices).",
    ),
    404: OpenApiResponse(description="No such rack (or placement)."),
    409: OpenApiResponse(
        response=RackRefusalSerializer,
        description="The units are taken, the device is already mounted, or the rack changed "
        "since the proposal.",
    ),
}


class RackViewSet(viewsets.ReadOnlyModelViewSet):
    """Racks (locations of kind rack) with their analysis, layout and optimiser."""

    permission_classes = [RackPermission]
    serializer_class = RackSerializer
    filterset_class = RackFilterSet
    search_fields = ["code", "name"]
    ordering_fields = ["code"]

    def get_queryset(self):
        return rack_queryset().order_by("warehouse__code", "code")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        ids = [rack.pk for rack in page]
        analyses = {
            rack.pk: result
            for rack, result in racks_with_analysis(rack_queryset().filter(pk__in=ids))
        }
        serializer = self.get_serializer(
            page, many=True, context={**self.get_serializer_context(), "analyses": analyses}
        )
        return self.get_paginated_response(serializer.data)

    @extend_schema(responses={200: LayoutSerializer, 404: ERRORS[404]})
    @action(detail=True, methods=["get"])
    def layout(self, request: Request, pk: str | None = None) -> Response:
        """The rack, its placements and its thermal analysis (cached under the rack revision)."""
        return Response(rack_cached(pk, "layout", self._layout))

    def _layout(self) -> dict[str, Any]:
        rack = self.get_object()
        placements = rack_placements(rack)
        result = analyse(rack_layout(rack, placements=placements))
        return {
            "rack": RackSerializer(rack, context={"analyses": {rack.pk: result}}).data,
            "placements": PlacementSerializer(placements, many=True).data,
            "thermal": ThermalSerializer(result.to_dict()).data,
        }

    @extend_schema(responses={200: ThermalSerializer, 404: ERRORS[404]})
    @action(detail=True, methods=["get"])
    def thermal(self, request: Request, pk: str | None = None) -> Response:
        return Response(rack_cached(pk, "thermal", self._thermal))

    def _thermal(self) -> dict[str, Any]:
        return ThermalSerializer(analyse(rack_layout(self.get_object())).to_dict()).data

    @extend_schema(
        request=PlacementInputSerializer,
        responses={201: PlacementCreatedSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def placements(self, request: Request, pk: str | None = None) -> Response:
        """Mount a device; 201 with `warnings` naming any hot spot the placement creates."""
        rack = self.get_object()
        serializer = PlacementInputSerializer(data=request.data, context={"rack": rack})
        serializer.is_valid(raise_exception=True)
        placement = placement_create(rack=rack, user=request.user, **serializer.validated_data)
        return Response(PlacementCreatedSerializer(placement).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, 404: ERRORS[404]})
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"placements/(?P<placement_id>[0-9]+)",
        url_name="placement-detail",
    )
    def placement_detail(
        self, request: Request, pk: str | None = None, placement_id: str | None = None
    ) -> Response:
        rack = self.get_object()
        placement = get_object_or_404(RackPlacement, pk=placement_id, rack=rack)
        placement_delete(placement=placement, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=OptimiseInputSerializer,
        responses={200: ProposalSerializer, 400: ERRORS[400], 404: ERRORS[404]},
    )
    # The code says "optimise" everywhere; the published path keeps the spelling "optimize"
    # (README, existing clients, the operation id racks_optimize_create). Decision: one path,
    # no second spelling, so the schema has one operation for it.
    @action(detail=True, methods=["post"], url_path="optimize", url_name="optimize")
    def optimise(self, request: Request, pk: str | None = None) -> Response:
        """Propose a better placement; nothing is written."""
        rack = self.get_object()
        serializer = OptimiseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = proposal_make(
            rack=rack,
            weights=serializer.validated_data.get("weights"),
            seed=serializer.validated_data["seed"],
            locked=serializer.validated_data["locked"],
        )
        return Response(ProposalSerializer(proposal.to_dict()).data)

    @extend_schema(
        request=ApplyInputSerializer,
        responses={200: ApplyResultSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: str | None = None) -> Response:
        """Apply a whole proposal in one transaction.

        400 when the moves are not the proposal's complete, unchanged set; 409 when the rack
        changed since the proposal (its fingerprint differs); nothing moves in either case.
        """
        rack = self.get_object()
        serializer = ApplyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        moved = proposal_apply(rack=rack, user=request.user, **serializer.validated_data)
        placements = PlacementSerializer(rack_placements(rack), many=True).data
        return Response({"moved": len(moved), "placements": placements})


class AssetViewSet(viewsets.ModelViewSet):
    """Serialised devices (assets of rack-mountable parts) and where they are mounted."""

    queryset = Asset.objects.select_related("part", "placement__rack").order_by("name", "id")
    serializer_class = AssetSerializer
    filterset_class = AssetFilterSet
    search_fields = ["name", "serial_number", "asset_tag", "hostname"]
    ordering_fields = ["name", "status"]


class ConnectionViewSet(viewsets.ModelViewSet):
    """Cables between devices; the optimiser keeps connected devices close."""

    queryset = Connection.objects.select_related("a_asset", "b_asset").order_by("id")
    serializer_class = ConnectionSerializer
    filterset_class = ConnectionFilterSet
    ordering_fields = ["id"]
