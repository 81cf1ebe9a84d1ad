"""Forms of the inventory pages: the parts list filter's form (its fields come from
``inventory.filters.PartFilter``, which the API uses too)."""

from __future__ import annotations

from django import forms


class PartFilterForm(forms.Form):
    """The base form of ``PartFilter``: the page shows each field it could not read."""

    LABELS = {"q": "Search", "category": "Category", "assembly": "Type"}

    def error_messages(self) -> list[str]:
        """One readable sentence per field that was not understood (that filter is not applied)."""
        return [
            f"{self.LABELS.get(name, name)}: {' '.join(errors)} This filter was not applied."
            for name, errors in self.errors.items()
        ]
