"""Inventory API serializers."""

from rest_framework import serializers

from inventory.models import Category, Part


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "parent", "description"]


class PartSerializer(serializers.ModelSerializer):
    class Meta:
        model = Part
        fields = [
            "id",
            "sku",
            "name",
            "description",
            "category",
            "manufacturer",
            "mpn",
            "unit",
            "is_assembly",
            "is_purchased",
            "unit_cost",
            "currency",
            "reorder_point",
            "lead_time_days",
            "is_active",
            "notes",
        ]
