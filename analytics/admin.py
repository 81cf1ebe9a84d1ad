"""Admin for production lines, their products and calendars, runs, downtime and daily OEE.

New runs and downtime events go through the services (the same refusals as the API, and the
day's OEE recomputed in the same transaction: the admin's save is one transaction); an existing
one is corrected by deleting it (which recomputes its day) and recording it again. Daily OEE and
forecasts are computed, so they are read-only here; plant reports are uploaded from the daily
OEE list.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from analytics.geo import admin as geo_admin  # noqa: F401  (cities, vendors, areas, sources, runs)
from analytics.oee.forms import OeeImportForm
from analytics.oee.imports import OeeImportError, oee_report_import, summary_lines
from analytics.oee.models import (
    DowntimeEvent,
    ForecastModel,
    Holiday,
    LineProduct,
    OeeDaily,
    Prediction,
    ProductionLine,
    ProductionRun,
    ShiftCalendar,
    ShiftWindow,
)
from analytics.oee.services import (
    downtime_delete,
    downtime_record,
    run_delete,
    run_record,
)


class LineProductInline(admin.TabularInline):
    model = LineProduct
    extra = 0
    autocomplete_fields = ("part",)


@admin.register(ProductionLine)
class ProductionLineAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "warehouse", "calendar", "oee_target", "is_active")
    list_filter = ("is_active", "warehouse", "calendar")
    search_fields = ("code", "name")
    inlines = [LineProductInline]


class ShiftWindowInline(admin.TabularInline):
    model = ShiftWindow
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    extra = 0


@admin.register(ShiftCalendar)
class ShiftCalendarAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)
    inlines = [ShiftWindowInline, HolidayInline]


class ServiceRecordedForm(forms.ModelForm):
    """An add form whose clean() records the object through its service (inside the admin's
    transaction), so the service's refusals show as form errors."""

    recorded: Any = None

    def record(self, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk is None and not self.errors:
            try:
                self.recorded = self.record(data)
                # The form's own model checks now see the recorded row as itself.
                self.instance = self.recorded
            except ValidationError as refused:
                if hasattr(refused, "error_dict"):
                    fields = set(self.fields)
                    raise ValidationError(
                        {
                            (name if name in fields else None): errors
                            for name, errors in refused.error_dict.items()
                        }
                    ) from None
                raise
        return data


class RunAddForm(ServiceRecordedForm):
    class Meta:
        model = ProductionRun
        fields = (
            "line",
            "product",
            "shift_start",
            "shift_end",
            "planned_seconds",
            "run_seconds",
            "total_count",
            "good_count",
            "reject_count",
            "rework_count",
        )

    def record(self, data: dict[str, Any]) -> ProductionRun:
        figures = {name: data[name] for name in self.Meta.fields[2:]}
        return run_record(line=data["line"], part=data["product"].part, **figures)


class DowntimeAddForm(ServiceRecordedForm):
    class Meta:
        model = DowntimeEvent
        fields = ("line", "start", "end", "reason", "note")

    def record(self, data: dict[str, Any]) -> DowntimeEvent:
        return downtime_record(
            line=data["line"],
            start=data["start"],
            end=data["end"],
            reason=data["reason"],
            note=data.get("note") or "",
        )


class RecordedByServiceAdmin(admin.ModelAdmin):
    add_form: type[ServiceRecordedForm] = RunAddForm
    delete_service: Any = None

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = self.add_form
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return [field.name for field in self.model._meta.fields]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Nothing to save: the add form's service call recorded the object."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        type(self).delete_service(obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            type(self).delete_service(obj)


@admin.register(ProductionRun)
class ProductionRunAdmin(RecordedByServiceAdmin):
    add_form = RunAddForm
    delete_service = staticmethod(lambda run: run_delete(run=run))
    list_display = (
        "line",
        "product",
        "shift_start",
        "planned_seconds",
        "run_seconds",
        "total_count",
        "good_count",
    )
    # Only the parts lines make, never the whole catalogue (it may hold 200,000 parts).
    list_filter = ("line", ("product__part", admin.RelatedOnlyFieldListFilter))
    date_hierarchy = "shift_start"
    search_fields = ("line__code", "product__part__sku")
    list_select_related = ("line", "product__part", "product__line")


@admin.register(DowntimeEvent)
class DowntimeEventAdmin(RecordedByServiceAdmin):
    add_form = DowntimeAddForm
    delete_service = staticmethod(lambda event: downtime_delete(event=event))
    list_display = ("line", "start", "end", "seconds", "reason", "category")
    list_filter = ("line", "category", "reason")
    date_hierarchy = "start"
    search_fields = ("line__code", "note")
    list_select_related = ("line",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OeeDaily)
class OeeDailyAdmin(ReadOnlyAdmin):
    list_display = ("line", "date", "source", "availability", "performance", "quality", "oee")
    list_filter = ("line", "source", "is_flagged")
    date_hierarchy = "date"
    search_fields = ("line__code",)
    list_select_related = ("line",)
    change_list_template = "admin/analytics/oeedaily/change_list.html"

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="analytics_oeedaily_import"), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a plant OEE report (the same import as `manage.py import_oee_daily`)."""
        if not request.user.has_perm("analytics.add_oeedaily"):
            messages.error(request, "Importing plant reports needs the planner or manager role.")
            return redirect("admin:analytics_oeedaily_changelist")
        form = OeeImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                summary = oee_report_import(content=form.cleaned_data["file"].read())
            except OeeImportError as refused:
                for message in refused.messages:
                    messages.error(request, message)
            else:
                for line in summary_lines(summary):
                    messages.success(request, line)
                return redirect("admin:analytics_oeedaily_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "title": "Import"}
        return TemplateResponse(request, "admin/analytics/oeedaily/import.html", context)


@admin.register(ForecastModel)
class ForecastModelAdmin(ReadOnlyAdmin):
    list_display = ("line", "method", "train_from", "train_to", "is_current", "fitted_at")
    list_filter = ("line", "method", "is_current")


@admin.register(Prediction)
class PredictionAdmin(ReadOnlyAdmin):
    list_display = ("line", "target_date", "horizon", "value", "actual", "error")
    list_filter = ("line",)
    date_hierarchy = "target_date"
