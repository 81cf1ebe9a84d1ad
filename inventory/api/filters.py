"""FilterSets of the inventory API, with the same names as the pages' filters."""

import django_filters

from inventory.models import BomLine, Category, Part, SupplierPart
from inventory.selectors import part_search_q, parts_in_category


class PartFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="SKU, name or MPN contains")
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        method="in_category",
        label="Category id; parts in its sub-categories are included",
    )
    assembly = django_filters.BooleanFilter(field_name="is_assembly", label="Is an assembly")

    class Meta:
        model = Part
        fields = [
            "category",
            "manufacturer",
            "is_assembly",
            "is_purchased",
            "is_active",
            "device_type",
            "unit",
        ]

    def in_category(self, queryset, name, value):
        return parts_in_category(queryset, category_id=value.pk)

    def search(self, queryset, name, value):
        return queryset.filter(part_search_q(value))


class BomLineFilter(django_filters.FilterSet):
    part = django_filters.NumberFilter(field_name="assembly", label="Assembly (part id)")

    class Meta:
        model = BomLine
        fields = ["assembly", "component", "optional"]


class SupplierPartFilter(django_filters.FilterSet):
    class Meta:
        model = SupplierPart
        fields = ["supplier", "part", "is_preferred"]
