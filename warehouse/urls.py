"""HTML pages of the warehouse app: stock and documents, the build planner, racks."""

from django.urls import include, path

from warehouse import views

app_name = "warehouse"

urlpatterns = [
    path("", views.stock_overview, name="stock-overview"),
    path("parts/<int:pk>/", views.part_stock, name="part-stock"),
    path("documents/", views.document_list, name="document-list"),
    path("documents/new/", views.document_create, name="document-create"),
    path("documents/new/build/", views.document_create_build, name="document-create-build"),
    path("documents/<int:pk>/", views.document_detail, name="document-detail"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document-edit"),
    path("documents/<int:pk>/post/", views.document_post, name="document-post"),
    path("documents/<int:pk>/cancel/", views.document_cancel, name="document-cancel"),
    path("documents/<int:pk>/delete/", views.document_delete, name="document-delete"),
    path("", include("warehouse.planner_urls")),
    path("racks/", include("warehouse.racks.urls")),
]
