"""Read-only list pages without DRF's per-request serializer cost, with the same output.

A DRF list builds a fresh serializer (deep-copying and re-deriving every field from the model)
on every request, then walks each field of each row through the generic get_attribute and
to_representation machinery: for a 25-row page of parts about a third of the request's CPU.
``RowWriter`` builds a serializer class's fields once per process and writes each row with a
plan made from them: the same ``field.get_attribute`` and ``field.to_representation`` DRF calls
(so the values are the same bytes), with the calls that can only return their input skipped (a
``str`` through a CharField or a ChoiceField, an ``int`` through an IntegerField, a ``bool``
through a BooleanField, a primary key through a PrimaryKeyRelatedField) and the current time
zone looked up once a page instead of once a timestamp.

Only serializers whose output cannot depend on the request qualify (no method fields, nested
serializers, hyperlinks, files or a custom ``to_representation``); ``RowWriter.for_class``
answers None for the others and ``FastListMixin`` then falls back to DRF's own list.
"""

from __future__ import annotations

import datetime
import hashlib
import operator
import threading
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import ISO_8601, relations, serializers
from rest_framework import fields as drf_fields
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.response import Response
from rest_framework.settings import api_settings

from config.revisions import Revision, cached_under

_PASS_THROUGH = {
    drf_fields.CharField: str,
    drf_fields.ChoiceField: str,  # a stored choice is answered as the same string
    drf_fields.IntegerField: int,
    drf_fields.BooleanField: bool,
}
_REFUSED = (
    drf_fields.SerializerMethodField,
    drf_fields.FileField,
    drf_fields.HiddenField,
    serializers.BaseSerializer,
    relations.ManyRelatedField,
    relations.HyperlinkedRelatedField,
)


def _iso_datetime_field(field: drf_fields.Field) -> bool:
    """A DateTimeField writing ISO 8601 in the current time zone (DRF's default)."""
    output_format = getattr(field, "format", api_settings.DATETIME_FORMAT)
    return (
        type(field) is drf_fields.DateTimeField
        and isinstance(output_format, str)
        and output_format.lower() == ISO_8601
        and not hasattr(field, "timezone")
        and settings.USE_TZ
    )


def _cell(field: drf_fields.Field) -> Callable[[Any, Any], Any]:
    """A function of (the row's instance, the current time zone) answering the field's value;
    it raises SkipField where DRF would leave the field out."""
    to_representation = field.to_representation
    get_attribute = field.get_attribute
    plain = _PASS_THROUGH.get(type(field))
    source_attrs = field.source_attrs
    simple_source = len(source_attrs) == 1 and not source_attrs[0].startswith("_")
    if (
        type(field) is relations.PrimaryKeyRelatedField
        and field.use_pk_only_optimization()
        and simple_source
    ):
        column = operator.attrgetter(source_attrs[0] + "_id")
        return lambda instance, tz: column(instance)  # DRF reads the FK column and answers it
    if not simple_source:
        return lambda instance, tz: _general(instance, get_attribute, to_representation, plain)
    read = operator.attrgetter(source_attrs[0])

    if _iso_datetime_field(field):

        def datetime_cell(instance: Any, tz: Any) -> Any:
            value = read(instance)
            if not value:
                return None
            if isinstance(value, datetime.datetime) and value.utcoffset() is not None:
                try:
                    text = value.astimezone(tz).isoformat()
                except OverflowError:
                    return to_representation(value)  # DRF's own refusal
                return text[:-6] + "Z" if text.endswith("+00:00") else text
            return to_representation(value)

        return datetime_cell

    def cell(instance: Any, tz: Any) -> Any:
        try:
            value = read(instance)
        except AttributeError:
            return _general(instance, get_attribute, to_representation, plain)
        if value is None or type(value) is plain:
            return value
        if callable(value):
            return _general(instance, get_attribute, to_representation, plain)
        return to_representation(value)

    return cell


def _general(
    instance: Any, get_attribute: Callable, to_representation: Callable, plain: type | None
) -> Any:
    """DRF's own steps for one field (Serializer.to_representation)."""
    value = get_attribute(instance)
    check = value.pk if isinstance(value, PKOnlyObject) else value
    if check is None:
        return None
    if plain is not None and type(value) is plain:
        return value
    return to_representation(value)


class RowWriter:
    """Writes rows of one serializer class as DRF would; built once per class and process."""

    _writers: dict[type, RowWriter | None] = {}
    _lock = threading.Lock()

    def __init__(self, serializer_class: type[serializers.Serializer]) -> None:
        serializer = serializer_class()
        readable = list(serializer._readable_fields)
        self.cells = [(field.field_name, _cell(field)) for field in readable]

    @classmethod
    def for_class(cls, serializer_class: type) -> RowWriter | None:
        try:
            return cls._writers[serializer_class]
        except KeyError:
            pass
        with cls._lock:
            if serializer_class not in cls._writers:
                cls._writers[serializer_class] = (
                    cls(serializer_class) if cls.qualifies(serializer_class) else None
                )
            return cls._writers[serializer_class]

    @staticmethod
    def qualifies(serializer_class: type) -> bool:
        if serializer_class.to_representation is not serializers.Serializer.to_representation:
            return False
        fields = serializer_class().fields.values()
        return not any(isinstance(field, _REFUSED) or field.source == "*" for field in fields)

    def rows(self, instances: Iterable[Any]) -> list[dict[str, Any]]:
        cells = self.cells
        tz = timezone.get_current_timezone() if settings.USE_TZ else None
        out = []
        for instance in instances:
            row = {}
            for name, cell in cells:
                try:
                    row[name] = cell(instance, tz)
                except SkipField:
                    continue
            out.append(row)
        return out


# Query parameters no filter backend reads: the page's and DRF's format override.
_NOT_FILTERS = frozenset({"page", "page_size", "format"})


class FastListMixin:
    """``list`` for a read path: DRF's filtering and pagination, rows written by RowWriter.

    A list asked for with no filter, search or ordering parameter skips the filter backends:
    each would answer the queryset unchanged (a filter with no value is not applied, and these
    views set no default ``ordering``), after building a filter form for nothing.
    """

    def filter_queryset(self, queryset: Any) -> Any:
        params = self.request.query_params  # type: ignore[attr-defined]
        if (
            getattr(self, "action", None) == "list"
            and not getattr(self, "ordering", None)
            and all(name in _NOT_FILTERS for name in params)
        ):
            return queryset
        return super().filter_queryset(queryset)  # type: ignore[misc]

    # The data revisions (config.revisions) a page of this list is read under: when set, a page
    # is kept in the shared cache, keyed by its full URL, until one of them is bumped (or for at
    # most API_LIST_CACHE_SECONDS). Only for lists whose rows do not depend on who asks.
    list_revisions: tuple[Revision, ...] = ()

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        writer = RowWriter.for_class(self.get_serializer_class())  # type: ignore[attr-defined]
        if writer is None:
            return super().list(request, *args, **kwargs)  # type: ignore[misc]
        timeout = getattr(settings, "API_LIST_CACHE_SECONDS", 300)
        if not self.list_revisions or timeout <= 0:
            return Response(self._list_data(writer))
        url = request.build_absolute_uri()
        key = "api-list:" + hashlib.sha256(url.encode()).hexdigest()
        data = cached_under(
            self.list_revisions, key, partial(self._list_data, writer), timeout=timeout
        )
        return Response(data)

    def _list_data(self, writer: RowWriter) -> Any:
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        page = self.paginate_queryset(queryset)  # type: ignore[attr-defined]
        if page is not None:
            return self.get_paginated_response(writer.rows(page)).data  # type: ignore[attr-defined]
        return writer.rows(queryset)
