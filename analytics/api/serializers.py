"""Analytics API serializers: query parameters in, OEE figures out, bulk ingestion items."""

from typing import Any

from rest_framework import serializers

from analytics.oee.choices import DowntimeReason, Granularity, OeeFlag
from analytics.oee.models import ProductionLine
from analytics.oee.selectors import oee_period
from analytics.oee.services import BulkRejected
from inventory.models import Part

MAX_BULK_ITEMS = 1000


def _line_field(**kwargs: Any) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code", queryset=ProductionLine.objects.all(), **kwargs
    )


class PeriodQuerySerializer(serializers.Serializer):
    """?line=&from=&to=: a line (none = the plant) and a date range of at most three years."""

    line = _line_field(
        required=False, allow_null=True, help_text="Line code; leave out for the whole plant."
    )
    date_from = serializers.DateField(
        required=False, help_text="First day (YYYY-MM-DD); default 30 days before `to`."
    )
    date_to = serializers.DateField(required=False, help_text="Last day; default today.")

    def to_internal_value(self, data: Any) -> Any:
        # `from` is a Python keyword: the query names map onto date_from / date_to.
        renamed = {
            "line": data.get("line") or None,
            "date_from": data.get("from"),
            "date_to": data.get("to"),
        }
        if "granularity" in self.fields:
            renamed["granularity"] = data.get("granularity") or None
        return super().to_internal_value({k: v for k, v in renamed.items() if v is not None})

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        date_from, date_to = oee_period(
            date_from=attrs.get("date_from"), date_to=attrs.get("date_to")
        )
        return {**attrs, "date_from": date_from, "date_to": date_to, "line": attrs.get("line")}


class OeeQuerySerializer(PeriodQuerySerializer):
    granularity = serializers.ChoiceField(
        choices=Granularity.choices, default=Granularity.DAY, help_text="day, week or month."
    )


class OeeRowSerializer(serializers.Serializer):
    line = serializers.CharField(allow_null=True, help_text="Line code; null for the plant.")
    period_start = serializers.DateField(help_text="First day of the period.")
    availability = serializers.FloatField(
        allow_null=True, help_text="Σ run / Σ planned over unflagged days."
    )
    performance = serializers.FloatField(
        allow_null=True, help_text="Σ(ideal cycle × output) / Σ run (weighted by ideal time)."
    )
    quality = serializers.FloatField(allow_null=True, help_text="Σ good / Σ output.")
    oee = serializers.FloatField(allow_null=True, help_text="availability × performance × quality.")
    planned_seconds = serializers.IntegerField(help_text="Planned busy time summed.")
    run_seconds = serializers.IntegerField(help_text="Run time summed.")
    days = serializers.IntegerField(help_text="Days in the figures.")
    flagged_days = serializers.IntegerField(
        help_text="Impossible days left out of the figures (a line's single day is shown as "
        "reported instead)."
    )
    flags = serializers.ListField(
        child=serializers.ChoiceField(choices=OeeFlag.choices),
        help_text="Why the flagged days cannot be true.",
    )


class OeeSeriesSerializer(serializers.Serializer):
    results = OeeRowSerializer(many=True)


class LossReasonSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=DowntimeReason.choices, help_text="Downtime reason.")
    minutes = serializers.FloatField(help_text="Minutes lost to this reason.")
    events = serializers.IntegerField(help_text="Downtime events.")


class LossCategorySerializer(serializers.Serializer):
    category = serializers.CharField(help_text="Loss category (one of the six big losses).")
    label = serializers.CharField(help_text="The category for people.")
    minutes = serializers.FloatField(help_text="Minutes lost.")
    events = serializers.IntegerField(help_text="Downtime events.")
    cumulative_share = serializers.FloatField(help_text="Share of all lost minutes so far.")
    reasons = LossReasonSerializer(many=True)


class LossParetoSerializer(serializers.Serializer):
    line = serializers.CharField(allow_null=True, help_text="Line code; null for the plant.")
    date_from = serializers.DateField(source="from", help_text="First day.")
    date_to = serializers.DateField(source="to", help_text="Last day.")
    total_minutes = serializers.FloatField(help_text="Minutes lost to the six big losses.")
    planned_minutes = serializers.FloatField(help_text="Planned downtime (not an OEE loss).")
    categories = LossCategorySerializer(many=True)


class RunInputSerializer(serializers.Serializer):
    line = _line_field(help_text="Line code.")
    part = serializers.SlugRelatedField(
        slug_field="sku", queryset=Part.objects.all(), help_text="SKU of the product built."
    )
    shift_start = serializers.DateTimeField(help_text="Shift start (ISO 8601).")
    shift_end = serializers.DateTimeField(help_text="Shift end, after the start.")
    planned_seconds = serializers.IntegerField(
        min_value=0, max_value=86400, help_text="Planned busy time (shift less planned downtime)."
    )
    run_seconds = serializers.IntegerField(min_value=0, max_value=86400, help_text="Run time.")
    total_count = serializers.IntegerField(
        min_value=0, max_value=10**9, help_text="Units produced."
    )
    good_count = serializers.IntegerField(
        min_value=0, max_value=10**9, help_text="Good units (≤ produced)."
    )
    reject_count = serializers.IntegerField(
        min_value=0, max_value=10**9, default=0, help_text="Units scrapped."
    )
    rework_count = serializers.IntegerField(
        min_value=0, max_value=10**9, default=0, help_text="Units reworked."
    )


class DowntimeInputSerializer(serializers.Serializer):
    line = _line_field(help_text="Line code.")
    start = serializers.DateTimeField(help_text="When the stop began.")
    end = serializers.DateTimeField(help_text="When it ended; events of a line may not overlap.")
    reason = serializers.ChoiceField(
        choices=DowntimeReason.choices, help_text="Why; sets the loss category."
    )
    note = serializers.CharField(
        max_length=200, required=False, default="", allow_blank=True, help_text="Free text."
    )


class BulkCreatedSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text="Items recorded.")
    ids = serializers.ListField(child=serializers.IntegerField(), help_text="Their ids, in order.")


def validated_items(serializer_class: type[serializers.Serializer], data: Any) -> list[dict]:
    """Validate a bulk body (a JSON list): any bad item refuses the whole list, errors by index."""
    if not isinstance(data, list):
        raise serializers.ValidationError({"detail": "Send a JSON list of items."})
    if not data or len(data) > MAX_BULK_ITEMS:
        raise serializers.ValidationError({"detail": f"Send between 1 and {MAX_BULK_ITEMS} items."})
    serializer = serializer_class(data=data, many=True)
    if not serializer.is_valid():
        found = serializer.errors  # a list, or {index: errors} in newer DRF versions
        pairs = found.items() if isinstance(found, dict) else enumerate(found)
        errors = {int(index): item for index, item in pairs if item}
        raise BulkRejected(errors, total=len(data))
    return list(serializer.validated_data)


class ForecastQuerySerializer(serializers.Serializer):
    line = _line_field(help_text="Line code.")
    horizon = serializers.IntegerField(
        min_value=1, max_value=30, default=14, help_text="Production days ahead, 1–30."
    )


class AccuracyQuerySerializer(serializers.Serializer):
    line = _line_field(required=False, help_text="Line code; leave out for every line.")


class ForecastModelSerializer(serializers.Serializer):
    method = serializers.CharField(help_text="The method the backtest chose.")
    note = serializers.CharField(help_text="Why it was chosen (or why seasonal naive is shown).")
    fitted_at = serializers.DateTimeField(help_text="When it was fitted.")
    train_from = serializers.DateField(help_text="First training day.")
    train_to = serializers.DateField(help_text="Last training day.")
    training_days = serializers.IntegerField(help_text="Production days used.")
    left_out_days = serializers.IntegerField(help_text="Flagged days left out of training.")
    backtest = serializers.DictField(
        child=serializers.DictField(),
        help_text="{method: {horizon: {mae, mase, rmse}, failed}} for every candidate.",
    )


class ForecastPointSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="Production day forecast.")
    value = serializers.FloatField(help_text="Forecast OEE, 0–1.")
    lower80 = serializers.FloatField(help_text="80 % interval, lower bound.")
    upper80 = serializers.FloatField(help_text="80 % interval, upper bound.")
    lower95 = serializers.FloatField(help_text="95 % interval, lower bound.")
    upper95 = serializers.FloatField(help_text="95 % interval, upper bound.")


class ForecastSerializer(serializers.Serializer):
    line = serializers.CharField(help_text="Line code.")
    model = ForecastModelSerializer()
    results = ForecastPointSerializer(many=True)


class AccuracySerializer(serializers.Serializer):
    line = serializers.CharField(help_text="Line code.")
    method = serializers.CharField(allow_null=True, help_text="The current model's method.")
    note = serializers.CharField(allow_blank=True, help_text="Why that method is shown.")
    days = serializers.IntegerField(help_text="Predicted days with an actual (up to 30).")
    mae = serializers.FloatField(allow_null=True, help_text="Mean absolute error over them.")
    inside80 = serializers.FloatField(allow_null=True, help_text="Share inside the 80 % band.")
    inside95 = serializers.FloatField(allow_null=True, help_text="Share inside the 95 % band.")
    backtest_mae = serializers.DictField(
        child=serializers.FloatField(), help_text="MAE the backtest promised, by horizon."
    )


class AccuracyListSerializer(serializers.Serializer):
    results = AccuracySerializer(many=True)


class RefitInputSerializer(serializers.Serializer):
    """An optional body: refit one line (default every active line) over a horizon."""

    line = _line_field(
        required=False, allow_null=True, help_text="Line code; leave out for every line."
    )
    horizon = serializers.IntegerField(
        min_value=1, max_value=30, default=30, help_text="Production days ahead, 1–30."
    )


class JobStartedSerializer(serializers.Serializer):
    job = serializers.CharField(help_text="Background job id.")
    detail = serializers.CharField(help_text="What happens next.")
    status = serializers.CharField(
        help_text="Where the job's progress is read (status, percent, message, error)."
    )
