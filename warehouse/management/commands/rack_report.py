"""Print a rack's elevation as text (front | rear, top to bottom) and its analysis."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from warehouse.models import Location
from warehouse.racks.analysis import analyse
from warehouse.racks.elevation import elevation_text
from warehouse.racks.selectors import find_rack, rack_layout


class Command(BaseCommand):
    help = "Print a rack's elevation and analysis. CODE is the rack code or WAREHOUSE/CODE."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("code", help="Rack location code, or WAREHOUSE/CODE.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rack = find_rack(options["code"])
        except (Location.DoesNotExist, Location.MultipleObjectsReturned) as error:
            raise CommandError(str(error.args[0]) if error.args else "No such rack.")
        layout = rack_layout(rack)
        result = analyse(layout)
        out = self.stdout.write
        out(f"Rack {rack} — {rack.name or rack.code}, {result.height_u}U")
        out(elevation_text(layout))
        out("")
        out(
            f"Space:  {result.used_u} U used, {result.free_u} U free "
            f"(largest free block {result.largest_free_block_u} U"
            + (
                f" from U{result.largest_free_block_start_u})"
                if result.largest_free_block_start_u
                else ")"
            )
            + f", utilisation {result.utilisation_pct} %"
        )
        out(f"Weight: {_against(result.weight_kg, result.max_weight_kg, 'kg', result.weight_pct)}")
        out(f"Power:  {_against(result.power_w, result.max_power_w, 'W', result.power_pct)}")
        out(
            "Heat:   "
            + _against(result.heat_btu_h, result.cooling_capacity_btu_h, "BTU/h", result.heat_pct)
        )
        out("Thermal zones:")
        for zone in reversed(result.zones):
            out(
                f"  {zone.name:<7} U{zone.first_u}–U{zone.last_u}: {zone.heat_btu_h:,.0f} BTU/h "
                f"({zone.share_pct} %), {zone.power_w:,.0f} W"
            )
        out(f"Hot spots (max inlet {result.max_inlet_c} °C): {len(result.hot_spots) or 'none'}")
        for spot in result.hot_spots:
            out(f"  {spot.message}")
        out(f"Airflow conflicts: {len(result.airflow_conflicts) or 'none'}")
        for conflict in result.airflow_conflicts:
            out(f"  {conflict.message}")


def _against(value: float, limit: float | None, unit: str, pct: float | None) -> str:
    if limit is None:
        return f"{value:,.1f} {unit} (no limit recorded)"
    return f"{value:,.1f} of {limit:,.1f} {unit} ({pct} %)"
