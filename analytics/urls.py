"""HTML pages of the analytics app."""

from django.urls import path

from analytics import views

app_name = "analytics"

urlpatterns = [path("", views.index, name="index")]
