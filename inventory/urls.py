"""HTML pages of the inventory app."""

from django.urls import path

from inventory import views

app_name = "inventory"

urlpatterns = [path("parts/", views.part_list, name="part-list")]
