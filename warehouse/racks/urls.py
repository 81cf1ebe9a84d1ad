"""Rack pages (mounted under /warehouse/racks/, names in the warehouse namespace)."""

from django.urls import path

from warehouse.racks import views

urlpatterns = [
    path("", views.RackListView.as_view(), name="rack-list"),
    path("devices/search/", views.DeviceSearchView.as_view(), name="rack-device-search"),
    path("<int:pk>/", views.RackDetailView.as_view(), name="rack-detail"),
    path("<int:pk>/optimise/", views.rack_optimise, name="rack-optimise"),
    path("<int:pk>/apply/", views.rack_apply, name="rack-apply"),
    path("<int:pk>/placements/", views.rack_place, name="rack-place"),
    path(
        "<int:pk>/placements/<int:placement_id>/delete/",
        views.rack_placement_delete,
        name="rack-placement-delete",
    ),
]
