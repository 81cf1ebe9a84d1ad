"""Forms of the OEE pages: the dashboard filters and the plant-report upload."""

from django import forms
from django.core.exceptions import ValidationError

from analytics.oee.choices import Granularity
from analytics.oee.models import ProductionLine
from analytics.oee.selectors import oee_period


class OeeFilterForm(forms.Form):
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput({"type": "date"})
    )
    date_to = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))
    line = forms.ModelChoiceField(
        queryset=ProductionLine.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label="All lines (plant)",
    )
    granularity = forms.ChoiceField(choices=Granularity.choices, required=False)

    def clean(self) -> dict:
        data = super().clean()
        try:
            date_from, date_to = oee_period(
                date_from=data.get("date_from"), date_to=data.get("date_to"), default_days=90
            )
        except ValidationError as refused:
            raise ValidationError(refused.message_dict["from"]) from None
        data.update(
            date_from=date_from,
            date_to=date_to,
            granularity=data.get("granularity") or Granularity.DAY,
        )
        return data

    def filters(self) -> dict:
        """The cleaned filters, or the defaults when the form is not valid."""
        if self.is_valid():
            return {key: self.cleaned_data[key] for key in ("date_from", "date_to", "granularity")}
        date_from, date_to = oee_period(date_from=None, date_to=None, default_days=90)
        return {"date_from": date_from, "date_to": date_to, "granularity": Granularity.DAY}


class OeeImportForm(forms.Form):
    file = forms.FileField(help_text="A plant OEE report (CSV, UTF-8).")


class OeeExportForm(OeeFilterForm):
    file_format = forms.ChoiceField(
        choices=[("csv", "CSV"), ("xlsx", "Excel (XLSX)")], initial="csv", label="Format"
    )

    def report_parameters(self) -> dict:
        data = self.cleaned_data
        return {
            "date_from": data["date_from"].isoformat(),
            "date_to": data["date_to"].isoformat(),
            "line": data["line"].code if data.get("line") else None,
        }


class OeeRefitForm(forms.Form):
    """Refit the forecasts of one line, or of every line when none is named."""

    line = forms.ModelChoiceField(
        queryset=ProductionLine.objects.filter(is_active=True), to_field_name="code", required=False
    )
