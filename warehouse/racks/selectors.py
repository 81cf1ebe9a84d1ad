"""Rack reads: racks, placements and connections as pure layouts, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet

from config.revisions import Revision, cached_under
from inventory.models import Part
from warehouse.choices import LocationKind
from warehouse.models import Asset, Connection, Location, RackPlacement, Warehouse
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


def rack_layout(
    rack: Location,
    *,
    with_connections: bool = True,
    placements: Iterable[RackPlacement] | None = None,
) -> Layout:
    """The rack's layout (2 queries: placements with their parts, then connections).

    ``placements``: the rack's placements if the caller has read them already (rack_placements).
    """
    if placements is None:
        placements = rack_placements(rack)
    layout = layout_from_placements(rack, placements)
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


# A rack's layout and thermal analysis change only when the rack does: what a read computes from
# them is kept in the shared cache under the *rack revision*, which every change to what a layout
# is made of replaces: a rack service's write (all of them lock the rack first: the lock bumps),
# and any save or delete of a location, warehouse, placement, asset, connection or part (a part's
# power, heat or size). A bump replaces the revision at once and again after the commit, so a read
# that saw the old rows cannot store them under the new revision. Writes that bypass the model
# signals (QuerySet.update, raw SQL) must call rack_revision_bump() themselves.
RACK_REVISION = Revision("racks")
RACK_REVISION_KEY = RACK_REVISION.key


def rack_revision_bump() -> None:
    """Forget every cached rack read (now, and once more when the transaction commits)."""
    RACK_REVISION.bump()


def rack_cached(rack_id: int | str, name: str, build: Callable[[], Any]) -> Any:
    """``build()``'s answer for this rack, kept until the rack revision changes (or for at most
    RACK_CACHE_SECONDS)."""
    timeout = getattr(settings, "RACK_CACHE_SECONDS", 600)
    return cached_under([RACK_REVISION], f"racks:{name}:{rack_id}", build, timeout=timeout)


def connect_rack_cache_receivers() -> None:
    """Connected once, in WarehouseConfig.ready(), so every process that writes bumps."""
    RACK_REVISION.connect(Location, Warehouse, RackPlacement, Asset, Connection, Part)
