"""Inventory pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inventory.models import Part


@login_required
def part_list(request: HttpRequest) -> HttpResponse:
    return render(request, "inventory/part_list.html", {"parts": Part.objects.all()[:50]})
