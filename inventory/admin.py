"""Admin for parts, BOMs, categories, manufacturers and suppliers.

BOM lines edited here go through the same checks as the services: the inline's clean calls
``services.bom_cycle_check`` so a line that would close a cycle is refused with its path.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from inventory import services
from inventory.csv_io import (
    BOM_COLUMNS,
    PART_COLUMNS,
    BomImportError,
    PartImportError,
    bom_export_rows,
    bom_import_csv,
    parts_export_csv,
    parts_import_csv,
)
from inventory.models import BomLine, Category, Manufacturer, Part, Supplier, SupplierPart

# Typed web addresses without a scheme are read as https (Django 6's default).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class BomLineForm(forms.ModelForm):
    class Meta:
        model = BomLine
        fields = ["component", "quantity", "reference", "optional", "note", "position"]

    def clean_quantity(self) -> Decimal:
        quantity = self.cleaned_data["quantity"]
        if quantity is not None and quantity <= 0:
            raise ValidationError("The quantity must be greater than 0.")
        return quantity


class BomLineFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        assembly = self.instance
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            component = form.cleaned_data.get("component")
            if component is None:
                continue
            if form.instance.pk and form.instance.component_id == component.pk:
                continue
            if assembly.pk is None:
                continue  # a new part has no users yet, so no cycle is possible
            try:
                services.bom_cycle_check(assembly=assembly, component=component)
            except services.BomCycleError as exc:
                form.add_error("component", exc.messages[0])


class BomLineInline(admin.TabularInline):
    model = BomLine
    fk_name = "assembly"
    form = BomLineForm
    formset = BomLineFormSet
    autocomplete_fields = ["component"]
    extra = 1
    fields = ["position", "component", "quantity", "reference", "optional", "note"]
    verbose_name = "BOM line"
    verbose_name_plural = "Bill of materials"


class SupplierPartInline(admin.TabularInline):
    formfield_overrides = URL_FIELDS
    model = SupplierPart
    autocomplete_fields = ["supplier"]
    extra = 0
    fields = [
        "supplier",
        "supplier_sku",
        "price",
        "currency",
        "moq",
        "pack_size",
        "lead_time_days",
        "url",
        "is_preferred",
    ]


class CsvUploadForm(forms.Form):
    file = forms.FileField(help_text="A UTF-8 CSV file with a header row.")


def _csv_response(filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = [
        "sku",
        "name",
        "category",
        "manufacturer",
        "mpn",
        "is_assembly",
        "is_purchased",
        "unit_cost",
        "is_active",
    ]
    list_filter = [
        "category",
        "is_assembly",
        "is_purchased",
        "is_active",
        "device_type",
        "manufacturer",
    ]
    search_fields = ["sku", "name", "mpn"]
    list_select_related = ["category", "manufacturer"]
    autocomplete_fields = ["category", "manufacturer"]
    inlines = [BomLineInline, SupplierPartInline]
    actions = ["export_parts_csv", "export_bom_csv"]
    change_list_template = "admin/inventory/part/change_list.html"
    fieldsets = [
        (None, {"fields": ["sku", "name", "description", "category", "is_active"]}),
        ("Source", {"fields": ["manufacturer", "mpn", "is_assembly", "is_purchased"]}),
        (
            "Cost and planning",
            {"fields": ["unit", "unit_cost", "currency", "reorder_point", "lead_time_days"]},
        ),
        (
            "Rack specs",
            {
                "classes": ["collapse"],
                "description": "For rack-mountable devices: the rack planner's device catalogue.",
                "fields": [
                    "device_type",
                    "height_u",
                    "width_class",
                    "depth_mm",
                    "is_full_depth",
                    "weight_kg",
                    "power_w",
                    "heat_btu_h",
                    "airflow",
                ],
            },
        ),
        ("Notes", {"fields": ["notes"]}),
    ]

    def get_urls(self) -> list:
        own = [
            path(
                "import-bom/",
                self.admin_site.admin_view(self.import_bom_view),
                name="inventory_part_import_bom",
            ),
            path(
                "import-parts/",
                self.admin_site.admin_view(self.import_parts_view),
                name="inventory_part_import_parts",
            ),
        ]
        return own + super().get_urls()

    def _import_view(
        self, request: HttpRequest, *, title: str, columns: str, run: Any, error_class: type
    ) -> HttpResponse:
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        errors: list[str] = []
        form = CsvUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = run(content=form.cleaned_data["file"].read())
            except error_class as exc:
                errors = exc.messages
            else:
                self.message_user(request, f"Imported: {result}.", messages.SUCCESS)
                return redirect(reverse("admin:inventory_part_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "columns": columns,
            "form": form,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/inventory/part/import_csv.html", context)

    def import_bom_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a BOM CSV; the same all-or-nothing import as ``manage.py import_bom``."""
        return self._import_view(
            request,
            title="Import BOM from CSV",
            columns=", ".join(BOM_COLUMNS),
            run=bom_import_csv,
            error_class=BomImportError,
        )

    def import_parts_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a parts CSV (the export's columns): create or update parts, all or nothing."""
        return self._import_view(
            request,
            title="Import parts from CSV",
            columns=", ".join(PART_COLUMNS) + " (only sku and name are required)",
            run=parts_import_csv,
            error_class=PartImportError,
        )

    @admin.action(description="Export selected parts as CSV")
    def export_parts_csv(self, request: HttpRequest, queryset: Any) -> HttpResponse:
        response = _csv_response("parts.csv")
        response.write(parts_export_csv(parts=queryset))
        return response

    @admin.action(description="Export the BOMs of selected assemblies as CSV")
    def export_bom_csv(self, request: HttpRequest, queryset: Any) -> HttpResponse:
        response = _csv_response("bom.csv")
        writer = csv.writer(response, lineterminator="\n")
        seen: set[tuple[str, str]] = set()
        header_written = False
        for part in queryset.filter(bom_lines__isnull=False).distinct():
            header, *rows = bom_export_rows(part=part)
            if not header_written:
                writer.writerow(header)
                header_written = True
            for row in rows:
                if (row[0], row[1]) not in seen:
                    seen.add((row[0], row[1]))
                    writer.writerow(row)
        return response


class StandaloneBomLineForm(BomLineForm):
    class Meta(BomLineForm.Meta):
        fields = ["assembly", *BomLineForm.Meta.fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assembly, component = data.get("assembly"), data.get("component")
        unchanged = (
            self.instance.pk
            and self.instance.assembly_id == getattr(assembly, "pk", None)
            and self.instance.component_id == getattr(component, "pk", None)
        )
        if assembly and component and not unchanged:
            try:
                services.bom_cycle_check(assembly=assembly, component=component)
            except services.BomCycleError as exc:
                self.add_error("component", exc.messages[0])
        return data


@admin.register(BomLine)
class BomLineAdmin(admin.ModelAdmin):
    list_display = ["assembly", "component", "quantity", "optional", "reference"]
    list_filter = ["optional"]
    search_fields = ["assembly__sku", "component__sku", "reference"]
    autocomplete_fields = ["assembly", "component"]
    list_select_related = ["assembly", "component"]

    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        kwargs["form"] = StandaloneBomLineForm
        return super().get_form(request, obj, **kwargs)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent"]
    list_select_related = ["parent"]
    search_fields = ["name"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]


@admin.register(Manufacturer)
class ManufacturerAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["logo_preview", "name", "website"]
    list_display_links = ["name"]
    search_fields = ["name"]
    readonly_fields = ["logo_preview"]
    fields = ["name", "website", "logo", "logo_preview"]

    @admin.display(description="Logo")
    def logo_preview(self, obj: Manufacturer) -> str:
        if not obj.logo:
            return "—"
        return format_html(
            '<img src="{}" alt="{} logo" style="max-height:40px;max-width:120px">',
            obj.logo.url,
            obj.name,
        )


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = ["code", "name", "currency", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]


@admin.register(SupplierPart)
class SupplierPartAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS
    list_display = [
        "part",
        "supplier",
        "supplier_sku",
        "price",
        "moq",
        "pack_size",
        "lead_time_days",
    ]
    list_filter = ["supplier", "is_preferred"]
    search_fields = ["part__sku", "supplier_sku", "supplier__name"]
    autocomplete_fields = ["part", "supplier"]
    list_select_related = ["part", "supplier"]
