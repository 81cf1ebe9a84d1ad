"""Pages of the build planner (buildable quantity and shortages from stock)."""

from django.urls import path

urlpatterns: list = []
