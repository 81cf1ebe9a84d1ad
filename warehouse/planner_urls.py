"""Pages of the build planner (buildable quantity and shortages from stock)."""

from django.urls import path

from warehouse import planner_views

urlpatterns = [
    path("planner/", planner_views.planner, name="planner"),
    path("planner/export.csv", planner_views.planner_export, name="planner-export"),
]
