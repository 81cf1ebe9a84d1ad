"""Pages of the build planner (mounted under /warehouse/, names in the warehouse namespace)."""

from django.urls import path

from warehouse.planning import views

urlpatterns = [
    path("planner/", views.planner, name="planner"),
    path("planner/export.csv", views.planner_export, name="planner-export"),
    path("documents/new/build/", views.build_document_create, name="document-create-build"),
]
