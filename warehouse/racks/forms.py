"""Rack page forms: place a device, run the optimiser, apply a proposal."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from config.autocomplete import SearchChoiceField
from warehouse.choices import RackFace
from warehouse.models import Asset
from warehouse.racks.layout import Layout
from warehouse.racks.optimiser import (
    DEFAULT_WEIGHTS,
    MAX_WEIGHT,
    OBJECTIVES,
    WeightsError,
    normalise_weights,
)
from warehouse.racks.selectors import unplaced_device_assets

OBJECTIVE_HELP = {
    "thermal": "Heat low and spread out",
    "weight": "Heavy devices low",
    "power": "Power balanced across thirds",
    "cable": "Connected devices close",
    "access": "Busy devices at waist height",
    "moves": "Cost of each move (keeps devices in place)",
}


def device_label(asset: Asset) -> str:
    return f"{asset.name} — {asset.part.name} ({asset.part.height_u}U)"


class DeviceSearchField(SearchChoiceField):
    """An unplaced device by id (the picker) or its name or serial number (typed); searched at
    /warehouse/racks/devices/search/."""

    url_name = "warehouse:rack-device-search"
    placeholder = "Device name or serial…"
    reference_help = "type its serial number."

    def label_from_instance(self, obj: Asset) -> str:
        return device_label(obj)

    def reference_of(self, obj: Asset) -> str:
        return obj.name

    def lookup_reference(self, queryset: QuerySet, text: str) -> Asset:
        return queryset.get(Q(name__iexact=text) | Q(serial_number__iexact=text))


class PlacementForm(forms.Form):
    asset = DeviceSearchField(queryset=Asset.objects.none(), label="Device")
    start_u = forms.IntegerField(min_value=1, max_value=60, label="Start U")
    face = forms.ChoiceField(choices=RackFace.choices, initial=RackFace.FRONT)

    def __init__(self, *args: Any, rack_height_u: int = 60, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["asset"].queryset = unplaced_device_assets()
        self.fields["start_u"] = forms.IntegerField(
            min_value=1, max_value=rack_height_u, label="Start U"
        )


class OptimiseForm(forms.Form):
    """Weights 0–10 per objective (the API's scale), a seed, and devices to keep in place."""

    seed = forms.IntegerField(min_value=0, max_value=2**31 - 1, initial=0, required=False)
    locked = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Keep in place"
    )

    def __init__(self, *args: Any, layout: Layout | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in OBJECTIVES:
            # No min/max on the field: the range is part of the one weights rule (clean below).
            self.fields[name] = forms.FloatField(
                initial=DEFAULT_WEIGHTS[name],
                required=False,
                label=name.capitalize(),
                help_text=OBJECTIVE_HELP[name],
                widget=forms.NumberInput(
                    attrs={"step": "0.1", "min": 0, "max": MAX_WEIGHT, "style": "width:4.5em"}
                ),
            )
        devices = layout.placed() if layout else []
        self.fields["locked"].choices = [
            (str(device.id), device.name) for device, _ in devices if device.id not in layout.locked
        ]

    def weights(self) -> dict[str, float]:
        """The weights given, the defaults for the rest (valid once the form is)."""
        return normalise_weights(
            {
                name: value
                for name in OBJECTIVES
                if (value := self.cleaned_data.get(name)) is not None
            }
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not any(name in self.errors for name in OBJECTIVES):
            try:
                self.weights()
            except WeightsError as error:
                raise forms.ValidationError(str(error))
        return cleaned


class ApplyForm(forms.Form):
    """The whole proposal (moves as JSON, fingerprint, signature), posted back unchanged."""

    moves = forms.CharField(widget=forms.HiddenInput)
    fingerprint = forms.CharField(
        widget=forms.HiddenInput,
        max_length=64,
        error_messages={"required": "The proposal has no fingerprint; run the optimiser again."},
    )
    signature = forms.CharField(
        widget=forms.HiddenInput,
        max_length=200,
        error_messages={"required": "The proposal has no signature; run the optimiser again."},
    )

    def clean_moves(self) -> list[dict[str, Any]]:
        try:
            moves = json.loads(self.cleaned_data["moves"])
        except ValueError:
            raise forms.ValidationError("The proposal could not be read; run the optimiser again.")
        keys = {"asset", "from_u", "from_face", "to_u", "to_face"}
        if (
            not isinstance(moves, list)
            or not moves
            or not all(isinstance(m, dict) and keys <= set(m) for m in moves)
        ):
            raise forms.ValidationError("The proposal has no valid moves; run the optimiser again.")
        for move in moves:
            for key in ("asset", "from_u", "to_u"):
                if not isinstance(move[key], int):
                    raise forms.ValidationError(
                        "The proposal is malformed; run the optimiser again."
                    )
        return moves
