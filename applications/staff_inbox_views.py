"""The carrier associations' staff inbox: the worklist, its selection's bulk actions, its CSV and XLSX exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import forms, services
from applications.documents import inbox_export
from applications.inbox import (
    SORT_PARAM,
    Inbox,
    inbox,
    inbox_return_url,
    managed_fund_ids,
    page_rows,
    selected_applications,
    selection_actions,
)
from core import public_cache, tabular
from core.forms import flash_errors, run_action
from core.pagination import paginate_by_ids
from funds.permissions import is_any_association_staff

PER_PAGE = 25


def _staff_inbox(request) -> Inbox:
    """The one access helper: association staff (their funds only) and the administrator; 403 otherwise.
    Whoever manages a fund is one of them: only those who manage none cost the staff check a query."""
    fund_ids = managed_fund_ids(user=request.user)
    if not fund_ids and not is_any_association_staff(request.user):
        raise PermissionDenied
    return inbox(user=request.user, params=request.GET, fund_ids=fund_ids)


@login_required
def inbox_page(request):
    result = _staff_inbox(request)
    page = paginate_by_ids(
        page_rows(result.applications), per_page=PER_PAGE, number=request.GET.get("page"), count=result.count
    )
    context = {
        "inbox": result,
        "filterset": result.filterset,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "sort_param": SORT_PARAM,
        "filters_version": public_cache.current_version(),
        "selection_form": forms.SelectionForm(user=request.user, initial={"instructeur": request.user.pk}),
        "selection_actions": selection_actions(user=request.user),
        "return_query": request.GET.urlencode(),
    }
    return render(request, "applications/staff/inbox.html", context)


def _xlsx_response(applications) -> HttpResponse:
    response = HttpResponse(inbox_export.xlsx_bytes(applications), content_type=tabular.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{inbox_export.export_filename("xlsx")}"'
    return response


@login_required
@require_POST
def inbox_selection(request):
    """The inbox's selection form: "Attribuer" (one service call), or export the checked rows (CSV, XLSX).

    Putting the selection on a session's agenda posts the same form to the committees' view
    (`committees:agenda_selection`)."""
    if not is_any_association_staff(request.user):
        raise PermissionDenied
    back = inbox_return_url(request.POST.get("retour", ""))
    form = forms.SelectionForm(request.POST, user=request.user)
    if not form.is_valid():
        flash_errors(request, ValidationError(form.errors))
        return redirect(back)
    chosen = selected_applications(user=request.user, ids=form.cleaned_data["demandes"])
    action = request.POST.get("action", "")
    if action == "csv":
        return tabular.streaming_csv_response(
            filename=inbox_export.export_filename("csv"), headers=inbox_export.HEADERS, rows=inbox_export.rows(chosen)
        )
    if action == "xlsx":
        return _xlsx_response(chosen)
    if action != "assign":
        messages.error(request, _("Choisissez une action : attribuer, inscrire à une séance ou exporter."))
        return redirect(back)
    instructor = form.cleaned_data["instructeur"]
    if instructor is None:
        success = _("Attribution retirée pour %(count)s demande(s).") % {"count": len(chosen)}
    else:
        success = _("%(count)s demande(s) attribuée(s) à %(name)s.") % {
            "count": len(chosen),
            "name": instructor.get_full_name() or instructor.email,
        }
    run_action(
        request,
        lambda: services.assign_instructor(user=request.user, applications=chosen, instructor=instructor),
        success=success,
    )
    return redirect(back)


@login_required
def inbox_csv(request):
    result = _staff_inbox(request)
    return tabular.streaming_csv_response(
        filename=inbox_export.export_filename("csv"),
        headers=inbox_export.HEADERS,
        rows=inbox_export.rows(result.applications.iterator(chunk_size=2000)),
    )


@login_required
def inbox_xlsx(request):
    result = _staff_inbox(request)
    content = inbox_export.xlsx_bytes(result.applications.iterator(chunk_size=2000))
    response = HttpResponse(content, content_type=tabular.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{inbox_export.export_filename("xlsx")}"'
    return response
