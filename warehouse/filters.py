"""FilterSets shared by the warehouse pages and API, so both take the same ?warehouse=, ?part=."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from inventory.models import Part
from inventory.selectors import part_search_q
from warehouse.choices import DocumentStatus, DocumentType
from warehouse.forms import LocationSearchField, WarehouseChoiceField
from warehouse.models import Location, StockDocument, StockLevel, StockMove, Warehouse
from warehouse.selectors import parts_below_reorder


@extend_schema_field(OpenApiTypes.STR)
class WarehouseFilter(django_filters.ModelChoiceFilter):
    """?warehouse= by code or id, the same in every list (see WarehouseChoiceField)."""

    field_class = WarehouseChoiceField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Warehouse.objects.all())
        kwargs.setdefault("help_text", "Warehouse code (e.g. WH1) or id.")
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class LocationFilter(django_filters.ModelChoiceFilter):
    """?location= by id or WAREHOUSE/CODE (see LocationSearchField): the page renders it as the
    location picker, never as a list of every location."""

    field_class = LocationSearchField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Location.objects.select_related("warehouse"))
        kwargs.setdefault("help_text", "Location id, or WAREHOUSE/CODE (e.g. WH1/A-01-03).")
        super().__init__(*args, **kwargs)


class LocationFilterSet(django_filters.FilterSet):
    warehouse = WarehouseFilter()
    parent = django_filters.ModelChoiceFilter(queryset=Location.objects.all())

    class Meta:
        model = Location
        fields = ["warehouse", "parent", "kind", "is_active", "is_default_receiving"]


class StockLevelFilterSet(django_filters.FilterSet):
    warehouse = WarehouseFilter(field_name="location__warehouse", label="Warehouse")
    location = LocationFilter()
    part = django_filters.ModelChoiceFilter(queryset=Part.objects.all())
    q = django_filters.CharFilter(
        method="filter_search",
        label="Part",
        help_text="SKU, name or manufacturer part number contains this text (any case).",
        max_length=100,
    )
    below_reorder = django_filters.ChoiceFilter(
        method="filter_below_reorder",
        choices=[("true", "Yes"), ("false", "No")],
        empty_label="Any",
        label="Below reorder point",
        help_text="Only parts whose stock (in the chosen warehouse, or overall) is at or below "
        "their reorder point.",
    )

    class Meta:
        model = StockLevel
        fields = ["warehouse", "location", "part", "q", "below_reorder"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(part_search_q(text, prefix="part__"))

    def filter_below_reorder(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # A choice rather than a boolean so "?below_reorder=maybe" is refused, not ignored.
        if value not in ("true", "false"):
            return queryset
        low = parts_below_reorder(warehouse=self.form.cleaned_data.get("warehouse")).values("pk")
        return queryset.filter(part__in=low) if value == "true" else queryset.exclude(part__in=low)


class StockMoveFilterSet(django_filters.FilterSet):
    part = django_filters.ModelChoiceFilter(queryset=Part.objects.all())
    location = django_filters.ModelChoiceFilter(queryset=Location.objects.all())
    warehouse = WarehouseFilter(field_name="location__warehouse")
    document = django_filters.ModelChoiceFilter(queryset=StockDocument.objects.all())
    date_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label="From date"
    )
    date_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label="To date"
    )

    class Meta:
        model = StockMove
        fields = ["part", "location", "warehouse", "document", "date_from", "date_to"]


class StockDocumentFilterSet(django_filters.FilterSet):
    doc_type = django_filters.ChoiceFilter(choices=DocumentType.choices, label="Type")
    status = django_filters.ChoiceFilter(choices=DocumentStatus.choices)
    warehouse = WarehouseFilter(
        method="filter_warehouse",
        label="Warehouse",
        help_text="Documents moving stock out of or into this warehouse (code or id).",
    )
    date_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label="Created from"
    )
    date_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label="Created to"
    )
    number = django_filters.CharFilter(lookup_expr="icontains", label="Number")

    class Meta:
        model = StockDocument
        fields = ["doc_type", "status", "warehouse", "date_from", "date_to", "number"]

    def filter_warehouse(self, queryset: QuerySet, name: str, value: Warehouse | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(Q(source_warehouse=value) | Q(destination_warehouse=value))
