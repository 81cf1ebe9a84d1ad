"""Forms of the inventory pages: the parts list filter (same names as the API's filters)."""

from __future__ import annotations

from django import forms

from inventory.models import Category


class PartFilterForm(forms.Form):
    q = forms.CharField(required=False, strip=True)
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(),
        required=False,
        error_messages={"invalid_choice": "There is no category %(value)s."},
    )
    assembly = forms.ChoiceField(
        choices=[("", "All"), ("yes", "Assemblies"), ("no", "Components")], required=False
    )

    def filters(self) -> dict:
        """Keyword arguments for ``selectors.part_list`` from the fields that are valid."""
        self.is_valid()
        data = self.cleaned_data
        category = data.get("category")
        return {
            "search": data.get("q", ""),
            "category_id": category.pk if category else None,
            "is_assembly": {"yes": True, "no": False}.get(data.get("assembly", "")),
        }

    def error_messages(self) -> list[str]:
        """One readable sentence per field that was not understood (that filter is not applied)."""
        labels = {"q": "Search", "category": "Category", "assembly": "Type"}
        return [
            f"{labels[name]}: {' '.join(errors)} This filter was not applied."
            for name, errors in self.errors.items()
        ]
