"""REST API routes of the analytics app (mounted under /api/)."""

from django.urls import path

from analytics.api import views

urlpatterns = [
    path("oee/", views.OeeView.as_view(), name="api-oee"),
    path("oee/losses/", views.OeeLossesView.as_view(), name="api-oee-losses"),
    path("oee/runs/", views.RunBulkView.as_view(), name="api-oee-runs"),
    path("oee/downtime/", views.DowntimeBulkView.as_view(), name="api-oee-downtime"),
]
