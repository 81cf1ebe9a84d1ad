"""REST routes of the order map (mounted under /api/geo/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from analytics.geo.api import views

router = SimpleRouter(trailing_slash=True)
router.register("geo/vendors", views.VendorViewSet, basename="geo-vendor")
router.register("geo/orders", views.OrderViewSet, basename="geo-order")
router.register("geo/areas", views.MarketingAreaViewSet, basename="geo-area")
router.register("geo/sources", views.DataSourceViewSet, basename="geo-source")
router.register("geo/refresh-runs", views.RefreshRunViewSet, basename="geo-refresh-run")

urlpatterns = [
    path("geo/heatmap/", views.HeatmapView.as_view(), name="geo-heatmap"),
    path("geo/heatmap/jobs/", views.HeatmapJobView.as_view(), name="geo-heatmap-job"),
    path("geo/coverage/", views.CoverageView.as_view(), name="geo-coverage"),
    path("geo/coverage/jobs/", views.CoverageJobView.as_view(), name="geo-coverage-job"),
    *router.urls,
]
