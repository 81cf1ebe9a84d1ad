"""Build planner API routes: buildable and shortages per warehouse (mounted under /api/)."""

urlpatterns: list = []
