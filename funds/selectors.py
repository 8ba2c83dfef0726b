from django.db.models import Prefetch, QuerySet

from funds import calendar
from funds.models import Fund, FundCoFunder


def funds_for_back_office(*, user) -> QuerySet[Fund]:
    return (
        Fund.objects.visible_to(user)
        .select_related("association")
        .prefetch_related(Prefetch("cofunders", queryset=FundCoFunder.objects.select_related("funder")))
        .order_by("-year", "name")
    )


def open_funds(*, on_date) -> QuerySet[Fund]:
    """The funds whose call is open on `on_date`, the soonest closing first, with their association."""
    return Fund.objects.open_for_applications(on_date).select_related("association").order_by("call_closes_on", "name")


def open_calls(*, on_date) -> list[dict]:
    """The open calls, each with its committee calendar (next sessions, last filing days): a fixed query count."""
    funds = list(open_funds(on_date=on_date).prefetch_related("themes", "neighbourhoods"))
    calendars = calendar.calendars(fund_ids=[fund.pk for fund in funds], today=on_date)
    return [{"fund": fund, "calendar": calendars[fund.pk]} for fund in funds]


def fund_detail(*, fund: Fund) -> dict:
    cofunders = list(fund.cofunders.select_related("funder"))
    return {
        "fund": fund,
        "cofunders": cofunders,
        "themes": list(fund.themes.all()),
        "neighbourhoods": list(fund.neighbourhoods.prefetch_related("communes")),
    }
