"""Lists of bilans: the staff's (expected, late, received, accepted) and the holder's."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from core.pagination import paginate_by_ids
from reports import access, selectors

STAFF_BILANS_PAGE_SIZE = 50  # rows per page of the staff's list of bilans


@login_required
def staff_bilans(request):
    """Expected, late, received and accepted bilans of the funds the user's association runs."""
    funds, fund = access.get_staff_bilan_funds(request.user, request.GET.get("fonds", ""))
    state = request.GET.get("etat", "")
    today = timezone.localdate()
    rows = selectors.staff_bilan_queryset(user=request.user, today=today, fund=fund)
    counts = selectors.state_counts(rows)
    if state in selectors.TrackingState.values:
        rows = rows.filter(tracking=state)
    # States, counts, filter and order are computed by the database; only the page's 50 rows are loaded.
    page = paginate_by_ids(selectors.with_rows(rows), per_page=STAFF_BILANS_PAGE_SIZE, number=request.GET.get("page"))
    page.object_list = [selectors.tracked(application, today=today) for application in page.object_list]
    return render(
        request,
        "reports/staff_bilans.html",
        {
            "rows": page.object_list,
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
