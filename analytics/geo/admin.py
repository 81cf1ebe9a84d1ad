"""Admin for the order map: cities (bounds), vendors, areas, sources ("Refresh now"), runs."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from analytics.geo.models import City, DataSource, MarketingArea, RefreshRun, Vendor
from analytics.geo.services import area_geojson_clean, source_refresh_now


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "min_latitude",
        "max_latitude",
        "min_longitude",
        "max_longitude",
    ]
    search_fields = ["code", "name"]


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city", "grade", "business_line", "status", "open", "radius_km"]
    list_filter = ["city", "grade", "business_line", "status", "visible", "open"]
    search_fields = ["code", "name"]
    readonly_fields = ["updated_at"]


class MarketingAreaForm(forms.ModelForm):
    class Meta:
        model = MarketingArea
        fields = ["name", "city", "geojson", "target_percent"]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("city") and cleaned.get("geojson") is not None:
            try:
                cleaned["geojson"] = area_geojson_clean(
                    geojson=cleaned["geojson"], city=cleaned["city"]
                )
            except ValidationError as error:
                self.add_error("geojson", error.message_dict["geojson"])
        return cleaned


@admin.register(MarketingArea)
class MarketingAreaAdmin(admin.ModelAdmin):
    form = MarketingAreaForm
    list_display = ["name", "city", "target_percent", "updated_at"]
    list_filter = ["city"]


@admin.register(DataSource)
class DataSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "source_type", "url", "card_id", "secret_env", "enabled"]
    list_filter = ["kind", "source_type", "enabled"]
    actions = ["refresh_now"]

    @admin.action(description="Refresh now", permissions=["change"])
    def refresh_now(self, request: HttpRequest, queryset: QuerySet[DataSource]) -> None:
        for source in queryset:
            run = source_refresh_now(source=source)
            if run is None:
                self.message_user(request, f"{source}: refresh queued.")
            else:
                level = messages.ERROR if run.status == RefreshRun.Status.FAILED else messages.INFO
                self.message_user(
                    request,
                    f"{source}: {run.status}, {run.rows_read} read, {run.rows_inserted} inserted, "
                    f"{run.rows_updated} updated, {run.rows_rejected} rejected. {run.error}",
                    level,
                )


@admin.register(RefreshRun)
class RefreshRunAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "kind",
        "source",
        "status",
        "rows_read",
        "rows_inserted",
        "rows_updated",
        "rows_rejected",
        "finished_at",
    ]
    list_filter = ["kind", "status", "source"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: RefreshRun | None = None) -> bool:
        return False
