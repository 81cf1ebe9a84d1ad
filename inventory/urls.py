"""HTML pages of the inventory app."""

from django.urls import path

from inventory import views

app_name = "inventory"

urlpatterns = [
    path("parts/", views.PartListView.as_view(), name="part-list"),
    path("parts/search/", views.PartSearchView.as_view(), name="part-search"),
    path("parts/<int:pk>/", views.PartDetailView.as_view(), name="part-detail"),
]
