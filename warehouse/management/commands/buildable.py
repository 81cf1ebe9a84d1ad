"""Print how many units of an assembly the stock allows, what limits it and what is short."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from inventory.models import Part
from warehouse import planning


def _num(value: Any) -> str:
    return format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)


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
            plan = planning.build_plan(
                part=part,
                quantity=options["quantity"],
                warehouse=planning.resolve_warehouse(options["warehouse"]),
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
                write(
                    f"  {x.part.sku:<20} {_num(x.on_hand):>10} {_num(x.required_for_next):>10}"
                    f"  {x.part.name}"
                )
        if plan.report is None:
            return
        write("")
        rows = planning.shortage_rows(plan)
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
            write(
                f"  {row['part'].sku:<20} {_num(row['required']):>10} {_num(row['available']):>10}"
                f" {_num(row['short']):>10} {_num(row['order_quantity']):>10}"
                f" {row['cost']:>10.2f} {row['lead_time_days']:>4}d  {supplier}"
            )
        write(f"Purchase cost: {plan.report.total_cost:.2f} USD")
        write(f"Earliest date all parts could be in: {plan.report.earliest_date.isoformat()}")
