"""REST API routes of the warehouse app (mounted under /api/)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from warehouse.api import views

router = SimpleRouter(trailing_slash=True)
router.register("warehouses", views.WarehouseViewSet, basename="warehouse")
router.register("locations", views.LocationViewSet, basename="location")
router.register("stock-levels", views.StockLevelViewSet, basename="stocklevel")
router.register("moves", views.StockMoveViewSet, basename="stockmove")
router.register("documents", views.StockDocumentViewSet, basename="stockdocument")
router.register("stock-verifications", views.StockVerificationViewSet, basename="stockverification")

urlpatterns = [
    *router.urls,
    path("", include("warehouse.planning.api.urls")),
    path("", include("warehouse.racks.api.urls")),
]
