"""Serializers of the order map's API: thin; area geometry is checked by the service."""

from rest_framework import serializers

from analytics.geo.models import City, DataSource, MarketingArea, Order, RefreshRun, Vendor
from analytics.geo.services import area_geojson_clean


class VendorSerializer(serializers.ModelSerializer):
    city = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="City code.")

    class Meta:
        model = Vendor
        fields = [
            "id",
            "code",
            "name",
            "city",
            "latitude",
            "longitude",
            "grade",
            "business_line",
            "status",
            "visible",
            "open",
            "radius_km",
            "updated_at",
        ]


class OrderSerializer(serializers.ModelSerializer):
    vendor = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Vendor.")
    city = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="City code.")
    h3 = serializers.SerializerMethodField(help_text="H3 cell (resolution 9) of the customer.")

    class Meta:
        model = Order
        fields = [
            "id",
            "order_id",
            "vendor",
            "city",
            "business_line",
            "created_at",
            "latitude",
            "longitude",
            "user_id",
            "is_organic",
            "h3",
        ]

    def get_h3(self, order: Order) -> str:
        return f"{order.cell:x}"


class MarketingAreaSerializer(serializers.ModelSerializer):
    city = serializers.SlugRelatedField(
        slug_field="code", queryset=City.objects.all(), help_text="City code."
    )
    geojson = serializers.JSONField(
        help_text="A GeoJSON Polygon or MultiPolygon inside the city, every ring closed."
    )

    class Meta:
        model = MarketingArea
        fields = ["id", "name", "city", "geojson", "target_percent", "updated_at"]
        read_only_fields = ["updated_at"]

    def validate(self, attrs: dict) -> dict:
        city = attrs.get("city") or getattr(self.instance, "city", None)
        geojson = attrs.get("geojson", getattr(self.instance, "geojson", None))
        if ("geojson" in attrs or "city" in attrs) and city is not None:
            attrs["geojson"] = area_geojson_clean(geojson=geojson, city=city)
        return attrs


class DataSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = DataSource
        fields = [
            "id",
            "name",
            "kind",
            "source_type",
            "url",
            "card_id",
            "secret_env",
            "overlap_hours",
            "enabled",
        ]

    def validate(self, attrs: dict) -> dict:
        source_type = attrs.get("source_type") or getattr(self.instance, "source_type", None)
        card_id = attrs.get("card_id", getattr(self.instance, "card_id", None))
        if source_type == DataSource.SourceType.METABASE and card_id is None:
            raise serializers.ValidationError({"card_id": ["A Metabase source needs a card id."]})
        return attrs


class RefreshRunSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="name", read_only=True, help_text="Source.")

    class Meta:
        model = RefreshRun
        fields = [
            "id",
            "source",
            "kind",
            "origin",
            "full",
            "started_at",
            "finished_at",
            "status",
            "rows_read",
            "rows_inserted",
            "rows_updated",
            "rows_rejected",
            "error",
            "rejects",
            "summary",
        ]


class MapJobStartedSerializer(serializers.Serializer):
    job = serializers.IntegerField(help_text="Report job id.")
    detail = serializers.CharField(help_text="What happens next.")
    status = serializers.CharField(
        help_text="Poll this (token or session): status, percent, message, error, download."
    )
    download = serializers.CharField(help_text="The job's file once its status is done.")
