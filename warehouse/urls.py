"""HTML pages of the warehouse app: stock and documents, the build planner, racks."""

from django.urls import include, path

from warehouse import views

app_name = "warehouse"

urlpatterns = [
    path("", views.stock_overview, name="stock-overview"),
    path("parts/<int:pk>/", views.part_stock, name="part-stock"),
    path("locations/search/", views.LocationSearchView.as_view(), name="location-search"),
    path("documents/", views.document_list, name="document-list"),
    path("documents/new/", views.document_create, name="document-create"),
    path("documents/<int:pk>/", views.document_detail, name="document-detail"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document-edit"),
    path("documents/<int:pk>/post/", views.document_post, name="document-post"),
    path("documents/<int:pk>/cancel/", views.document_cancel, name="document-cancel"),
    path("documents/<int:pk>/delete/", views.document_delete, name="document-delete"),
    # The planner, its CSV export and the BUILD draft made from a plan (documents/new/build/).
    path("", include("warehouse.planning.urls")),
    path("racks/", include("warehouse.racks.urls")),
]
