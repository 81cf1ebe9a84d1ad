"""FilterSets of the racks, assets and connections, shared by the rack pages and the rack API.

Ids and codes follow the same rules as every other list: ?warehouse= takes a warehouse code or
id (warehouse.filters.WarehouseFilter) and the other ids are model choices, so a malformed,
unknown or out-of-range id is a 400 with a field message, never a database error.
"""

import django_filters
from django.db.models import Q, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from inventory.models import Part
from warehouse.choices import AssetStatus
from warehouse.filters import WarehouseFilter
from warehouse.models import Asset, Connection, Location, Warehouse
from warehouse.racks.selectors import rack_queryset


class RackFilterSet(django_filters.FilterSet):
    warehouse = WarehouseFilter()

    class Meta:
        model = Location
        fields = ["warehouse"]


class AssetFilterSet(django_filters.FilterSet):
    warehouse = WarehouseFilter(
        method="filter_warehouse",
        help_text="Warehouse code (e.g. WH1) or id: assets racked or stored there.",
    )
    rack = django_filters.ModelChoiceFilter(
        queryset=rack_queryset(), field_name="placement__rack", help_text="Rack id."
    )
    status = django_filters.ChoiceFilter(choices=AssetStatus.choices, help_text="Asset status.")
    part = django_filters.ModelChoiceFilter(queryset=Part.objects.all(), help_text="Part id.")

    class Meta:
        model = Asset
        fields = ["warehouse", "rack", "status", "part"]

    def filter_warehouse(self, queryset: QuerySet, name: str, value: Warehouse | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(Q(placement__rack__warehouse=value) | Q(location__warehouse=value))


class ConnectionFilterSet(django_filters.FilterSet):
    asset = django_filters.ModelChoiceFilter(
        queryset=Asset.objects.all(), method="filter_asset", help_text="Asset id at either end."
    )

    class Meta:
        model = Connection
        fields = ["asset", "cable_type"]

    @extend_schema_field(OpenApiTypes.INT)  # an asset id (a method filter's type is not inferred)
    def filter_asset(self, queryset: QuerySet, name: str, value: Asset | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(Q(a_asset=value) | Q(b_asset=value))
