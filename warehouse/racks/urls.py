"""Rack pages (mounted under /warehouse/racks/, names in the warehouse namespace)."""

urlpatterns: list = []
