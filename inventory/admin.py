"""Admin for parts, BOMs, categories, manufacturers and suppliers.

BOM lines edited here are written by the services (``bom_line_add``/``bom_line_update``/
``bom_line_delete``), as in the API. The forms check cycles while holding the BOM lock, which
the admin's one transaction keeps until the save, so a line that would close a cycle is a form
error naming its path, never a server error, and no concurrent write can slip in between.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from config.csv_io import CsvWriter, csv_response
from inventory import selectors, services
from inventory.imports.bom import BOM_COLUMNS, BOM_OPTIONAL_COLUMNS, BomImportError, bom_import_csv
from inventory.imports.exports import boms_export, part_export_rows
from inventory.imports.parts import PART_COLUMNS, PartImportError, parts_import_csv
from inventory.models import BomLine, Category, Manufacturer, Part, Supplier, SupplierPart

# Typed web addresses without a scheme are read as https (Django 6's default).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class BomLineForm(forms.ModelForm):
    # The quantity rule (> 0) is the model field's validator, run by the form's model check.
    class Meta:
        model = BomLine
        fields = ["component", "quantity", "reference", "optional", "note", "position"]


BOM_LINE_FIELDS = ["component", "quantity", "reference", "optional", "note", "position"]


class BomLineFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        assembly = self.instance
        if assembly.pk is None:
            return  # a new part has no users yet, so no cycle is possible
        # The admin validates and saves in one transaction; holding the BOM lock from here
        # means no other write can close a loop between this check and the services' save.
        services.lock_bom_structure()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            component = form.cleaned_data.get("component")
            if component is None:
                continue
            # form.instance already carries the new component here; compare with the form's
            # initial data to see whether the line's edge changes.
            if form.instance.pk and "component" not in form.changed_data:
                continue
            try:
                services.bom_cycle_check(assembly=assembly, component=component)
            except services.BomCycleError as exc:
                form.add_error("component", exc.messages[0])


def save_bom_formset(formset: forms.BaseInlineFormSet) -> None:
    """Write the inline's lines through the services (lock, cycle check, ``is_assembly``).

    Sets the attributes the admin's change message reads, as ``BaseModelFormSet.save`` does.
    """
    assembly = formset.instance
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.initial_forms:
        if form in formset.deleted_forms and form.instance.pk:
            formset.deleted_objects.append(form.instance)
            services.bom_line_delete(line=form.instance)
    for form in formset.forms:
        if form in formset.deleted_forms or not form.has_changed():
            continue
        data = {name: form.cleaned_data[name] for name in BOM_LINE_FIELDS}
        if form.instance.pk:
            changed = [name for name in BOM_LINE_FIELDS if name in form.changed_data]
            # A fresh copy: form.instance already holds the new values, and the service
            # compares against the stored line to decide whether to check for a cycle.
            line = services.bom_line_update(
                line=BomLine.objects.select_related("assembly", "component").get(
                    pk=form.instance.pk
                ),
                **{name: data[name] for name in changed},
            )
            formset.changed_objects.append((line, changed))
        else:
            line = services.bom_line_add(assembly=assembly, **data)
            formset.new_objects.append(line)


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

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Each row prints its line's str(), which names both parts by SKU.
        return super().get_queryset(request).select_related("assembly", "component")


class SupplierPartInline(admin.TabularInline):
    formfield_overrides = URL_FIELDS
    model = SupplierPart
    autocomplete_fields = ["supplier"]
    extra = 0
    fields = ["supplier", *SupplierPart.TERMS_FIELDS]


class CsvUploadForm(forms.Form):
    file = forms.FileField(help_text="A UTF-8 CSV file with a header row.")


class CategoryTreeFilter(admin.SimpleListFilter):
    """Category, including its sub-categories at any depth (as the parts page and API do)."""

    title = "category (with sub-categories)"
    parameter_name = "category_tree"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(pk), path) for pk, path in selectors.category_choices()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value or not value.isdigit():
            return queryset
        return queryset.filter(
            category_id__in=selectors.category_and_descendant_ids(category_id=int(value))
        )


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
        CategoryTreeFilter,
        "is_assembly",
        "is_purchased",
        "is_active",
        "device_type",
        "manufacturer",
    ]
    # Also the device catalogue's autocomplete: by manufacturer and model (name or MPN).
    search_fields = ["sku", "name", "mpn", "manufacturer__name"]
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
                "fields": Part.RACK_FIELDS,
            },
        ),
        ("Notes", {"fields": ["notes"]}),
    ]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is BomLine:
            save_bom_formset(formset)
        else:
            super().save_formset(request, form, formset, change)

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
            columns=", ".join(BOM_COLUMNS) + f" (optional: {', '.join(BOM_OPTIONAL_COLUMNS)})",
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
        response = csv_response("parts.csv")
        CsvWriter(response).writerows(part_export_rows(parts=queryset))
        return response

    @admin.action(description="Export the BOMs of selected assemblies as CSV")
    def export_bom_csv(self, request: HttpRequest, queryset: Any) -> HttpResponse:
        response = csv_response("bom.csv")
        boms_export(assemblies=queryset, writer=CsvWriter(response))
        return response


class StandaloneBomLineForm(BomLineForm):
    class Meta(BomLineForm.Meta):
        fields = ["assembly", *BomLineForm.Meta.fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assembly, component = data.get("assembly"), data.get("component")
        edge_changed = not self.instance.pk or {"assembly", "component"} & set(self.changed_data)
        if assembly and component and edge_changed:
            # Held until the admin's transaction ends, so the save sees the graph checked here.
            services.lock_bom_structure()
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

    def save_model(self, request: HttpRequest, obj: BomLine, form: Any, change: bool) -> None:
        """Save through the services (lock, cycle check, ``is_assembly``), not ``obj.save()``."""
        data = {name: form.cleaned_data[name] for name in ["assembly", *BOM_LINE_FIELDS]}
        if change:
            stored = BomLine.objects.select_related("assembly", "component").get(pk=obj.pk)
            line = services.bom_line_update(
                line=stored, **{k: v for k, v in data.items() if k in form.changed_data}
            )
        else:
            line = services.bom_line_add(**data)
        # The admin reads obj afterwards (messages, redirect): make it the saved line.
        obj.pk, obj.assembly, obj.component = line.pk, line.assembly, line.component

    def delete_model(self, request: HttpRequest, obj: BomLine) -> None:
        services.bom_line_delete(line=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for line in queryset:
            services.bom_line_delete(line=line)


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "parent", "description"]

    def clean(self) -> dict[str, Any]:
        # The admin runs the form and the save in one transaction: holding the category lock
        # from here means Category.clean (run next, in _post_clean) and the save see one tree.
        services.lock_category_tree()
        return super().clean()


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    list_display = ["name", "parent"]
    list_select_related = ["parent"]
    search_fields = ["name"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        services.category_save(category=obj)


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
