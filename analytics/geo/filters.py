"""Filters shared by the map's API lists and pages (the same names as the heatmap's)."""

import django_filters

from analytics.geo.models import Order, RefreshRun, Vendor


class VendorFilter(django_filters.FilterSet):
    city = django_filters.CharFilter(field_name="city__code", help_text="City code.")
    grade = django_filters.ChoiceFilter(choices=Vendor.Grade.choices)
    business_line = django_filters.CharFilter()
    status = django_filters.CharFilter()
    visible = django_filters.BooleanFilter()
    open = django_filters.BooleanFilter()

    class Meta:
        model = Vendor
        fields = ["city", "grade", "business_line", "status", "visible", "open"]


class OrderFilter(django_filters.FilterSet):
    city = django_filters.CharFilter(field_name="city__code", help_text="City code.")
    vendor = django_filters.CharFilter(field_name="vendor__code", help_text="Vendor code.")
    business_line = django_filters.CharFilter()
    is_organic = django_filters.BooleanFilter()
    created_from = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text="Created at or after (ISO 8601)."
    )
    created_to = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="lt", help_text="Created before (ISO 8601)."
    )

    class Meta:
        model = Order
        fields = ["city", "vendor", "business_line", "is_organic", "created_from", "created_to"]


class RefreshRunFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=RefreshRun._meta.get_field("kind").choices)
    status = django_filters.ChoiceFilter(choices=RefreshRun.Status.choices)

    class Meta:
        model = RefreshRun
        fields = ["kind", "status", "source"]
