"""Inventory API views: thin viewsets over the models, services and selectors."""

from rest_framework import viewsets

from inventory.api.serializers import CategorySerializer, PartSerializer
from inventory.models import Category, Part


class CategoryViewSet(viewsets.ModelViewSet):
    queryset = Category.objects.all()
    serializer_class = CategorySerializer
    search_fields = ["name"]


class PartViewSet(viewsets.ModelViewSet):
    queryset = Part.objects.select_related("category", "manufacturer")
    serializer_class = PartSerializer
    search_fields = ["sku", "name", "mpn"]
    filterset_fields = ["category", "is_assembly", "is_purchased", "is_active"]
