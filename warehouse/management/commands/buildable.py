"""Print how many units of an assembly the stock allows, what limits it and what is short."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from config.numbers import format_quantity
from inventory.models import Part
from warehouse.planning.selectors import build_plan, shortage_rows
from warehouse.selectors import resolve_warehouse


class Command(BaseCommand):
    help = "Buildable quantity of SKU from stock (optionally one warehouse) and shortages for N."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("sku", help="SKU of the assembly (any case).")
        parser.add_argument("--warehouse", help="Warehouse code; all warehouses when left out.")
        parser.add_argument("--quantity", type=int, help="Target quantity for the shortage list.")
        parser.add_argument(
            "--include-optional", action="store_true", help="Also require optional BOM lines."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        part = Part.objects.filter(sku__iexact=options["sku"]).first()
        if part is None:
            raise CommandError(f"No part with SKU {options['sku']}.")
        try:
            plan = build_plan(
                part=part,
                quantity=options["quantity"],
                warehouse=resolve_warehouse(options["warehouse"]),
                include_optional=options["include_optional"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages))
        scope = plan.warehouse.code if plan.warehouse else "all warehouses"
        write = self.stdout.write
        write(f"{part.sku} — {part.name}")
        write(f"Buildable now ({scope}): {plan.buildable}")
        if plan.limiting:
            write("")
            write("Limiting parts (for one more unit):")
            write(f"  {'SKU':<20} {'on hand':>10} {'needed':>10}  name")
            for x in plan.limiting:
                on_hand, needed = format_quantity(x.on_hand), format_quantity(x.required_for_next)
                write(f"  {x.part.sku:<20} {on_hand:>10} {needed:>10}  {x.part.name}")
        if plan.report is None:
            return
        write("")
        rows = shortage_rows(plan)
        if not rows:
            write(f"Nothing is short for {plan.quantity} units.")
            return
        write(f"Shortages for {plan.quantity} units:")
        write(
            f"  {'SKU':<20} {'required':>10} {'on hand':>10} {'short':>10} {'order':>10}"
            f" {'cost':>10} {'lead':>5}  supplier"
        )
        for row in rows:
            supplier = row["supplier"].code if row["supplier"] else "-"
            numbers = " ".join(
                f"{format_quantity(row[key]):>10}"
                for key in ("required", "available", "short", "order_quantity")
            )
            write(
                f"  {row['part'].sku:<20} {numbers}"
                f" {row['cost']:>10.2f} {row['lead_time_days']:>4}d  {supplier}"
            )
        write(f"Purchase cost: {plan.report.total_cost:.2f} USD")
        write(f"Earliest date all parts could be in: {plan.report.earliest_date.isoformat()}")
