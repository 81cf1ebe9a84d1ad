"""Pickers over tables that grow without bound (parts, locations, rack devices): a form field that
renders only the chosen object and a JSON view the page's script searches as you type.

A page never lists such a table: the field renders a text input holding the chosen object's
reference (a part's SKU, a location's WAREHOUSE/CODE), and ``static/js/autocomplete.js`` turns it
into a Tom Select picker that asks the field's ``url`` for at most ``AUTOCOMPLETE_LIMIT`` matches
and posts the chosen id. Without JavaScript the person types the reference instead; the field
takes an id (what the picker posts) or a reference, and refuses anything else with a field message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.generic import View

from config.errors import DomainError
from config.views_mixins import PageAccessMixin

AUTOCOMPLETE_LIMIT = 20


class AutocompleteInput(forms.TextInput):
    """A text input carrying the search URL and the chosen object (id and label) for the script."""

    class Media:
        css = {"all": ("vendor/tom-select/tom-select.default.min.css", "css/autocomplete.css")}
        js = ("vendor/tom-select/tom-select.complete.min.js", "js/autocomplete.js")

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.field: SearchChoiceField | None = None

    def __deepcopy__(self, memo: dict) -> AutocompleteInput:
        widget = super().__deepcopy__(memo)
        widget.field = None  # re-pointed by the field's own deepcopy
        return widget

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        field = self.field
        chosen = field.instance_for(value) if field else None
        attrs = {**(attrs or {})}
        if field:
            attrs["data-autocomplete"] = field.search_url()
            attrs["placeholder"] = field.placeholder
            attrs["autocomplete"] = "off"
        if chosen is not None:
            attrs["data-value"] = str(chosen.pk)
            attrs["data-label"] = field.label_from_instance(chosen)
            value = field.reference_of(chosen)
        return super().get_context(name, value, attrs)


class SearchChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField for a big table: an id or a typed reference, never a list of options.

    Subclasses say how a reference is written (``reference_of``), found (``lookup_reference``)
    and labelled (``label_from_instance``), and which view searches (``url_name``).
    """

    url_name = ""
    placeholder = "Type to search…"
    reference_help = ""
    default_error_messages = {
        "invalid_choice": "%(value)s is not one of the choices: pick one from the search.",
    }

    def __init__(self, queryset: QuerySet, **kwargs: Any) -> None:
        kwargs.setdefault("widget", AutocompleteInput)
        kwargs.setdefault("empty_label", None)
        self.search_query: dict[str, str] = kwargs.pop("search_query", {})
        super().__init__(queryset, **kwargs)
        self.widget.field = self

    def __deepcopy__(self, memo: dict) -> SearchChoiceField:
        result = super().__deepcopy__(memo)
        result.widget.field = result
        return result

    def search_url(self) -> str:
        url = reverse(self.url_name)
        if self.search_query:
            url = f"{url}?{urlencode(self.search_query)}"
        return url

    def reference_of(self, obj: Model) -> str:
        return str(obj.pk)

    def lookup_reference(self, queryset: QuerySet, text: str) -> Model:
        """The object a typed reference names; raises DoesNotExist or MultipleObjectsReturned."""
        raise queryset.model.DoesNotExist

    def prepare_value(self, value: Any) -> Any:
        # A chosen object reaches the widget whole: it renders it without another query.
        return value if isinstance(value, Model) else super().prepare_value(value)

    def instance_for(self, value: Any) -> Model | None:
        """The chosen object for rendering, or None (blank or not a known choice)."""
        if isinstance(value, Model):
            return value
        if value in self.empty_values:
            return None
        try:
            return self.to_python(value)
        except forms.ValidationError:
            return None

    def to_python(self, value: Any) -> Model | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Model):
            value = value.pk
        text = str(value).strip()
        if "\x00" in text:  # as Django's own text fields say it (PostgreSQL refuses NUL in text)
            raise forms.ValidationError("Null characters are not allowed.", code="null_characters")
        queryset = self.queryset
        by_reference: Model | None = None
        try:
            by_reference = self.lookup_reference(queryset, text)
        except ObjectDoesNotExist:
            pass
        except MultipleObjectsReturned:
            raise forms.ValidationError(
                "%(value)s names more than one: %(help)s",
                code="ambiguous",
                params={"value": text, "help": self.reference_help},
            )
        if text.isascii() and text.isdecimal():  # "²" is a digit, not a number
            by_id = queryset.filter(pk=int(text)).first() if len(text) < 19 else None
            if by_id is not None and by_reference is not None and by_id != by_reference:
                # The user's text goes in as a parameter: error messages are %-formatted.
                raise forms.ValidationError(
                    "%(value)s is the id of %(by_id)s and the reference of %(other)s: pick one "
                    "from the search.",
                    code="ambiguous",
                    params={
                        "value": text,
                        "by_id": self.label_from_instance(by_id),
                        "other": self.label_from_instance(by_reference),
                    },
                )
            if by_id is not None:
                return by_id
        if by_reference is not None:
            return by_reference
        raise forms.ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text}
        )

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        before = self.instance_for(initial)
        before_pk = before.pk if before is not None else None
        if data in self.empty_values:
            return before_pk is not None
        after = self.instance_for(data)
        return after is None or after.pk != before_pk


class AutocompleteView(PageAccessMixin, View):
    """GET ?q=<text>: ``{"results": [{"id", "text"}], "more": bool}``, at most AUTOCOMPLETE_LIMIT.

    A subclass gives ``permission_required`` (the one of the page that uses it), ``search``
    (a selector taking the request's query) and ``label``.
    """

    search: Callable[..., list[Any]]
    label: Callable[[Any], str]

    def search_arguments(self, request: HttpRequest) -> dict[str, Any]:
        return {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        text = request.GET.get("q", "")[:100].replace("\x00", "").strip()
        try:
            arguments = self.search_arguments(request)
        except DomainError as refused:  # an unknown filter value: answered once, with its words
            return JsonResponse(refused.as_dict(), status=refused.http_status)
        found = type(self).search(text=text, limit=AUTOCOMPLETE_LIMIT + 1, **arguments)
        results = [{"id": obj.pk, "text": type(self).label(obj)} for obj in found]
        return JsonResponse(
            {"results": results[:AUTOCOMPLETE_LIMIT], "more": len(results) > AUTOCOMPLETE_LIMIT}
        )
