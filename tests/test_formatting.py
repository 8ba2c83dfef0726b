import datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils import formats, translation

from core.templatetags.portal_format import format_money, format_number


def test_money_in_french_format():
    assert format_money(Decimal("1234.5")) == "1\u202f234,50\u00a0€"
    assert format_money(0) == "0,00\u00a0€"
    assert format_money(Decimal("-20000")) == "-20\u202f000,00\u00a0€"
    assert format_money(None) == ""


def test_number_grouping():
    assert format_number(1234567) == "1\u202f234\u202f567"
    assert format_number(999) == "999"


def test_dates_in_french_format():
    with translation.override("fr"):
        assert formats.date_format(datetime.date(2025, 5, 24), "SHORT_DATE_FORMAT") == "24/05/2025"
        rendered = Template("{{ d|date:'SHORT_DATE_FORMAT' }}").render(Context({"d": datetime.date(2025, 5, 24)}))
        assert rendered == "24/05/2025"


def test_day_and_day_time_write_what_the_date_filter_writes():
    """`|day` and `|day_time` are `|date:"d/m/Y"` and `|date:"d/m/Y H:i"` in the current time zone, "" for None."""
    days = Template("{% load portal_format %}{{ v|day }}|{{ v|date:'d/m/Y' }}")
    times = Template("{% load portal_format %}{{ v|day_time }}|{{ v|date:'d/m/Y H:i' }}")
    moments = [
        datetime.datetime(2025, 3, 30, 0, 30, tzinfo=datetime.UTC),  # 01:30 in Paris, before the clocks move
        datetime.datetime(2025, 10, 25, 22, 5, tzinfo=datetime.UTC),  # already the 26th in Paris
        datetime.datetime(2024, 12, 31, 23, 59, tzinfo=datetime.UTC),
        None,
    ]
    for value in [*moments, datetime.date(2025, 5, 24)]:
        written, expected = days.render(Context({"v": value})).split("|")
        assert written == expected
    for value in moments:
        written, expected = times.render(Context({"v": value})).split("|")
        assert written == expected
    assert times.render(Context({"v": moments[1]})) == "26/10/2025 00:05|26/10/2025 00:05"
