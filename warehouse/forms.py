"""Forms of the warehouse pages: a stock document with its lines, and the warehouse choice field."""

from decimal import Decimal
from typing import Any

from django import forms

from config.errors import DomainError
from inventory.models import Part
from warehouse.choices import DocumentType
from warehouse.models import Location, StockDocument, Warehouse
from warehouse.selectors import resolve_warehouse


class LocationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Location) -> str:
        return f"{obj.warehouse.code}/{obj.code}" + (f" — {obj.name}" if obj.name else "")


class PartChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Part) -> str:
        return f"{obj.sku} — {obj.name}"


class WarehouseChoiceField(forms.ModelChoiceField):
    """A warehouse by its code (any case) or its id: every ?warehouse= in the pages and the API
    takes both, so a link written either way works everywhere."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("help_text", "Warehouse code (e.g. WH1) or id.")
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        # A page opened with ?warehouse=<id> shows that warehouse chosen in its select too.
        if isinstance(value, str) and value.strip():
            try:
                found = self.to_python(value)
            except forms.ValidationError:
                return value
            return found.code if found else value
        return super().prepare_value(value)

    def to_python(self, value: Any) -> Warehouse | None:
        if value in self.empty_values:
            return None
        try:
            return resolve_warehouse(value, queryset=self.queryset)
        except DomainError as exc:
            # The errors themselves, not their text: their params must reach the final format.
            raise forms.ValidationError(exc.error_dict["warehouse"])


def _locations() -> Any:
    return Location.objects.filter(is_active=True).select_related("warehouse")


class StockDocumentForm(forms.ModelForm):
    source_location = LocationChoiceField(
        queryset=_locations(),
        required=False,
        help_text="Where stock comes from (issue, transfer, build components).",
    )
    destination_location = LocationChoiceField(
        queryset=_locations(),
        required=False,
        help_text="Where stock goes (receipt, transfer, count, built assemblies).",
    )
    build_part = PartChoiceField(
        queryset=Part.objects.filter(is_assembly=True),
        required=False,
        label="Assembly to build",
        help_text="Build documents only: lines come from its bill of materials.",
    )

    class Meta:
        model = StockDocument
        fields = [
            "doc_type",
            "source_location",
            "destination_location",
            "build_part",
            "build_quantity",
            "partner",
            "external_reference",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["doc_type"].disabled = True
        for name in ("source_location", "destination_location"):
            self.fields[name].queryset = _locations()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("doc_type") == DocumentType.BUILD:
            if not data.get("build_part"):
                self.add_error("build_part", "Choose the assembly to build.")
            if not data.get("build_quantity"):
                self.add_error("build_quantity", "Say how many to build.")
            if not data.get("source_location"):
                self.add_error("source_location", "Say where the components come from.")
        return data


class DocumentLineForm(forms.Form):
    part = PartChoiceField(queryset=Part.objects.filter(is_active=True))
    quantity = forms.DecimalField(
        max_digits=14,
        decimal_places=4,
        min_value=Decimal("0"),
        help_text="For a count: the counted quantity.",
    )
    from_location = LocationChoiceField(queryset=_locations(), required=False, label="From")
    to_location = LocationChoiceField(queryset=_locations(), required=False, label="To")
    unit_cost = forms.DecimalField(
        max_digits=14, decimal_places=4, min_value=Decimal("0"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("from_location", "to_location"):
            self.fields[name].queryset = _locations()


DocumentLineFormSet = forms.formset_factory(DocumentLineForm, extra=4, can_delete=True)


def line_dicts(formset: Any) -> list[dict[str, Any]]:
    """The filled, not-deleted lines of a valid formset, as service input."""
    return [
        {key: form.cleaned_data.get(key) for key in DocumentLineForm.base_fields}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def __getattr__(name: str) -> Any:
    # The planner's BUILD form moved to warehouse.planning.forms with its view; warehouse.views
    # still imports it for its old document_create_build, which no URL routes to any more.
    # Drop this when that view goes.
    if name == "BuildDocumentForm":
        from warehouse.planning.forms import BuildDocumentForm

        return BuildDocumentForm
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
