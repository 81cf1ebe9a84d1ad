"""HTML pages of the analytics app."""

from django.urls import include, path

from analytics import views

app_name = "analytics"

urlpatterns = [path("", views.index, name="index")]
urlpatterns += [path("", include("analytics.geo.urls"))]
