"""HTML pages of the inventory app."""

from django.urls import path

from inventory import views

app_name = "inventory"

urlpatterns = [
    path("parts/", views.part_list, name="part-list"),
    path("parts/<int:pk>/", views.part_detail, name="part-detail"),
]
