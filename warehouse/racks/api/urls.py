"""Rack API routes (mounted under /api/)."""

from rest_framework.routers import SimpleRouter

from warehouse.racks.api import views

router = SimpleRouter(trailing_slash=True)
router.register("racks", views.RackViewSet, basename="rack")
router.register("assets", views.AssetViewSet, basename="asset")
router.register("connections", views.ConnectionViewSet, basename="connection")

urlpatterns = router.urls
