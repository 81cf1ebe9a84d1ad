"""REST API routes of the inventory app (mounted under /api/)."""

from rest_framework.routers import SimpleRouter

from inventory.api import views

router = SimpleRouter(trailing_slash=True)
router.register("categories", views.CategoryViewSet)
router.register("parts", views.PartViewSet)

urlpatterns = router.urls
