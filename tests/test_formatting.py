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
