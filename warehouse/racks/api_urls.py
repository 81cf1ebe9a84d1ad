"""Rack API routes (mounted under /api/)."""

from rest_framework.routers import SimpleRouter

from warehouse.racks.api import AssetViewSet, ConnectionViewSet, RackViewSet

router = SimpleRouter(trailing_slash=True)
router.register("racks", RackViewSet, basename="rack")
router.register("assets", AssetViewSet, basename="asset")
router.register("connections", ConnectionViewSet, basename="connection")

urlpatterns = router.urls
