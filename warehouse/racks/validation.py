"""Checks that an edit to a rack or an asset leaves the devices already mounted valid.

Location.clean() and Asset.clean() call these, so the admin, the API and every full_clean()
refuse a rack made lower, shallower or weaker than what it already holds, and a mounted asset
whose part (and so its height and depth) would change under its placement.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from warehouse.choices import LocationKind
from warehouse.racks.layout import units_label

if TYPE_CHECKING:
    from warehouse.models import Asset, Location

LISTED = 5  # devices named in one message before "and N more"


def _number(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None  # clean_fields reports the bad value itself


def _fmt(value: Decimal | float) -> str:
    value = Decimal(str(value))
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.1f}"


def _names(items: list[str]) -> str:
    shown = ", ".join(items[:LISTED])
    return shown + (f" and {len(items) - LISTED} more" if len(items) > LISTED else "")


def rack_limits_errors(rack: Location) -> dict[str, list[str]]:
    """Field errors for a rack's (possibly unsaved) limits against the devices mounted in it."""
    if rack.pk is None:
        return {}
    from warehouse.models import RackPlacement

    placements = list(
        RackPlacement.objects.filter(rack_id=rack.pk)
        .select_related("asset__part")
        .order_by("-start_u", "face")
    )
    if not placements:
        return {}
    errors: dict[str, list[str]] = {}
    if rack.kind != LocationKind.RACK:
        errors["kind"] = [
            f"{rack.code} holds {len(placements)} mounted device(s) "
            f"({_names([p.asset.name for p in placements])}); remove them before it stops "
            "being a rack."
        ]
        return errors
    height = _number(rack.rack_height_u)
    if height is not None:
        above = [
            f"{p.asset.name} at {units_label(p.start_u, p.height_u)}"
            for p in placements
            if p.start_u + p.height_u - 1 > height
        ]
        if above:
            errors["rack_height_u"] = [
                f"{_fmt(height)} U is too low for the devices mounted above U{_fmt(height)}: "
                f"{_names(above)}; move or remove them first."
            ]
    depth = _number(rack.rack_depth_mm)
    if depth is not None:
        deep = [
            f"{p.asset.name} ({p.asset.part.depth_mm} mm)"
            for p in placements
            if p.asset.part.depth_mm and p.asset.part.depth_mm > depth
        ]
        if deep:
            errors["rack_depth_mm"] = [
                f"{_fmt(depth)} mm is shallower than mounted devices: {_names(deep)}."
            ]
    for field, attribute, unit, what in (
        ("max_weight_kg", "weight_kg", "kg", "weigh"),
        ("max_power_w", "power_w", "W", "draw"),
    ):
        limit = _number(getattr(rack, field))
        if limit is None:
            continue
        loads = sorted(
            ((getattr(p.asset.part, attribute) or Decimal(0), p.asset.name) for p in placements),
            reverse=True,
        )
        total = sum(value for value, _ in loads)
        if total > limit:
            largest = [f"{name} {_fmt(value)} {unit}" for value, name in loads if value > 0]
            errors[field] = [
                f"The {len(placements)} devices mounted {what} {_fmt(total)} {unit}, more than "
                f"{_fmt(limit)} {unit} (largest: {_names(largest)}); remove devices first."
            ]
    return errors


def asset_part_change_errors(asset: Asset) -> dict[str, list[str]]:
    """A mounted asset keeps its part: its placement was checked with that part's height and
    depth, and copied its height; changing the part would leave the rack's rules unchecked."""
    if asset.pk is None or asset.part_id is None:
        return {}
    from warehouse.models import Asset as AssetModel
    from warehouse.models import RackPlacement

    stored_part = AssetModel.objects.filter(pk=asset.pk).values_list("part_id", flat=True).first()
    if stored_part is None or stored_part == asset.part_id:
        return {}
    placement = RackPlacement.objects.filter(asset_id=asset.pk).select_related("rack").first()
    if placement is None:
        return {}
    return {
        "part": [
            f"{asset.name} is mounted in {placement.rack} at "
            f"{units_label(placement.start_u, placement.height_u)} {placement.face}; remove it "
            "from the rack before changing its part (the placement was checked against the "
            "current part's height and depth)."
        ]
    }
