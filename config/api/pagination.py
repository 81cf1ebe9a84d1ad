"""Page-number pagination; clients may ask for up to 100 rows a page.

Bad paging input is a client's mistake it can fix, so it is refused with 400 and a message
naming the parameter, rather than DRF's 404 "Invalid page" or a silently ignored ?page_size=:
- ?page= must be a whole number from 1 (or "last"); a page past the end says how many there are.
- ?page_size= must be a whole number from 1; above 100 it is served capped at 100, as documented.

A numbered page of a plain model queryset is read with its total in the same query (COUNT(*)
OVER ()), instead of a COUNT query before the page: one round trip less on every list request.
Only an empty answer (a page past the end, an empty list) asks for the count separately.
"""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.db.models.query import ModelIterable
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


def _short(raw: str) -> str:
    """The value as the client sent it, shortened so an error never echoes a huge string."""
    return raw if len(raw) <= 20 else raw[:20] + "…"


def _shown(raw: str) -> str:
    return repr(_short(raw))


def _pages(count: int) -> str:
    return "there is 1 page" if count == 1 else f"there are {count} pages"


class StandardPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    page_query_description = (
        'A page number from 1 (or "last"); a page past the end is refused with 400 naming how '
        "many pages there are."
    )
    page_size_query_description = (
        "Rows per page, a whole number from 1 (default 25); above 100 the page holds 100."
    )

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        size = self._whole_number(raw)
        if size is None or size < 1:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"page_size must be a whole number from 1 to {self.max_page_size}; "
                        f"got {_shown(raw)}."
                    ]
                }
            )
        return min(size, self.max_page_size)

    def paginate_queryset(
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any]:
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        self.page = self._page(paginator, request)
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return list(self.page)

    def _page(self, paginator: Paginator, request: Request) -> Page:
        raw = request.query_params.get(self.page_query_param)
        if raw is None or raw == "":
            return self._page_with_total(paginator, 1) or paginator.page(1)
        if raw in self.last_page_strings:
            return paginator.page(paginator.num_pages)
        number = self._whole_number(raw)
        if number is None or number < 1:
            message = f"page must be a whole number from 1; got {_shown(raw)}."
        elif page := self._page_with_total(paginator, number):
            return page
        elif number > paginator.num_pages:
            message = f"page {_short(raw.strip())} does not exist; {_pages(paginator.num_pages)}."
        else:
            return paginator.page(number)
        raise ValidationError({self.page_query_param: [message]})

    @staticmethod
    def _page_with_total(paginator: Paginator, number: int) -> Page | None:
        """Page ``number`` and the total in one query; None when that cannot be done or the
        page is empty (the caller then counts first, as Django's paginator does).

        Checked before ``number > num_pages`` on purpose: a page past the end is empty here.
        """
        queryset = paginator.object_list
        if number > 10**9:
            return None  # past any real table; the count answers "does not exist"
        if not isinstance(queryset, QuerySet) or queryset._iterable_class is not ModelIterable:
            return None
        query = queryset.query
        if query.distinct or query.group_by is not None or query.combinator or query.is_sliced:
            return None  # the window would count something else than the rows
        bottom = (number - 1) * paginator.per_page
        rows = list(
            queryset.annotate(_partline_total=Window(Count("*")))[
                bottom : bottom + paginator.per_page
            ]
        )
        if not rows:
            return None
        paginator.__dict__["count"] = rows[0]._partline_total  # Paginator.count is cached
        return paginator._get_page(rows, number, paginator)

    @staticmethod
    def _whole_number(raw: str) -> int | None:
        # Digits only: int() would also take " 7", "+7", "7_0" and "٧" (Arabic-Indic seven).
        text = raw.strip()
        sign = -1 if text.startswith("-") else 1
        digits = text.removeprefix("-")
        if not digits or not digits.isascii() or not digits.isdigit():
            return None
        # Past 18 digits the value only needs to be "too many": int() refuses over 4300 digits.
        return sign * (int(digits) if len(digits) <= 18 else 10**18)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] in (self.page_query_param, self.page_size_query_param):
                parameter["schema"]["minimum"] = 1
        return parameters
