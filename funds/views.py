from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from core.access import get_or_404_for
from core.public_cache import public_page
from funds import selectors
from funds.models import Fund
from funds.permissions import can_view_fund


def get_fund_for_back_office(request, slug: str) -> Fund:
    """The one access helper for a fund in the back office: 404 for whoever may not read it."""
    return get_or_404_for(request.user, Fund.objects.select_related("association"), may=can_view_fund, slug=slug)


@public_page
def open_calls(request):
    calls = selectors.open_calls(on_date=timezone.localdate())
    return render(request, "funds/open_calls.html", {"calls": calls})


@login_required
def fund_list(request):
    funds = selectors.funds_for_back_office(user=request.user)
    return render(request, "funds/fund_list.html", {"funds": funds})


@public_page
def fund_help(request, slug: str):
    """ "Besoin d'aide ?": whom to call or write to about a fund, when and where (public, any published fund)."""
    fund = get_object_or_404(Fund.objects.select_related("association"), slug=slug, is_published=True)
    return render(request, "funds/fund_help.html", {"fund": fund, "association": fund.association})
