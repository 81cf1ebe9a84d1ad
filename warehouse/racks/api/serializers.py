"""Rack API serializers: racks with their analysis and layout, placements, the optimiser's
input and proposal, assets and connections, and the refusal bodies for the schema."""

from __future__ import annotations

import copy
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from warehouse.choices import RackFace
from warehouse.models import Asset, Connection, Location, RackPlacement
from warehouse.racks.analysis import RackAnalysis, analyse
from warehouse.racks.layout import RULES
from warehouse.racks.optimiser import DEFAULT_WEIGHTS, MAX_WEIGHT, WeightsError, normalise_weights
from warehouse.racks.selectors import rack_layout


class RackRefusalSerializer(serializers.Serializer):
    """The body of a refusal by a rack rule (409, or 400 for rules that are not conflicts)."""

    detail = serializers.CharField(help_text="Every reason, readable, naming the devices.")
    rule = serializers.ChoiceField(
        choices=RULES, help_text="The first rule that refused the change."
    )
    rules = serializers.ListField(
        child=serializers.ChoiceField(choices=RULES), help_text="Every rule that refused it."
    )
    devices = serializers.ListField(
        child=serializers.IntegerField(), help_text="Asset ids of the devices concerned."
    )


class BadInputSerializer(RackRefusalSerializer):
    """A 400: field errors ({field: [messages]}), or a rack rule's refusal (the fields below)."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for field in fields.values():
            field.required = False  # absent when the 400 is a field error
        return fields


class ZoneSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="bottom, middle or top third of the rack.")
    first_u = serializers.IntegerField(help_text="Lowest unit of the zone.")
    last_u = serializers.IntegerField(help_text="Highest unit of the zone.")
    heat_btu_h = serializers.FloatField(help_text="Heat produced in the zone, BTU/h.")
    power_w = serializers.FloatField(help_text="Power drawn in the zone, W.")
    share_pct = serializers.FloatField(help_text="Share of the rack's heat made in this zone.")


class HotSpotSerializer(serializers.Serializer):
    device_id = serializers.IntegerField(help_text="Asset id of the device.")
    name = serializers.CharField(help_text="Asset name.")
    inlet_c = serializers.FloatField(help_text="Estimated inlet temperature, °C.")
    max_inlet_c = serializers.FloatField(help_text="The rack's maximum inlet temperature, °C.")
    message = serializers.CharField(help_text="Readable explanation.")


class AirflowConflictSerializer(serializers.Serializer):
    device_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="Asset ids of the two neighbours."
    )
    names = serializers.ListField(child=serializers.CharField(), help_text="Their names.")
    message = serializers.CharField(help_text="Readable explanation.")


class HeatSerializer(serializers.Serializer):
    """The heat figures the rack's analysis and its thermal view share."""

    heat_btu_h = serializers.FloatField(help_text="Total heat load, BTU/h.")
    cooling_capacity_btu_h = serializers.FloatField(
        allow_null=True, help_text="The rack's cooling capacity, BTU/h."
    )
    heat_pct = serializers.FloatField(allow_null=True, help_text="Heat against cooling, %.")
    ambient_c = serializers.FloatField(help_text="Ambient temperature used by the model, °C.")
    max_inlet_c = serializers.FloatField(help_text="Maximum inlet temperature, °C.")


class AnalysisSerializer(HeatSerializer):
    """A rack's space, weight, power and heat against its limits."""

    height_u = serializers.IntegerField(help_text="Rack height in U.")
    used_u = serializers.IntegerField(help_text="Units with a device on either face.")
    free_u = serializers.IntegerField(help_text="Units with nothing mounted on either face.")
    largest_free_block_u = serializers.IntegerField(
        help_text="Size of the largest contiguous block of free units."
    )
    largest_free_block_start_u = serializers.IntegerField(
        allow_null=True, help_text="Lowest unit of that block (null when the rack is full)."
    )
    utilisation_pct = serializers.FloatField(help_text="used_u / height_u × 100.")
    device_count = serializers.IntegerField(help_text="Devices mounted.")
    weight_kg = serializers.FloatField(help_text="Total weight of the devices, kg.")
    max_weight_kg = serializers.FloatField(allow_null=True, help_text="The rack's limit, kg.")
    weight_pct = serializers.FloatField(allow_null=True, help_text="Weight against the limit, %.")
    power_w = serializers.FloatField(help_text="Total power draw, W.")
    max_power_w = serializers.FloatField(allow_null=True, help_text="The rack's limit, W.")
    power_pct = serializers.FloatField(allow_null=True, help_text="Power against the limit, %.")


class ThermalSerializer(HeatSerializer):
    """A rack's thermal view: heat by third, inlet estimates, hot spots, airflow conflicts."""

    zones = ZoneSerializer(many=True, help_text="Bottom, middle and top thirds.")
    inlet_c = serializers.DictField(
        child=serializers.FloatField(),
        help_text="Estimated inlet temperature per asset id, °C (see analysis.py for the model).",
    )
    hot_spots = HotSpotSerializer(many=True, help_text="Devices whose inlet exceeds the maximum.")
    airflow_conflicts = AirflowConflictSerializer(
        many=True, help_text="Neighbours with opposite airflow."
    )


class RackSerializer(serializers.ModelSerializer):
    warehouse_code = serializers.CharField(
        source="warehouse.code", read_only=True, help_text="Code of the warehouse."
    )
    analysis = serializers.SerializerMethodField(help_text="Space, weight, power and heat.")

    class Meta:
        model = Location
        fields = [
            "id",
            "code",
            "name",
            "warehouse",
            "warehouse_code",
            "parent",
            *Location.RACK_FIELDS,
            "analysis",
        ]
        extra_kwargs = {
            "code": {"help_text": "Rack code, unique within its warehouse."},
            "name": {"help_text": "Display name."},
            "warehouse": {"help_text": "Warehouse (site) id."},
            "parent": {"help_text": "Parent location id (room or zone)."},
            "rack_width": {"help_text": 'Width class: 19" or 23".'},
            "rack_depth_mm": {"help_text": "Usable mounting depth, mm."},
            "max_weight_kg": {"help_text": "Maximum load, kg."},
            "max_power_w": {"help_text": "Maximum power draw, W."},
            "cooling_capacity_btu_h": {"help_text": "Cooling capacity, BTU/h."},
            "max_inlet_temp_c": {"help_text": "Maximum device inlet temperature, °C."},
            "ambient_temp_c": {"help_text": "Ambient (supply air) temperature, °C."},
        }

    @extend_schema_field(AnalysisSerializer)
    def get_analysis(self, rack: Location) -> dict[str, Any]:
        analyses: dict[int, RackAnalysis] = self.context.get("analyses", {})
        result = analyses.get(rack.pk) or analyse(rack_layout(rack, with_connections=False))
        data = result.to_dict()
        return {name: data[name] for name in AnalysisSerializer().fields}


class PlacementSerializer(serializers.ModelSerializer):
    asset_name = serializers.CharField(source="asset.name", read_only=True, help_text="Asset.")
    model = serializers.CharField(source="asset.part.name", read_only=True, help_text="Part.")
    device_type = serializers.CharField(
        source="asset.part.device_type", read_only=True, help_text="Device type of the part."
    )
    end_u = serializers.IntegerField(read_only=True, help_text="Highest unit occupied.")

    class Meta:
        model = RackPlacement
        fields = [
            "id",
            "asset",
            "asset_name",
            "model",
            "device_type",
            "start_u",
            "end_u",
            "height_u",
            "face",
            "is_full_depth",
            "is_locked",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "asset": {"help_text": "Asset id."},
            "start_u": {"help_text": "Lowest unit occupied (1 = bottom)."},
            "height_u": {"help_text": "Height in U, copied from the part."},
            "face": {"help_text": "front or rear."},
            "is_full_depth": {"help_text": "Blocks both faces at its units."},
            "is_locked": {"help_text": "The optimiser must not move it."},
        }


class PlacementCreatedSerializer(PlacementSerializer):
    """A new placement, with the warnings of a placement that is allowed but worth a look."""

    warnings = serializers.SerializerMethodField(
        help_text="Hot spots the placement creates (devices whose estimated inlet now exceeds "
        "the rack's maximum); the placement is made, but the rack runs hot there."
    )

    class Meta(PlacementSerializer.Meta):
        fields = [*PlacementSerializer.Meta.fields, "warnings"]
        read_only_fields = fields

    def get_warnings(self, placement: RackPlacement) -> list[str]:
        return [spot.message for spot in getattr(placement, "new_hot_spots", [])]


class LayoutSerializer(serializers.Serializer):
    rack = RackSerializer(help_text="The rack with its analysis.")
    placements = PlacementSerializer(many=True, help_text="Devices, top of the rack first.")
    thermal = ThermalSerializer(help_text="Thermal view.")


class PlacementInputSerializer(serializers.Serializer):
    asset = serializers.PrimaryKeyRelatedField(
        queryset=Asset.objects.all(), help_text="Id of the asset to mount."
    )
    start_u = serializers.IntegerField(
        min_value=1, max_value=60, help_text="Lowest unit the device will occupy (1 = bottom)."
    )
    face = serializers.ChoiceField(
        choices=RackFace.choices, default=RackFace.FRONT, help_text="front or rear."
    )
    is_locked = serializers.BooleanField(
        default=False, help_text="Lock the device against the optimiser."
    )

    def validate_start_u(self, value: int) -> int:
        rack: Location = self.context["rack"]
        if value > (rack.rack_height_u or 0):
            raise serializers.ValidationError(
                f"Must be between 1 and {rack.rack_height_u}: the rack has {rack.rack_height_u}U."
            )
        return value


def _weight_field(name: str, help_text: str) -> serializers.FloatField:
    return serializers.FloatField(
        required=False,
        help_text=f"{help_text} 0–{MAX_WEIGHT:g}, default {DEFAULT_WEIGHTS[name]:g}.",
    )


class WeightsSerializer(serializers.Serializer):
    """Weights 0–10 per objective, the same scale as the page; unknown names are refused.

    The fields give the types and the schema; the rule (known names, 0–10, one objective above
    0) is the optimiser's own normalise_weights, which the page's form calls too.
    """

    thermal = _weight_field("thermal", "Heat low and spread out.")
    weight = _weight_field("weight", "Heavy devices low.")
    power = _weight_field("power", "Power balanced across the thirds.")
    cable = _weight_field("cable", "Connected devices close together.")
    access = _weight_field("access", "Busy devices at waist height.")
    moves = _weight_field("moves", "Cost of moving a device (keeps devices where they are).")

    def to_internal_value(self, data: Any) -> dict[str, float]:
        weights = super().to_internal_value(data)
        unknown = {key: 0 for key in data if key not in self.fields}
        try:
            normalise_weights({**unknown, **weights})
        except WeightsError as error:
            raise serializers.ValidationError(str(error))
        return weights


class OptimiseInputSerializer(serializers.Serializer):
    weights = WeightsSerializer(
        required=False, help_text="Weight of each objective, 0–10 (unknown names are refused)."
    )
    locked = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        max_length=500,
        help_text="Asset ids that must not move (in addition to locked placements).",
    )
    seed = serializers.IntegerField(
        min_value=0,
        max_value=2**31 - 1,
        default=0,
        help_text="Random seed; same seed, same result.",
    )


class ScoreSerializer(serializers.Serializer):
    total = serializers.FloatField(help_text="Weighted score 0–100, higher is better.")
    thermal = serializers.FloatField(help_text="Thermal score 0–100.")
    weight = serializers.FloatField(help_text="Weight score 0–100.")
    power = serializers.FloatField(help_text="Power balance score 0–100.")
    cable = serializers.FloatField(help_text="Cable length score 0–100.")
    access = serializers.FloatField(help_text="Access score 0–100.")
    moves = serializers.FloatField(help_text="Share of devices left in place, 0–100.")


class MoveSerializer(serializers.Serializer):
    asset = serializers.IntegerField(min_value=1, help_text="Asset id.")
    name = serializers.CharField(required=False, help_text="Asset name (ignored on input).")
    from_u = serializers.IntegerField(min_value=1, max_value=60, help_text="Current start unit.")
    from_face = serializers.ChoiceField(choices=RackFace.choices, help_text="Current face.")
    to_u = serializers.IntegerField(min_value=1, max_value=60, help_text="Proposed start unit.")
    to_face = serializers.ChoiceField(choices=RackFace.choices, help_text="Proposed face.")


class ProposalSerializer(serializers.Serializer):
    score_before = ScoreSerializer(help_text="Scores of the current layout.")
    score_after = ScoreSerializer(help_text="Scores of the proposed layout.")
    improvement = serializers.FloatField(help_text="after.total − before.total (never negative).")
    moves = MoveSerializer(many=True, help_text="Devices to move; empty when nothing is better.")
    move_count = serializers.IntegerField(help_text="Number of devices the proposal moves.")
    weights = serializers.DictField(child=serializers.FloatField(), help_text="Weights used.")
    seed = serializers.IntegerField(help_text="Seed used.")
    iterations = serializers.IntegerField(help_text="Search steps taken.")
    step_budget = serializers.IntegerField(
        help_text="Search steps planned; the search stops there, so a seed reproduces the result."
    )
    truncated = serializers.BooleanField(
        help_text="True if the wall-clock safety cap stopped the search before its step budget: "
        "the result may then differ from another run with the same seed."
    )
    elapsed_ms = serializers.FloatField(help_text="Time the optimiser took, ms.")
    violations = serializers.ListField(
        child=serializers.CharField(), help_text="Hard-rule problems of the layout (normally none)."
    )
    fingerprint = serializers.CharField(
        help_text="Hash of the rack's limits and placements the proposal was computed for."
    )
    signature = serializers.CharField(
        help_text="Signature of the fingerprint and the complete move set; post both back "
        "unchanged with all the moves to apply the proposal."
    )


class ApplyInputSerializer(serializers.Serializer):
    fingerprint = serializers.CharField(
        max_length=64, help_text="The proposal's fingerprint, unchanged."
    )
    signature = serializers.CharField(
        max_length=200, help_text="The proposal's signature, unchanged."
    )
    moves = MoveSerializer(
        many=True, allow_empty=False, help_text="All of the proposal's moves, unchanged."
    )


class ApplyResultSerializer(serializers.Serializer):
    moved = serializers.IntegerField(help_text="Number of devices moved.")
    placements = PlacementSerializer(many=True, help_text="The rack's placements after applying.")


class AssetSerializer(serializers.ModelSerializer):
    placement = serializers.SerializerMethodField(help_text="Where it is mounted, or null.")

    class Meta:
        model = Asset
        fields = [
            "id",
            "part",
            "name",
            "serial_number",
            "asset_tag",
            "hostname",
            "ip_address",
            "status",
            "location",
            "access_frequency",
            "notes",
            "placement",
        ]
        extra_kwargs = {
            "part": {"help_text": "Id of the device model (a part with rack specs)."},
            "name": {"help_text": "Display name, e.g. the hostname."},
            "serial_number": {
                "help_text": "Manufacturer serial number (unique); blank is stored as null."
            },
            "asset_tag": {"help_text": "Inventory tag (unique); blank is stored as null."},
            "hostname": {"help_text": "DNS hostname."},
            "ip_address": {"help_text": "Management IP address."},
            "status": {"help_text": "active, inactive, maintenance or failed."},
            "location": {"help_text": "Where the asset is kept when it is not racked."},
            "access_frequency": {"help_text": "0 (never touched) to 10 (handled daily)."},
            "notes": {"help_text": "Free text."},
        }

    @extend_schema_field(PlacementSerializer(allow_null=True))
    def get_placement(self, asset: Asset) -> dict[str, Any] | None:
        placement = getattr(asset, "placement", None)
        return PlacementSerializer(placement).data if placement else None

    def validate_serial_number(self, value: str | None) -> str | None:
        return value or None  # blank is "none": the column is unique, NULLs are not compared

    def validate_asset_tag(self, value: str | None) -> str | None:
        return value or None

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Asset.clean holds the rule that a mounted asset keeps its part (racks/validation.py).
        candidate = copy.copy(self.instance) if self.instance is not None else Asset()
        for name, value in attrs.items():
            setattr(candidate, name, value)
        candidate.clean()
        return attrs


class ConnectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Connection
        fields = ["id", "a_asset", "a_port", "b_asset", "b_port", "cable_type", "length_m"]
        extra_kwargs = {
            "a_asset": {"help_text": "Asset id of end A."},
            "a_port": {"help_text": "Port on end A, e.g. eth0."},
            "b_asset": {"help_text": "Asset id of end B."},
            "b_port": {"help_text": "Port on end B, e.g. Gi1/0/1."},
            "cable_type": {"help_text": "Cable type."},
            "length_m": {"help_text": "Cable length in metres (> 0)."},
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        a_asset = attrs.get("a_asset", getattr(self.instance, "a_asset", None))
        b_asset = attrs.get("b_asset", getattr(self.instance, "b_asset", None))
        if a_asset is not None and a_asset == b_asset:
            raise serializers.ValidationError({"b_asset": "A cable needs two different devices."})
        length = attrs.get("length_m")
        if length is not None and length <= 0:
            raise serializers.ValidationError({"length_m": "Must be greater than 0."})
        return attrs
