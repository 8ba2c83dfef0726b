"""Lists of bilans: the staff's (expected, late, received, accepted) and the holder's."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import run_action
from core.pagination import paginate_by_ids
from reports import access, selectors, services

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
        rows = selectors.in_state(rows, state)
    # States, counts, filter and order are computed by the database; only the page's 50 rows are loaded.
    page = paginate_by_ids(
        selectors.with_contact(selectors.with_rows(rows)),
        per_page=STAFF_BILANS_PAGE_SIZE,
        number=request.GET.get("page"),
    )
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


def _list_url(query: str) -> str:
    """The staff's list of bilans, with the filters and page it was on (a query string only, never a host)."""
    url = reverse("reports:staff_bilans")
    return f"{url}?{query}" if query and "\n" not in query and "\\" not in query else url


@login_required
@require_POST
def remind_holder(request, pk: int):
    """ "Relancer": one reminder e-mail to the holder whose bilan is expected, recorded on the row."""
    application = access.get_remindable_for_user(request.user, pk)
    run_action(
        request,
        lambda: services.remind_holder(user=request.user, application=application, today=timezone.localdate()),
        success=_("Le porteur de la demande %(ref)s est relancé par e-mail.") % {"ref": application.display_reference},
    )
    return redirect(_list_url(request.POST.get("retour", "")) + f"#bilan-{application.pk}")


@login_required
def my_bilans(request):
    """The holder's granted requests and where their bilans stand."""
    rows = selectors.bilans_for_holder(user=request.user, today=timezone.localdate())
    return render(request, "reports/my_bilans.html", {"rows": rows})
