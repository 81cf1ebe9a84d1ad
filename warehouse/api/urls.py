"""REST API routes of the warehouse app (mounted under /api/)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

router = SimpleRouter(trailing_slash=True)

urlpatterns = [
    *router.urls,
    path("", include("warehouse.api.planning_urls")),
    path("", include("warehouse.racks.api_urls")),
]
