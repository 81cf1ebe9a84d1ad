"""HTML pages of the analytics app."""

from django.urls import include, path

from analytics import views
from analytics.oee import views as oee_views

app_name = "analytics"

urlpatterns = [
    path("", views.index, name="index"),
    path("oee/", oee_views.dashboard, name="oee-dashboard"),
    path("oee/export/", oee_views.export_start, name="oee-export"),
    path("oee/import/", oee_views.import_report, name="oee-import"),
    path("oee/refit/", oee_views.refit_start, name="oee-refit"),
    path("oee/<str:code>/", oee_views.line_detail, name="oee-line"),
]
urlpatterns += [path("", include("analytics.geo.urls"))]
