"""Forms of the warehouse pages: a stock document with its lines, the warehouse choice field and
the location picker."""

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from config.autocomplete import SearchChoiceField
from config.errors import DomainError
from inventory.forms import PartSearchField
from inventory.models import Part
from warehouse import services
from warehouse.choices import DocumentType
from warehouse.models import Location, StockDocument, Warehouse
from warehouse.selectors import resolve_warehouse


def location_label(location: Location) -> str:
    return f"{location.warehouse.code}/{location.code}" + (
        f" — {location.name}" if location.name else ""
    )


class LocationSearchField(SearchChoiceField):
    """A location by id (the picker) or WAREHOUSE/CODE (typed; the code alone when it is unique);
    searched at /warehouse/locations/search/."""

    url_name = "warehouse:location-search"
    placeholder = "Location code…"
    reference_help = "type it as WAREHOUSE/CODE (e.g. WH1/A-01-03)."

    def label_from_instance(self, obj: Location) -> str:
        return location_label(obj)

    def reference_of(self, obj: Location) -> str:
        return f"{obj.warehouse.code}/{obj.code}"

    def lookup_reference(self, queryset: QuerySet, text: str) -> Location:
        if "/" in text:
            warehouse_code, code = text.split("/", 1)
            return queryset.get(warehouse__code__iexact=warehouse_code, code__iexact=code)
        return queryset.get(code__iexact=text)


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
    """The header of a draft; ``save_with_lines`` writes it with its lines through the services."""

    source_location = LocationSearchField(
        queryset=_locations(),
        required=False,
        help_text="Where stock comes from (issue, transfer, build components).",
    )
    destination_location = LocationSearchField(
        queryset=_locations(),
        required=False,
        help_text="Where stock goes (receipt, transfer, count, built assemblies).",
    )
    build_part = PartSearchField(
        queryset=Part.objects.filter(is_assembly=True),
        assemblies_only=True,
        required=False,
        label="Assembly to build",
        help_text="Build documents only: lines come from its bill of materials.",
    )

    class Meta:
        model = StockDocument
        fields = StockDocument.HEADER_FIELDS
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, doc_type: str | None = None, **kwargs: Any) -> None:
        if doc_type in DocumentType.values:
            kwargs["initial"] = {"doc_type": doc_type, **kwargs.get("initial", {})}
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

    def save_with_lines(self, *, user: Any, lines: list[dict[str, Any]]) -> StockDocument:
        """Create the draft, or change the one being edited; raises the services' refusals."""
        header = {name: self.cleaned_data.get(name) for name in StockDocument.HEADER_FIELDS}
        doc_type = header.pop("doc_type")
        if self.instance.pk:
            return services.document_update(document=self.instance, lines=lines, **header)
        return services.document_create(doc_type=doc_type, user=user, lines=lines, **header)


class DocumentLineForm(forms.Form):
    part = PartSearchField(queryset=Part.objects.filter(is_active=True))
    quantity = forms.DecimalField(
        max_digits=14,
        decimal_places=4,
        min_value=Decimal("0"),
        help_text="For a count: the counted quantity.",
    )
    from_location = LocationSearchField(queryset=_locations(), required=False, label="From")
    to_location = LocationSearchField(queryset=_locations(), required=False, label="To")
    unit_cost = forms.DecimalField(
        max_digits=14, decimal_places=4, min_value=Decimal("0"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("from_location", "to_location"):
            self.fields[name].queryset = _locations()


class BaseDocumentLineFormSet(forms.BaseFormSet):
    """The lines of a draft; an unbound one for an existing draft starts with its lines."""

    def __init__(self, data: Any = None, *args: Any, document: Any = None, **kwargs: Any) -> None:
        if data is None and document is not None:
            # The objects themselves, read in one query: the pickers render them without a
            # query per field.
            lines = document.lines.select_related(
                "part", "from_location__warehouse", "to_location__warehouse"
            ).order_by("position", "id")
            kwargs["initial"] = [
                {
                    "part": line.part,
                    "quantity": line.quantity,
                    "from_location": line.from_location,
                    "to_location": line.to_location,
                    "unit_cost": line.unit_cost,
                }
                for line in lines
            ]
        super().__init__(data, *args, **kwargs)


DocumentLineFormSet = forms.formset_factory(
    DocumentLineForm, formset=BaseDocumentLineFormSet, extra=4, can_delete=True
)


def line_dicts(formset: Any) -> list[dict[str, Any]]:
    """The filled, not-deleted lines of a valid formset, as service input."""
    return [
        {key: form.cleaned_data.get(key) for key in DocumentLineForm.base_fields}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
