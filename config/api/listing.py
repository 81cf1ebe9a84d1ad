"""Read-only list pages without DRF's per-request serializer cost, with the same output.

A DRF list builds a fresh serializer (deep-copying and re-deriving every field from the model)
on every request, then walks each field of each row through the generic get_attribute and
to_representation machinery: for a 25-row page of parts about a third of the request's CPU.
``RowWriter`` builds a serializer class's fields once per process and writes each row with a
plan made from them: the same ``field.get_attribute`` and ``field.to_representation`` DRF calls
(so the values are the same bytes), with the calls that can only return their input skipped (a
``str`` through a CharField, an ``int`` through an IntegerField, a ``bool`` through a
BooleanField, a primary key through a PrimaryKeyRelatedField).

Only serializers whose output cannot depend on the request qualify (no method fields, nested
serializers, hyperlinks, files or a custom ``to_representation``); ``RowWriter.for_class``
answers None for the others and ``FastListMixin`` then falls back to DRF's own list.
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable, Iterable
from typing import Any

from rest_framework import fields as drf_fields
from rest_framework import relations, serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.response import Response

_PASS_THROUGH = {
    drf_fields.CharField: str,
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


def _cell(field: drf_fields.Field) -> Callable[[Any], Any]:
    """A function of the row's instance answering this field's representation (or SkipField)."""
    to_representation = field.to_representation
    plain = _PASS_THROUGH.get(type(field))
    source_attrs = field.source_attrs
    simple_source = len(source_attrs) == 1 and not source_attrs[0].startswith("_")
    if type(field) is relations.PrimaryKeyRelatedField and field.use_pk_only_optimization():
        # DRF reads the FK column (no query) and answers its value.
        column = operator.attrgetter(field.source_attrs[-1] + "_id")
        prefix = source_attrs[:-1]
        if not prefix:
            return column
    get_attribute = field.get_attribute

    if plain is not None and simple_source:
        read = operator.attrgetter(source_attrs[0])

        def cell(instance: Any) -> Any:
            try:
                value = read(instance)
            except AttributeError:
                value = get_attribute(instance)  # DRF's own handling (SkipField, defaults)
            if value is None or type(value) is plain:
                return value
            if callable(value):
                value = get_attribute(instance)
                if value is None:
                    return None
            return to_representation(value)

        return cell

    def general(instance: Any) -> Any:
        value = get_attribute(instance)
        check = value.pk if isinstance(value, PKOnlyObject) else value
        if check is None:
            return None
        if plain is not None and type(value) is plain:
            return value
        return to_representation(value)

    return general


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
        out = []
        for instance in instances:
            row = {}
            for name, cell in cells:
                try:
                    row[name] = cell(instance)
                except SkipField:
                    continue
            out.append(row)
        return out


class FastListMixin:
    """``list`` for a read path: DRF's filtering and pagination, rows written by RowWriter."""

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        writer = RowWriter.for_class(self.get_serializer_class())  # type: ignore[attr-defined]
        if writer is None:
            return super().list(request, *args, **kwargs)  # type: ignore[misc]
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        page = self.paginate_queryset(queryset)  # type: ignore[attr-defined]
        if page is not None:
            return self.get_paginated_response(writer.rows(page))  # type: ignore[attr-defined]
        return Response(writer.rows(queryset))
