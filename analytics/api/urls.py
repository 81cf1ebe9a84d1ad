"""REST API routes of the analytics app (mounted under /api/)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

router = SimpleRouter(trailing_slash=True)

urlpatterns = router.urls
urlpatterns += [path("", include("analytics.geo.api.urls"))]
