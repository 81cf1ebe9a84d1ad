"""Forms of the inventory pages: the parts list filter's form (its fields come from
``inventory.filters.PartFilter``, which the API uses too), and the part picker every form uses."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from config.autocomplete import SearchChoiceField
from inventory.models import Part


def part_label(part: Part) -> str:
    return f"{part.sku} — {part.name}"


class PartSearchField(SearchChoiceField):
    """A part by id (the picker) or SKU (typed, any case); searched at /inventory/parts/search/.

    ``assemblies_only`` limits the search to assemblies (the queryset should say the same)."""

    url_name = "inventory:part-search"
    placeholder = "SKU or name…"
    reference_help = "type the whole SKU."

    def __init__(self, queryset: QuerySet, *, assemblies_only: bool = False, **kwargs) -> None:
        if assemblies_only:
            kwargs.setdefault("search_query", {"assembly": "yes"})
        kwargs.setdefault("help_text", "Type a SKU or part name to search.")
        super().__init__(queryset, **kwargs)

    def label_from_instance(self, obj: Part) -> str:
        return part_label(obj)

    def reference_of(self, obj: Part) -> str:
        return obj.sku

    def lookup_reference(self, queryset: QuerySet, text: str) -> Part:
        return queryset.get(sku__iexact=text)


class PartFilterForm(forms.Form):
    """The base form of ``PartFilter``: the page shows each field it could not read."""

    LABELS = {"q": "Search", "category": "Category", "assembly": "Type"}

    def error_messages(self) -> list[str]:
        """One readable sentence per field that was not understood (that filter is not applied)."""
        return [
            f"{self.LABELS.get(name, name)}: {' '.join(errors)} This filter was not applied."
            for name, errors in self.errors.items()
        ]
