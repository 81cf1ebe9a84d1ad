"""Base views for the server-rendered pages: access in one order, filtered and paginated lists.

A page class declares its permission, template and (for a list) FilterSet; the rest is here, so
every list page filters, paginates and guards itself the same way.
"""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.views.generic import DetailView, ListView

PAGE_SIZE = 50


class PageAccessMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """A read-only page: a method it does not take is 405 for everyone, then an anonymous
    visitor goes to the login (302), then a user without ``permission_required`` gets 403."""

    http_method_names = ["get", "head"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)


class FilteredListView(PageAccessMixin, ListView):
    """A list page: the ``filterset_class`` (the one the API uses too) over ``get_base_queryset``,
    paginated; the template gets ``filter``, ``page`` and ``query`` (the filters without the
    page number, for the pagination links)."""

    filterset_class: Any = None
    paginate_by = PAGE_SIZE

    def get_base_queryset(self) -> QuerySet:
        return super().get_queryset()

    def get_filterset_data(self) -> Any:
        return self.request.GET

    def get_queryset(self) -> QuerySet:
        queryset = self.get_base_queryset()
        if self.filterset_class is None:
            self.filterset = None
            return queryset
        self.filterset = self.filterset_class(
            self.get_filterset_data(), queryset=queryset, request=self.request
        )
        return self.filterset.qs

    def paginate_queryset(self, queryset: Any, page_size: int) -> tuple:
        # A page number out of range or not a number shows the nearest page, never a 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        context.update(filter=self.filterset, page=context["page_obj"], query=query.urlencode())
        return context


class PageDetailView(PageAccessMixin, DetailView):
    """A detail page, guarded like every page."""
