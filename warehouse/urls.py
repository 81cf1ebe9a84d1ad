"""HTML pages of the warehouse app."""

from django.urls import path

from warehouse import views

app_name = "warehouse"

urlpatterns = [path("", views.stock_overview, name="stock-overview")]
