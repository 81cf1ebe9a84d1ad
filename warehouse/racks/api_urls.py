"""Old route module kept only while warehouse/api/urls.py includes it; the routes live in
warehouse/racks/api/urls.py (include that, then delete this file)."""

from warehouse.racks.api.urls import urlpatterns

__all__ = ["urlpatterns"]
