"""Build planner API routes: buildable and shortages per warehouse (mounted under /api/)."""

from django.urls import path

from warehouse.planning.api import views

urlpatterns = [
    path("parts/<int:pk>/buildable/", views.BuildableView.as_view(), name="part-buildable"),
    path("parts/<int:pk>/shortages/", views.ShortagesView.as_view(), name="part-shortages"),
]
