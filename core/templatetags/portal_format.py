"""French formatting of money, numbers and dates: 1 234,50 €, 1 234, 05/12/2026 14:30."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.html import format_html

register = template.Library()

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"


def _group(integer_part: str) -> str:
    groups = []
    while len(integer_part) > 3:
        groups.insert(0, integer_part[-3:])
        integer_part = integer_part[:-3]
    groups.insert(0, integer_part)
    return NARROW_NBSP.join(groups)


def format_number(value, decimals: int = 0) -> str:
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    quantum = Decimal(1).scaleb(-decimals)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    text = f"{abs(number):.{decimals}f}"
    integer_part, _, fraction = text.partition(".")
    result = sign + _group(integer_part)
    if decimals:
        result += "," + fraction
    return result


def format_money(value) -> str:
    if value is None or value == "":
        return ""
    return f"{format_number(value, 2)}{NBSP}€"


@register.filter
def money(value) -> str:
    """1234.5 -> '1 234,50 €'."""
    return format_money(value)


@register.filter
def number(value, decimals: int = 0) -> str:
    """1234 -> '1 234'."""
    return format_number(value, int(decimals))


@register.filter(expects_localtime=True)
def day(value) -> str:
    """`|date:"d/m/Y"` (in the current time zone, "" without a date) without Django's format parser: a list
    of rows formats one or two dates a row."""
    return value.strftime("%d/%m/%Y") if value else ""


@register.filter(expects_localtime=True)
def day_time(value) -> str:
    """`|date:"d/m/Y H:i"`, as `day`."""
    return value.strftime("%d/%m/%Y %H:%M") if value else ""


@register.filter
def percent(value, decimals: int = 0) -> str:
    if value is None or value == "":
        return ""
    return f"{format_number(value, int(decimals))}{NBSP}%"


@register.simple_tag
def money_row(label, planned, realised, row_class: str = "", cell_class: str = "amount") -> str:
    """A table row: a row header, then two amounts (planned and realised), right-aligned by `cell_class`."""
    row_attr = format_html(' class="{}"', row_class) if row_class else ""
    return format_html(
        '<tr{}><th scope="row">{}</th><td class="{}">{}</td><td class="{}">{}</td></tr>',
        row_attr,
        label,
        cell_class,
        format_money(planned),
        cell_class,
        format_money(realised),
    )


@register.simple_tag
def text_or_empty(value, empty: str, tag: str = "p") -> str:
    """A document's free text (white space kept by class "text"), or `empty` (class "empty") when there is none."""
    if value:
        return format_html('<{} class="text">{}</{}>', tag, value, tag)
    return format_html('<{} class="empty">{}</{}>', tag, empty, tag)
