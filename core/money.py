"""Money: Decimal amounts in euros, never floats, rounded to the cent."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import DecimalField, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# The type of a sum of amounts computed by the database.
MONEY_OUTPUT = DecimalField(max_digits=14, decimal_places=2)


def sum_subquery(queryset, field: str, group_by: str) -> Coalesce:
    """The sum of `field` over `queryset` (filtered on an `OuterRef`, grouped by `group_by`), as an annotation of
    the outer rows: one subquery, 0 where there is none."""
    total = queryset.order_by().values(group_by).annotate(total=Sum(field)).values("total")[:1]
    return Coalesce(Subquery(total, output_field=MONEY_OUTPUT), Value(ZERO), output_field=MONEY_OUTPUT)


def cents(value) -> Decimal:
    """A Decimal (or None, read as 0) rounded half up to the cent."""
    return (value or ZERO).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(value, *, field: str = NON_FIELD_ERRORS) -> Decimal:
    """An amount from a Decimal, an int or a French string ("1 234,50 €"): at most 2 decimals, never a float.

    A value that is not an amount raises a ValidationError on `field` with a French message.
    """
    if isinstance(value, float):
        raise TypeError("Money amounts are Decimal, never float.")
    text = "".join(str(value).replace("€", "").split()).replace(",", ".")
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("Saisissez un montant en euros, par exemple 450 ou 450,50.")]}) from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise ValidationError(
            {field: [_("Saisissez un montant en euros avec au plus deux décimales, par exemple 450,50.")]}
        )
    return amount.quantize(CENT)
