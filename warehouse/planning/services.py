"""Planning writes: a DRAFT BUILD document from a plan, made by the stock documents service."""

from __future__ import annotations

from typing import Any

from config.errors import DomainError
from inventory.models import Part
from warehouse import services
from warehouse.choices import DocumentType
from warehouse.models import Location, StockDocument, Warehouse
from warehouse.planning.selectors import PlanningError, build_choice


def build_draft_create(
    *,
    user: Any,
    part: Part,
    quantity: int,
    warehouse: Warehouse | None,
    location: Location | None = None,
) -> StockDocument:
    """A DRAFT BUILD of ``quantity`` × ``part`` from the stock of one warehouse.

    Components come from whichever bins of the warehouse hold them; the assemblies go to
    ``location`` or the warehouse's receiving location. Without a warehouse, or when the
    warehouse's stock refuses it, the error also says which warehouse could build it.
    """
    if warehouse is None:
        advice = build_choice(part=part, quantity=quantity).advice
        raise PlanningError({"warehouse": f"Pick the warehouse to build in. {advice}"})
    try:
        return services.document_create(
            doc_type=DocumentType.BUILD,
            user=user,
            lines=[],
            build_part=part,
            build_quantity=quantity,
            source_warehouse=warehouse,
            destination_location=location,
            note="Created from the build planner.",
        )
    except DomainError as exc:
        advice = build_choice(part=part, quantity=quantity).advice
        raise PlanningError([*exc.messages, advice]) from exc
