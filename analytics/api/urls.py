"""REST API routes of the analytics app (mounted under /api/)."""

from django.urls import include, path

from analytics.api import views

urlpatterns = [
    path("oee/", views.OeeView.as_view(), name="api-oee"),
    path("oee/losses/", views.OeeLossesView.as_view(), name="api-oee-losses"),
    path("oee/runs/", views.RunBulkView.as_view(), name="api-oee-runs"),
    path("oee/downtime/", views.DowntimeBulkView.as_view(), name="api-oee-downtime"),
    path("oee/forecast/", views.OeeForecastView.as_view(), name="api-oee-forecast"),
    path("oee/forecast/refit/", views.OeeRefitView.as_view(), name="api-oee-refit"),
    path("oee/accuracy/", views.OeeAccuracyView.as_view(), name="api-oee-accuracy"),
]
urlpatterns += [path("", include("analytics.geo.api.urls"))]
