"""Lists of bilans: the staff's (expected, late, received, accepted) and the holder's."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from reports import access, selectors

STAFF_BILANS_PAGE_SIZE = 50  # rows per page of the staff's list of bilans


@login_required
def staff_bilans(request):
    """Expected, late, received and accepted bilans of the funds the user's association runs."""
    funds, fund = access.get_staff_bilan_funds(request.user, request.GET.get("fonds", ""))
    state = request.GET.get("etat", "")
    rows = selectors.bilans_for_staff(user=request.user, today=timezone.localdate(), fund=fund)
    counts = dict.fromkeys(selectors.TrackingState.values, 0)
    for row in rows:
        counts[row.state] += 1
    if state in selectors.TrackingState.values:
        rows = [row for row in rows if row.state == state]
    # Late ones first (the selector's order): the first page is the one to act on.
    page = Paginator(rows, STAFF_BILANS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/staff_bilans.html",
        {
            "rows": rows,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "funds": funds,
            "fund": fund,
            "state": state,
            "states": [(value, label, counts[value]) for value, label in selectors.TrackingState.choices],
        },
    )


@login_required
def my_bilans(request):
    """The holder's granted requests and where their bilans stand."""
    rows = selectors.bilans_for_holder(user=request.user, today=timezone.localdate())
    return render(request, "reports/my_bilans.html", {"rows": rows})
