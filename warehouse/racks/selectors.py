"""Rack reads: racks, placements and connections as pure layouts, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet

from warehouse.choices import LocationKind
from warehouse.models import Asset, Connection, Location, RackPlacement
from warehouse.racks.analysis import RackAnalysis, analyse
from warehouse.racks.layout import Device, Layout, RackSpec, Slot


def _float(value) -> float | None:
    return float(value) if value is not None else None


def rack_queryset() -> QuerySet[Location]:
    return Location.objects.filter(kind=LocationKind.RACK).select_related("warehouse")


def rack_spec(rack: Location) -> RackSpec:
    return RackSpec(
        height_u=rack.rack_height_u or 0,
        name=str(rack),
        depth_mm=rack.rack_depth_mm,
        max_weight_kg=_float(rack.max_weight_kg),
        max_power_w=_float(rack.max_power_w),
        cooling_capacity_btu_h=_float(rack.cooling_capacity_btu_h),
        max_inlet_temp_c=_float(rack.max_inlet_temp_c),
        ambient_temp_c=_float(rack.ambient_temp_c),
    )


def device_from_asset(asset: Asset, placement: RackPlacement | None = None) -> Device:
    part = asset.part
    return Device(
        id=asset.pk,
        name=asset.name,
        model=part.name,
        device_type=part.device_type or "other",
        height_u=placement.height_u if placement else (part.height_u or 1),
        is_full_depth=placement.is_full_depth if placement else part.is_full_depth,
        depth_mm=part.depth_mm,
        weight_kg=_float(part.weight_kg) or 0.0,
        power_w=_float(part.power_w) or 0.0,
        heat_btu_h=_float(part.heat_btu_h),
        airflow=part.airflow,
        access_frequency=asset.access_frequency,
    )


def rack_placements(rack: Location) -> list[RackPlacement]:
    return list(
        RackPlacement.objects.filter(rack=rack)
        .select_related("asset__part__manufacturer")
        .order_by("-start_u", "face")
    )


def layout_from_placements(rack: Location, placements: Iterable[RackPlacement]) -> Layout:
    placements = list(placements)
    devices = {p.asset_id: device_from_asset(p.asset, p) for p in placements}
    slots = {p.asset_id: Slot(p.start_u, p.face) for p in placements}
    locked = frozenset(p.asset_id for p in placements if p.is_locked)
    return Layout(rack_spec(rack), devices, slots, locked)


def rack_layout(rack: Location, *, with_connections: bool = True) -> Layout:
    """The rack's layout (3 queries: placements with their parts, then connections)."""
    layout = layout_from_placements(rack, rack_placements(rack))
    if with_connections and layout.devices:
        ids = list(layout.devices)
        links = Connection.objects.filter(a_asset_id__in=ids, b_asset_id__in=ids).values_list(
            "a_asset_id", "b_asset_id"
        )
        layout.connections = tuple(sorted(links))
    return layout


def racks_with_analysis(
    racks: QuerySet[Location] | None = None,
) -> list[tuple[Location, RackAnalysis]]:
    """Each rack with its analysis, for the list page and the API list (2 queries in total)."""
    racks = (racks if racks is not None else rack_queryset()).prefetch_related(
        Prefetch(
            "placements",
            queryset=RackPlacement.objects.select_related("asset__part"),
            to_attr="prefetched_placements",
        )
    )
    return [
        (rack, analyse(layout_from_placements(rack, rack.prefetched_placements))) for rack in racks
    ]


def rack_connections(rack: Location) -> QuerySet[Connection]:
    return (
        Connection.objects.filter(
            Q(a_asset__placement__rack=rack) | Q(b_asset__placement__rack=rack)
        )
        .select_related("a_asset", "b_asset")
        .distinct()
    )


def unplaced_device_assets() -> QuerySet[Asset]:
    """Assets of rack-mountable parts that are not in any rack yet."""
    return (
        Asset.objects.filter(placement__isnull=True, part__height_u__isnull=False)
        .select_related("part")
        .order_by("name")
    )


def find_rack(code: str) -> Location:
    """A rack by code, or WAREHOUSE/CODE when codes repeat; raises Location.DoesNotExist."""
    racks = rack_queryset()
    if "/" in code:
        warehouse_code, rack_code = code.split("/", 1)
        return racks.get(warehouse__code=warehouse_code, code=rack_code)
    matches = list(racks.filter(code=code)[:2])
    if len(matches) != 1:
        if matches:
            raise Location.MultipleObjectsReturned(
                f"Rack code {code} exists in several warehouses; use WAREHOUSE/{code}."
            )
        raise Location.DoesNotExist(f"No rack with code {code}.")
    return matches[0]


def device_search(*, text: str, limit: int) -> list[Asset]:
    """Unplaced rack devices whose name, serial number, asset tag or model name holds ``text``,
    by name; at most ``limit`` (the placement picker's autocomplete)."""
    devices = unplaced_device_assets()
    if text:
        devices = devices.filter(
            Q(name__icontains=text)
            | Q(serial_number__icontains=text)
            | Q(asset_tag__icontains=text)
            | Q(part__name__icontains=text)
        )
    return list(devices.order_by("name", "pk")[:limit])
