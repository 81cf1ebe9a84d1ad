"""Warehouse pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from warehouse.models import Warehouse


@login_required
def stock_overview(request: HttpRequest) -> HttpResponse:
    return render(request, "warehouse/stock_overview.html", {"warehouses": Warehouse.objects.all()})
