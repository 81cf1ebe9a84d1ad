"""FilterSets of the inventory: the parts page and the API filter with the same class and names."""

import django_filters

from inventory.forms import PartFilterForm
from inventory.models import BomLine, Category, Part, SupplierPart
from inventory.selectors import part_search_q, parts_in_category

ASSEMBLY_CHOICES = [("yes", "Assemblies"), ("no", "Components")]


class PartFilter(django_filters.FilterSet):
    """``?q=`` (search), ``?category=`` (with sub-categories), ``?assembly=yes|no`` and the
    model fields; a value it does not understand is a 400 in the API and a message on the page."""

    q = django_filters.CharFilter(method="search", label="SKU, name or MPN contains")
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(),
        method="in_category",
        label="Category id; parts in its sub-categories are included",
        error_messages={"invalid_choice": "Select a valid choice. There is no category %(value)s."},
    )
    assembly = django_filters.ChoiceFilter(
        choices=ASSEMBLY_CHOICES,
        method="by_assembly",
        label="yes: assemblies only; no: components only",
        empty_label="All",
    )

    class Meta:
        model = Part
        form = PartFilterForm
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

    def by_assembly(self, queryset, name, value):
        return queryset.filter(is_assembly=value == "yes")


class BomLineFilter(django_filters.FilterSet):
    # A model choice like every other id filter: an unknown or out-of-range id is a 400 (a number
    # past the bigint range made a NumberFilter's query overflow: a 500).
    part = django_filters.ModelChoiceFilter(
        queryset=Part.objects.all(), field_name="assembly", label="Assembly (part id)"
    )

    class Meta:
        model = BomLine
        fields = ["assembly", "component", "optional"]


class SupplierPartFilter(django_filters.FilterSet):
    class Meta:
        model = SupplierPart
        fields = ["supplier", "part", "is_preferred"]
