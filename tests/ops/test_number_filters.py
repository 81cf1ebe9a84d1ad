"""The template filters for money and quantities: one rendering, built on config/numbers.py."""

from decimal import Decimal

from django.template import Context, Template

from config.templatetags.partline_format import money, quantity


def render(source: str, **context) -> str:
    return Template("{% load partline_format %}" + source).render(Context(context))


def test_money_shows_two_decimals_thousands_separators_and_the_currency():
    assert money(Decimal("1917.5")) == "1,917.50 USD"
    assert money(Decimal("2566.92")) == "2,566.92 USD"
    assert money(0) == "0.00 USD"


def test_money_names_the_currency_it_is_given():
    assert render("{{ price|money:currency }}", price=Decimal("1234.5"), currency="EUR") == (
        "1,234.50 EUR"
    )


def test_quantity_separates_thousands_and_drops_trailing_zeros():
    assert quantity(Decimal("12500.5000")) == "12,500.5"
    assert quantity(Decimal("10.0000")) == "10"
    assert quantity(1234567) == "1,234,567"
    assert quantity(Decimal("-0.00001")) == "0"


def test_quantity_rounds_to_the_places_asked_for():
    assert quantity(Decimal("0.123456")) == "0.1235"
    assert render("{{ heat|quantity:0 }}", heat=3412.4) == "3,412"


def test_a_missing_number_renders_empty_so_a_default_can_follow():
    assert money(None) == "" and quantity(None) == ""
    assert render(
        '{{ cost|money|default:"—" }} {{ kg|quantity|default:"—" }}', cost=None, kg=None
    ) == ("— —")


def test_text_that_is_not_a_number_is_shown_as_it_is():
    assert quantity("n/a") == "n/a" and money("n/a") == "n/a"


def test_sqlite_float_sums_are_rounded_to_the_stored_places_before_formatting():
    assert money(2566.9200000000001) == "2,566.92 USD"
    assert money(0.1 + 0.2) == "0.30 USD"
    assert quantity(0.1 + 0.2) == "0.3"
    assert quantity(12500.499999999998) == "12,500.5"
