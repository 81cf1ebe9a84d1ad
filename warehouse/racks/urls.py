"""Rack pages (mounted under /warehouse/racks/, names in the warehouse namespace)."""

from django.urls import path

urlpatterns: list = []
