"""How numbers read on every page: the `cn_number` filter (targets.numbers.shown) and the entry field."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from targets.forms import EntryForm
from targets.numbers import shown


@pytest.mark.parametrize(
    ("value", "mode", "expected"),
    [
        (Decimal("1234567.5000"), "", "1,234,567.5"),
        (Decimal("90.2000"), "", "90.2"),
        (Decimal("3.025"), "", "3.03"),
        (Decimal("0.0000"), "", "0"),
        (Decimal("-1250"), "", "-1,250"),
        (Decimal("12036.4"), "count", "12,036"),
        (Decimal("96470.8"), "money", "96,470.80"),
        (Decimal("90.2000"), "input", "90.2"),
        (Decimal("1200.0000"), "input", "1200"),
        (Decimal("600000"), "万元", "60亿元"),
        (Decimal("9900"), "万元", "9,900 万元"),
        (Decimal("6711600"), "斤", "671.16万斤"),
        (Decimal("260000000"), "人", "2.6亿人"),
        (Decimal("12036"), "亩", "12,036 亩"),
        (Decimal("98.5"), "%", "98.5%"),
        (Decimal("2.4"), "亿元", "2.4 亿元"),
        (None, "", "—"),
        ("not a number", "", "—"),
    ],
)
def test_numbers_read_the_way_people_write_them(value, mode, expected):
    assert shown(value, mode) == expected


def test_a_percentage_spaces_its_sign_in_english_only():
    with translation.override("en"):
        assert shown(Decimal("98.5"), "%") == "98.5 %"
    with translation.override("zh-hans"):
        assert shown(Decimal("100"), "%") == "100%"


def test_the_filter_draws_a_value_with_its_unit_on_a_page():
    page = Template('{% load platform_tags %}{{ v|cn_number:unit }} / {{ n|cn_number:"count" }}').render(
        Context({"v": Decimal("6711600.0000"), "unit": "斤", "n": Decimal("115.0000")})
    )
    assert page == "671.16万斤 / 115"


def test_the_entry_field_shows_a_stored_value_without_trailing_zeros():
    html = str(EntryForm(initial={"value": Decimal("90.2000")})["value"])
    assert 'value="90.2"' in html


def test_the_entry_field_gives_back_what_was_typed_when_it_is_not_a_number():
    html = str(EntryForm(data={"value": "九十"})["value"])
    assert 'value="九十"' in html
