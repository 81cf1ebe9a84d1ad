"""REST API routes of the inventory app (mounted under /api/)."""

from rest_framework.routers import SimpleRouter

from inventory.api import views

router = SimpleRouter(trailing_slash=True)
router.register("categories", views.CategoryViewSet)
router.register("manufacturers", views.ManufacturerViewSet)
router.register("parts", views.PartViewSet)
router.register("suppliers", views.SupplierViewSet)
router.register("supplier-parts", views.SupplierPartViewSet)
router.register("bom-lines", views.BomLineViewSet)

urlpatterns = router.urls
