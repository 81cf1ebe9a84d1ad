"""Admin for warehouses, locations, stock and documents.

Stock only changes by posting documents, so stock levels, moves and valuations are read-only
here; documents are editable while they are drafts and read-only once posted or cancelled.
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from config.admin import SuperuserOnlyAdmin
from warehouse import services
from warehouse.choices import DocumentType
from warehouse.models import (
    DocumentLine,
    DocumentSequence,
    IdempotencyRecord,
    Location,
    PartValuation,
    StockDocument,
    StockLevel,
    StockMove,
    StockVerification,
    Warehouse,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record the application writes and nobody edits by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LocationInline(admin.TabularInline):
    model = Location
    fk_name = "warehouse"
    extra = 0
    fields = ("code", "name", "kind", "parent", "is_default_receiving", "is_active")
    show_change_link = True


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("code", "name")
    inlines = [LocationInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Every warehouse has a default receiving location, however it was created.
        services.default_receiving_location(warehouse=form.instance)


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "name", "kind", "parent", "is_default_receiving", "is_active")
    list_filter = ("warehouse", "kind", "is_active")
    search_fields = ("code", "name", "warehouse__code")
    list_select_related = ("warehouse", "parent__warehouse")
    autocomplete_fields = ("parent",)
    fieldsets = (
        (None, {"fields": ("warehouse", "parent", "code", "name", "kind", "is_active")}),
        ("Receiving", {"fields": ("is_default_receiving",)}),
        (
            "Rack properties (kind rack)",
            {
                "classes": ("collapse",),
                "fields": Location.RACK_FIELDS,
            },
        ),
    )


LINE_FIELDS = ("part", "quantity", "from_location", "to_location", "unit_cost")


class DocumentLineFormSet(BaseInlineFormSet):
    """The inline's lines, checked by the services together with the header being saved.

    ``checked`` holds the lines as ``services.document_check`` completed them (a BUILD's from
    its bill of materials, whatever was typed); the admin writes them with
    ``services.document_save``, never row by row.
    """

    checked: list[services.DraftLine] | None = None

    def clean(self) -> None:
        super().clean()
        document = self.instance
        if any(self.errors) or document.doc_type not in DocumentType.values:
            return  # the header or a line has field errors: they are shown first
        rows = sorted(
            (form.cleaned_data for form in self.forms if self._kept(form)),
            key=lambda row: row.get("position") or 0,
        )
        lines = [{name: row.get(name) for name in LINE_FIELDS} for row in rows]
        try:
            self.checked = services.document_check(document=document, lines=lines)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None

    def _kept(self, form: Any) -> bool:
        return bool(form.cleaned_data) and not self._should_delete_form(form)


class DocumentLineInline(admin.TabularInline):
    model = DocumentLine
    formset = DocumentLineFormSet
    extra = 1
    fields = ("position", *LINE_FIELDS)
    autocomplete_fields = ("part", "from_location", "to_location")

    def _editable(self, obj: StockDocument | None) -> bool:
        # A build's lines always come from its bill of materials (rewritten on every save),
        # so they are shown, never typed.
        return obj is None or (obj.is_editable and obj.doc_type != DocumentType.BUILD)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


class StockDocumentAdminForm(forms.ModelForm):
    class Meta:
        model = StockDocument
        # The header fields plus the key; the admin narrows them to its `fields`.
        fields = (*StockDocument.HEADER_FIELDS, "idempotency_key")


@admin.register(StockDocument)
class StockDocumentAdmin(admin.ModelAdmin):
    form = StockDocumentAdminForm
    list_display = (
        "number",
        "doc_type",
        "status",
        "source_warehouse",
        "destination_warehouse",
        "partner",
        "created_by",
        "created_at",
        "posted_at",
    )
    list_filter = (
        "doc_type",
        "status",
        "source_warehouse",
        "destination_warehouse",
        ("created_at", admin.DateFieldListFilter),
        ("posted_at", admin.DateFieldListFilter),
    )
    search_fields = ("number", "partner", "external_reference")
    date_hierarchy = "created_at"
    list_select_related = ("source_warehouse", "destination_warehouse", "created_by")
    inlines = [DocumentLineInline]
    actions = ["post_selected", "cancel_selected", "discard_selected"]
    fields = (
        "number",
        "status",
        *StockDocument.HEADER_FIELDS,
        "idempotency_key",
        "created_by",
        "created_at",
        "posted_by",
        "posted_at",
        "cancelled_by",
        "cancelled_at",
    )
    readonly_fields = (
        "number",
        "status",
        "created_by",
        "created_at",
        "posted_by",
        "posted_at",
        "cancelled_by",
        "cancelled_at",
    )
    autocomplete_fields = ("build_part", "source_location", "destination_location")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return (*self.readonly_fields, "doc_type", "idempotency_key")
        return self.readonly_fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Documents are never deleted (the number series stays gap-free): discard a draft.
        return False

    def save_model(self, request: HttpRequest, obj: StockDocument, form: Any, change: bool) -> None:
        """Nothing here: the header is written with its lines by save_related."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The document and its lines are written by the services, as the lines formset
        # checked them (numbering, header warehouses, a BUILD's lines from its BOM).
        (lines,) = (formset for formset in formsets if isinstance(formset, DocumentLineFormSet))
        services.document_save(document=form.instance, lines=lines.checked, user=request.user)
        for formset in formsets:  # what the change message reads after a formset's save()
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def _each(self, request: HttpRequest, queryset: QuerySet, operation: Any, done: str) -> None:
        count = 0
        for document in queryset.order_by("pk"):
            try:
                operation(document=document, user=request.user)
                count += 1
            except ValidationError as exc:
                self.message_user(
                    request, f"{document.number}: {' '.join(exc.messages)}", messages.ERROR
                )
        if count:
            self.message_user(request, f"{count} document(s) {done}.", messages.SUCCESS)

    @admin.action(description="Post selected draft documents", permissions=["post"])
    def post_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, services.document_post, "posted")

    @admin.action(description="Cancel selected posted documents", permissions=["cancel"])
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, services.document_cancel, "cancelled")

    @admin.action(
        description="Discard selected drafts (they become CANCELLED, keeping their numbers)",
        permissions=["discard"],
    )
    def discard_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._each(request, queryset, services.document_discard, "discarded")

    def has_discard_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("warehouse.delete_stockdocument")

    def has_post_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("warehouse.post_stockdocument")

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("warehouse.cancel_stockdocument")


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    list_display = ("location", "part", "quantity", "updated_at")
    list_filter = ("location__warehouse",)
    search_fields = ("part__sku", "location__code")
    list_select_related = ("location__warehouse", "part")


@admin.register(StockMove)
class StockMoveAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "document",
        "location",
        "part",
        "quantity",
        "balance_after",
        "unit_cost",
        "user",
    )
    list_filter = ("location__warehouse", ("created_at", admin.DateFieldListFilter))
    search_fields = ("part__sku", "document__number")
    list_select_related = ("document", "location__warehouse", "part", "user")
    date_hierarchy = "created_at"


@admin.register(PartValuation)
class PartValuationAdmin(ReadOnlyAdmin):
    list_display = ("part", "average_unit_cost", "updated_at")
    search_fields = ("part__sku",)
    list_select_related = ("part",)


@admin.register(DocumentSequence)
class DocumentSequenceAdmin(ReadOnlyAdmin):
    list_display = ("doc_type", "year", "last_number")


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(SuperuserOnlyAdmin, ReadOnlyAdmin):
    list_display = ("key", "user", "scope", "response_status", "created_at")
    list_select_related = ("user",)
    search_fields = ("key",)


@admin.register(StockVerification)
class StockVerificationAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "levels_checked", "mismatch_count", "triggered_by")
