"""HTML pages of the warehouse app: stock and documents, the build planner, racks."""

from django.urls import include, path

from warehouse import views

app_name = "warehouse"

urlpatterns = [
    path("", views.stock_overview, name="stock-overview"),
    path("", include("warehouse.planner_urls")),
    path("racks/", include("warehouse.racks.urls")),
]
