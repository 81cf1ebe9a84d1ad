"""Pages of the order map (mounted under /analytics/)."""

from django.urls import path

from analytics.geo import views

urlpatterns = [
    path("map/", views.map_page, name="geo-map"),
    path("map/coverage/", views.coverage_page, name="geo-coverage"),
]
