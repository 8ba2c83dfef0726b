from django.db.models import Prefetch, QuerySet

from funds.models import Fund, FundCoFunder


def funds_for_back_office(*, user) -> QuerySet[Fund]:
    return (
        Fund.objects.visible_to(user)
        .select_related("association")
        .prefetch_related(Prefetch("cofunders", queryset=FundCoFunder.objects.select_related("funder")))
        .order_by("-year", "name")
    )


def open_funds(*, on_date) -> QuerySet[Fund]:
    return (
        Fund.objects.open_for_applications(on_date)
        .select_related("association")
        .prefetch_related("themes", "neighbourhoods")
        .order_by("call_closes_on", "name")
    )


def fund_detail(*, fund: Fund) -> dict:
    cofunders = list(fund.cofunders.select_related("funder"))
    return {
        "fund": fund,
        "cofunders": cofunders,
        "themes": list(fund.themes.all()),
        "neighbourhoods": list(fund.neighbourhoods.prefetch_related("communes")),
    }
