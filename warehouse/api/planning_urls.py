"""Build planner API routes: buildable and shortages per warehouse (mounted under /api/)."""

from django.urls import path

from warehouse.api import planning

urlpatterns = [
    path("parts/<int:pk>/buildable/", planning.BuildableView.as_view(), name="part-buildable"),
    path("parts/<int:pk>/shortages/", planning.ShortagesView.as_view(), name="part-shortages"),
]
