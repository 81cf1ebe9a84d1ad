"""Forms of the build planner: what to plan, and the BUILD draft made from a plan."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.urls import reverse

from inventory.forms import PartSearchField
from inventory.models import Part
from warehouse.forms import LocationSearchField, WarehouseChoiceField
from warehouse.models import Location, Warehouse


def _assemblies() -> Any:
    return Part.objects.filter(is_assembly=True, is_active=True).order_by("sku")


def _warehouses() -> Any:
    return Warehouse.objects.filter(is_active=True)


class PlannerForm(forms.Form):
    part = PartSearchField(queryset=_assemblies(), assemblies_only=True, label="Assembly")
    quantity = forms.IntegerField(min_value=1, max_value=1_000_000, initial=1)
    warehouse = WarehouseChoiceField(
        queryset=_warehouses(), required=False, empty_label="All warehouses"
    )
    include_optional = forms.BooleanField(required=False, label="Include optional lines")
    # The BUILD form's pick when a plan covers all warehouses (kept after a refusal).
    build_warehouse = WarehouseChoiceField(
        queryset=_warehouses(), required=False, widget=forms.HiddenInput
    )


class BuildDocumentForm(forms.Form):
    """Posted by the build planner: a DRAFT BUILD of N assemblies in one warehouse.

    ``scope`` and ``include_optional`` are the plan's own choices, carried so that a refusal
    can bring the user back to the same plan (``planner_url``).
    """

    part = PartSearchField(queryset=Part.objects.filter(is_assembly=True), assemblies_only=True)
    quantity = forms.IntegerField(min_value=1, help_text="Assemblies are built in whole units.")
    # Not required here: the service refuses a missing warehouse naming the ones that can build.
    warehouse = WarehouseChoiceField(queryset=_warehouses(), required=False)
    location = LocationSearchField(
        queryset=Location.objects.select_related("warehouse"),
        required=False,
        help_text="Where the built assemblies are put (default: the warehouse's receiving "
        "location); the components are taken from the bins that hold them.",
    )
    scope = forms.CharField(required=False, help_text="The plan's warehouse (blank: all).")
    include_optional = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        location, warehouse = data.get("location"), data.get("warehouse")
        if location and warehouse and location.warehouse_id != warehouse.pk:
            self.add_error("location", "That location is in another warehouse.")
        return data

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned input as planning.services.build_draft_create takes it."""
        return {
            key: self.cleaned_data[key] for key in ("part", "quantity", "warehouse", "location")
        }

    def error_messages(self) -> list[str]:
        return [
            error if field == "__all__" else f"{field}: {error}"
            for field, errors in self.errors.items()
            for error in errors
        ]

    def planner_url(self) -> str:
        """The planner with this form's input as sent (valid or not), the BUILD pick kept."""
        query = QueryDict(mutable=True)
        for name, key in (("part", "part"), ("quantity", "quantity"), ("warehouse", "scope")):
            query[name] = self.data.get(key, "")
        if self.data.get("include_optional"):
            query["include_optional"] = "on"
        if not query["warehouse"] and self.data.get("warehouse") and "warehouse" not in self.errors:
            query["build_warehouse"] = self.data["warehouse"]
        return f"{reverse('warehouse:planner')}?{query.urlencode()}"
